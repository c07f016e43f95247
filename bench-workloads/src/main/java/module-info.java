/**
 * LM Studio Bench workloads: what a load test sends, implementations of {@link dev.lmsbench.core.spi.Workload}
 * (random lengths, multi-round QA, agent chains, a ShareGPT file, shared prefixes). Start at
 * {@link dev.lmsbench.workloads.Workloads}.
 */
module dev.lmsbench.workloads {
    requires transitive dev.lmsbench.core;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;

    exports dev.lmsbench.workloads;
}
