package dev.lmsbench.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a tiny random-weight llama model as a GGUF v3 file that llama.cpp's {@code llama-server} loads: 4 layers,
 * embedding 256, 8 attention heads over 4 KV heads (grouped-query attention), feed-forward 768, context 512, every
 * tensor F32, weights drawn from N(0, 0.02) with a fixed seed, and a small SentencePiece-style vocabulary
 * ({@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte tokens {@code <0x00>}..{@code <0xFF>} and a few hundred
 * "▁word" pieces): 3.4 M parameters, 13.6 MB. That size is chosen for the timing comparison: on 2 cores a token takes
 * about 1 ms of real matrix work, so a 32-token answer lasts tens of milliseconds and scheduling jitter of a
 * fraction of a millisecond does not dominate the decode rate (with embedding 64 a token took 0.25 ms and the
 * engine's own rate varied 3x between identical requests).
 *
 * <p>The layout follows the GGUF specification (ggml's docs/gguf.md): header (magic {@code GGUF}, version 3, tensor
 * count, metadata count), the metadata key-value pairs, the tensor infos (name, dimensions with {@code ne[0]}, the row
 * length, first, type, offset into the data section), padding to {@link #ALIGNMENT}, then each tensor's data, every
 * offset a multiple of the alignment. All little-endian.
 *
 * <p>One deliberate non-random part keeps generation well behaved: dimension 0 of every token embedding is 1.0, so
 * it dominates the residual stream (the random layers add a few tenths), and {@code output.weight} has +1 in that
 * dimension for the normal pieces and -1 for the control and byte tokens. The logit of every control and byte token
 * is then about 10 below every normal piece: the model never ends on its own ({@code </s>}) and never emits a lone
 * byte that would leave invalid UTF-8 for the server to hold back, so every streamed token is one visible chunk. The
 * choice among the normal pieces stays random.
 */
final class TinyGguf {

    static final int ALIGNMENT = 32;
    static final int N_LAYER = 4;
    static final int N_EMBD = 256;
    static final int N_HEAD = 8;
    static final int N_HEAD_KV = 4;
    static final int N_FF = 768;
    static final int N_CTX = 512;
    static final int HEAD_DIM = N_EMBD / N_HEAD;
    static final String NAME = "lmsbench-tiny-llama";

    // gguf_type
    private static final int UINT32 = 4;
    private static final int INT32 = 5;
    private static final int FLOAT32 = 6;
    private static final int BOOL = 7;
    private static final int STRING = 8;
    private static final int ARRAY = 9;
    // ggml_type
    private static final int GGML_F32 = 0;
    // llama_token_type
    private static final int TOKEN_NORMAL = 1;
    private static final int TOKEN_UNKNOWN = 2;
    private static final int TOKEN_CONTROL = 3;
    private static final int TOKEN_BYTE = 6;

    private static final String[] WORDS = {"the", "a", "an", "and", "of", "to", "in", "is", "it", "that", "for",
            "on", "with", "as", "was", "be", "by", "at", "this", "are", "from", "or", "have", "not", "but", "sky",
            "blue", "light", "sun", "air", "why", "short", "paragraph", "explain", "because", "scatter", "color",
            "wave", "red", "day", "time", "you", "we", "they", "can", "will", "one", "all", "more", "so"};

    private TinyGguf() {
    }

    /** A tensor: name, dimensions ({@code ne[0]} first) and its F32 values. */
    record Tensor(String name, long[] ne, float[] data) {
        long bytes() {
            return 4L * data.length;
        }
    }

    /** The vocabulary: pieces, scores and token types, index = token id. */
    record Vocab(List<String> tokens, float[] scores, int[] types) {
        int size() {
            return tokens.size();
        }

        boolean normal(int id) {
            return types[id] == TOKEN_NORMAL;
        }
    }

    static Vocab vocab() {
        List<String> tokens = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        tokens.add("<unk>");
        types.add(TOKEN_UNKNOWN);
        tokens.add("<s>");
        types.add(TOKEN_CONTROL);
        tokens.add("</s>");
        types.add(TOKEN_CONTROL);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(TOKEN_BYTE);
        }
        // SentencePiece merges a piece only through pieces that exist, so every prefix of "▁word" is a piece too
        LinkedHashSet<String> pieces = new LinkedHashSet<>();
        pieces.add("\u2581");
        for (String w : WORDS) {
            String piece = "\u2581" + w;
            for (int i = 2; i <= piece.length(); i++) {
                pieces.add(piece.substring(0, i));
            }
        }
        for (char c = 'a'; c <= 'z'; c++) {
            pieces.add(String.valueOf(c));
            pieces.add(String.valueOf(Character.toUpperCase(c)));
            pieces.add("\u2581" + Character.toUpperCase(c));
        }
        for (char c = '0'; c <= '9'; c++) {
            pieces.add(String.valueOf(c));
        }
        for (String p : List.of(".", ",", "!", "?", ":", ";", "'", "\"", "-", "(", ")", "\u2581.", "\u2581,")) {
            pieces.add(p);
        }
        for (String p : pieces) {
            tokens.add(p);
            types.add(TOKEN_NORMAL);
        }
        float[] scores = new float[tokens.size()];
        int[] typeArray = new int[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            typeArray[i] = types.get(i);
            // longer pieces merge first, as in a trained SentencePiece model's log probabilities
            scores[i] = typeArray[i] == TOKEN_NORMAL ? -1000f + 10f * tokens.get(i).length() - i * 0.001f : 0f;
        }
        return new Vocab(List.copyOf(tokens), scores, typeArray);
    }

    static List<Tensor> tensors(Vocab vocab, long seed) {
        Random random = new Random(seed);
        int nVocab = vocab.size();
        int kvDim = HEAD_DIM * N_HEAD_KV;
        List<Tensor> tensors = new ArrayList<>();
        float[] embd = gaussian(random, (long) N_EMBD * nVocab);
        for (int t = 0; t < nVocab; t++) {
            embd[t * N_EMBD] = 1.0f;
        }
        tensors.add(new Tensor("token_embd.weight", new long[]{N_EMBD, nVocab}, embd));
        for (int l = 0; l < N_LAYER; l++) {
            String p = "blk." + l + ".";
            tensors.add(new Tensor(p + "attn_norm.weight", new long[]{N_EMBD}, ones(N_EMBD)));
            tensors.add(new Tensor(p + "attn_q.weight", new long[]{N_EMBD, N_EMBD}, gaussian(random, N_EMBD * N_EMBD)));
            tensors.add(new Tensor(p + "attn_k.weight", new long[]{N_EMBD, kvDim}, gaussian(random, N_EMBD * kvDim)));
            tensors.add(new Tensor(p + "attn_v.weight", new long[]{N_EMBD, kvDim}, gaussian(random, N_EMBD * kvDim)));
            tensors.add(new Tensor(p + "attn_output.weight", new long[]{N_EMBD, N_EMBD},
                    gaussian(random, N_EMBD * N_EMBD)));
            tensors.add(new Tensor(p + "ffn_norm.weight", new long[]{N_EMBD}, ones(N_EMBD)));
            tensors.add(new Tensor(p + "ffn_gate.weight", new long[]{N_EMBD, N_FF}, gaussian(random, N_EMBD * N_FF)));
            tensors.add(new Tensor(p + "ffn_up.weight", new long[]{N_EMBD, N_FF}, gaussian(random, N_EMBD * N_FF)));
            tensors.add(new Tensor(p + "ffn_down.weight", new long[]{N_FF, N_EMBD}, gaussian(random, N_FF * N_EMBD)));
        }
        tensors.add(new Tensor("output_norm.weight", new long[]{N_EMBD}, ones(N_EMBD)));
        float[] out = gaussian(random, (long) N_EMBD * nVocab);
        for (int t = 0; t < nVocab; t++) {
            out[t * N_EMBD] = vocab.normal(t) ? 1.0f : -1.0f;
        }
        tensors.add(new Tensor("output.weight", new long[]{N_EMBD, nVocab}, out));
        return tensors;
    }

    /** Writes the model to {@code file} and returns its size in bytes. */
    static long write(Path file, long seed) throws IOException {
        Vocab vocab = vocab();
        List<Tensor> tensors = tensors(vocab, seed);
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("general.architecture", "llama");
        kv.put("general.name", NAME);
        kv.put("general.alignment", new U32(ALIGNMENT));
        kv.put("llama.context_length", new U32(N_CTX));
        kv.put("llama.embedding_length", new U32(N_EMBD));
        kv.put("llama.block_count", new U32(N_LAYER));
        kv.put("llama.feed_forward_length", new U32(N_FF));
        kv.put("llama.attention.head_count", new U32(N_HEAD));
        kv.put("llama.attention.head_count_kv", new U32(N_HEAD_KV));
        kv.put("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        kv.put("llama.rope.dimension_count", new U32(HEAD_DIM));
        kv.put("llama.rope.freq_base", 10000f);
        kv.put("llama.vocab_size", new U32(vocab.size()));
        kv.put("tokenizer.ggml.model", "llama");
        kv.put("tokenizer.ggml.tokens", vocab.tokens());
        kv.put("tokenizer.ggml.scores", vocab.scores());
        kv.put("tokenizer.ggml.token_type", vocab.types());
        kv.put("tokenizer.ggml.bos_token_id", new U32(1));
        kv.put("tokenizer.ggml.eos_token_id", new U32(2));
        kv.put("tokenizer.ggml.unknown_token_id", new U32(0));
        kv.put("tokenizer.ggml.add_bos_token", Boolean.TRUE);
        kv.put("tokenizer.ggml.add_eos_token", Boolean.FALSE);

        Out o = new Out();
        o.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        o.u32(3);
        o.u64(tensors.size());
        o.u64(kv.size());
        for (Map.Entry<String, Object> e : kv.entrySet()) {
            o.string(e.getKey());
            o.value(e.getValue());
        }
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Tensor t : tensors) {
            o.string(t.name());
            o.u32(t.ne().length);
            for (long d : t.ne()) {
                o.u64(d);
            }
            o.u32(GGML_F32);
            o.u64(offset);
            offsets.add(offset);
            offset = align(offset + t.bytes());
        }
        o.pad();
        long dataStart = o.size();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (o.size() - dataStart != offsets.get(i)) {
                throw new IllegalStateException("tensor " + t.name() + " is not at its offset");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) t.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : t.data()) {
                buf.putFloat(f);
            }
            o.bytes(buf.array());
            o.pad();
        }
        try (OutputStream os = Files.newOutputStream(file)) {
            o.buf.writeTo(os);
        }
        return Files.size(file);
    }

    /** Parameter count of the model (every tensor element). */
    static long parameters() {
        return tensors(vocab(), 0).stream().mapToLong(t -> t.data().length).sum();
    }

    private record U32(int value) {
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static float[] gaussian(Random random, long n) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (random.nextGaussian() * 0.02);
        }
        return a;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1.0f);
        return a;
    }

    /** Little-endian writer of GGUF's primitive types. */
    private static final class Out {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        long size() {
            return buf.size();
        }

        void bytes(byte[] b) {
            buf.write(b, 0, b.length);
        }

        void u32(int v) {
            scratch.clear();
            buf.write(scratch.putInt(v).array(), 0, 4);
        }

        void u64(long v) {
            scratch.clear();
            buf.write(scratch.putLong(v).array(), 0, 8);
        }

        void f32(float v) {
            scratch.clear();
            buf.write(scratch.putFloat(v).array(), 0, 4);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void pad() {
            while (buf.size() % ALIGNMENT != 0) {
                buf.write(0);
            }
        }

        void value(Object v) {
            switch (v) {
                case U32 u -> {
                    u32(UINT32);
                    u32(u.value());
                }
                case Float f -> {
                    u32(FLOAT32);
                    f32(f);
                }
                case Boolean b -> {
                    u32(BOOL);
                    buf.write(b ? 1 : 0);
                }
                case String s -> {
                    u32(STRING);
                    string(s);
                }
                case List<?> list -> {
                    u32(ARRAY);
                    u32(STRING);
                    u64(list.size());
                    for (Object s : list) {
                        string((String) s);
                    }
                }
                case float[] a -> {
                    u32(ARRAY);
                    u32(FLOAT32);
                    u64(a.length);
                    for (float f : a) {
                        f32(f);
                    }
                }
                case int[] a -> {
                    u32(ARRAY);
                    u32(INT32);
                    u64(a.length);
                    for (int i : a) {
                        u32(i);
                    }
                }
                default -> throw new IllegalArgumentException("no GGUF type for " + v.getClass());
            }
        }
    }

    /** Writes the model to the path given as the first argument (for trying it by hand against llama-server). */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "tiny.gguf");
        long size = write(file, 42);
        System.out.println(file + ": " + size + " bytes, " + vocab().size() + " tokens, " + parameters()
                + " parameters");
    }
}
