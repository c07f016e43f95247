/**
 * LM Studio Bench tokenizers: token counts from a Hugging Face {@code tokenizer.json}, for servers that send no
 * usage. Start at {@link dev.lmsbench.tokenizers.TokenizerJson}.
 */
module dev.lmsbench.tokenizers {
    requires transitive dev.lmsbench.core;
    requires ai.djl.tokenizers;
    requires ai.djl.api;
    requires org.slf4j;

    exports dev.lmsbench.tokenizers;
}
