package dev.lmsbench.core.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Measures the CPU this process and the machine use while a load stage runs: the process's CPU time over the wall
 * time (of all cores), and the machine's load sampled every {@value #SAMPLE_MILLIS} ms. Either is NaN when the JVM
 * cannot tell. One per stage; {@link #stop()} ends it.
 */
final class CpuMeter {

    private static final Logger LOG = LoggerFactory.getLogger(CpuMeter.class);
    static final long SAMPLE_MILLIS = 250;

    private final com.sun.management.OperatingSystemMXBean os;
    private final long startWall;
    private final long startCpu;
    private final Thread sampler;
    private volatile double machineSum;
    private volatile int machineSamples;
    private volatile boolean running = true;

    CpuMeter() {
        com.sun.management.OperatingSystemMXBean bean = null;
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean b) {
                bean = b;
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("no CPU figures from this JVM", e);
        }
        os = bean;
        startWall = System.nanoTime();
        startCpu = os == null ? -1 : os.getProcessCpuTime();
        if (os != null) {
            os.getCpuLoad(); // the first call only starts the measurement
        }
        sampler = Thread.ofPlatform().daemon().name("lmsbench-cpu-meter").unstarted(this::sample);
        if (os != null) {
            sampler.start();
        }
    }

    private void sample() {
        while (running) {
            try {
                TimeUnit.MILLISECONDS.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            double load = os.getCpuLoad();
            if (load >= 0 && running) {
                synchronized (this) {
                    machineSum += load;
                    machineSamples++;
                }
            }
        }
    }

    /** {@return [process CPU percent, machine CPU percent]} and stops sampling. */
    double[] stop() {
        running = false;
        sampler.interrupt();
        if (os == null) {
            return new double[] {Double.NaN, Double.NaN};
        }
        long wall = System.nanoTime() - startWall;
        long cpu = os.getProcessCpuTime();
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        double process = startCpu < 0 || cpu < 0 || wall <= 0 ? Double.NaN
                : 100.0 * (cpu - startCpu) / ((double) wall * cores);
        double machine;
        synchronized (this) {
            machine = machineSamples == 0 ? Double.NaN : 100.0 * machineSum / machineSamples;
        }
        return new double[] {process, machine};
    }
}
