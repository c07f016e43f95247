/**
 * LM Studio Bench hardware monitors: CPU and RAM through OSHI, NVIDIA GPUs through NVML and AMD GPUs through ROCm SMI
 * (both called with JNA). Implements {@link dev.lmsbench.core.hardware.HardwareMonitor}; see
 * {@link dev.lmsbench.hardware.HardwareMonitors}.
 */
module dev.lmsbench.hardware {
    requires transitive dev.lmsbench.core;
    requires com.github.oshi;
    requires com.sun.jna;
    requires org.slf4j;

    exports dev.lmsbench.hardware;
    // JNA reads and writes the fields of the NVML structures reflectively; only JNA may look inside
    opens dev.lmsbench.hardware to com.sun.jna;
}
