/**
 * LM Studio Bench core: the domain model, the ports adapters implement, live progress events,
 * statistics and the benchmark engine. Depends on nothing but SLF4J.
 */
module dev.lmsbench.core {
    requires org.slf4j;
    // com.sun.management: the load generator measures its own CPU use (a JDK module, no download)
    requires jdk.management;

    exports dev.lmsbench.core.model;
    exports dev.lmsbench.core.event;
    exports dev.lmsbench.core.spi;
    exports dev.lmsbench.core.stats;
    exports dev.lmsbench.core.engine;
    exports dev.lmsbench.core.load;
    exports dev.lmsbench.core.config;
    exports dev.lmsbench.core.hardware;
    exports dev.lmsbench.core.text;
}
