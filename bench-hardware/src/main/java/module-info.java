/**
 * LM Studio Bench hardware monitors: CPU and RAM through OSHI, NVIDIA GPUs through NVML and AMD GPUs through ROCm SMI
 * (both called with JNA), with fallbacks that parse nvidia-smi, rocm-smi and intel_gpu_top or read amdgpu sysfs.
 * GPU backends are {@link dev.lmsbench.hardware.GpuBackendProvider} services. Implements
 * {@link dev.lmsbench.core.hardware.HardwareMonitor}; see {@link dev.lmsbench.hardware.HardwareMonitors}.
 */
module dev.lmsbench.hardware {
    requires transitive dev.lmsbench.core;
    requires com.github.oshi;
    requires com.sun.jna;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.lmsbench.hardware;

    uses dev.lmsbench.hardware.GpuBackendProvider;
    provides dev.lmsbench.hardware.GpuBackendProvider with
            dev.lmsbench.hardware.BuiltInGpuBackends.Nvml,
            dev.lmsbench.hardware.BuiltInGpuBackends.NvidiaSmi,
            dev.lmsbench.hardware.BuiltInGpuBackends.RocmSmi,
            dev.lmsbench.hardware.BuiltInGpuBackends.RocmSmiCli,
            dev.lmsbench.hardware.BuiltInGpuBackends.SysfsAmd,
            dev.lmsbench.hardware.BuiltInGpuBackends.IntelGpuTop;
    // JNA reads and writes the fields of the NVML structures reflectively; only JNA may look inside
    opens dev.lmsbench.hardware to com.sun.jna;
}
