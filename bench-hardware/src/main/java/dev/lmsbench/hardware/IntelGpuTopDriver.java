package dev.lmsbench.hardware;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intel GPUs (i915) through {@code intel_gpu_top -J}, which reads the driver's perf counters (root or
 * {@code CAP_PERFMON} needed). The tool has no sample count in most released versions, so {@link #init()} starts one
 * long-running {@code intel_gpu_top -J -s <period ms>} whose output a daemon thread cuts into JSON objects (older
 * versions print them without commas in an array that is never closed; newer ones separate them with commas), keeping
 * the latest; {@link #refresh()} takes the latest complete object and {@link #shutdown()} kills the tool. The first
 * object covers only the few milliseconds between the tool's first two counter reads, so it proves the tool works but
 * is not used as a sample.
 *
 * <p>Figures: GPU utilization is the busiest engine's {@code busy} percent, power {@code power.GPU} in watts, core
 * clock {@code frequency.actual} in MHz. The tool reports no VRAM, GTT, memory utilization, power limit, temperature or
 * memory clock (it watches one integrated or discrete i915 GPU), so those are -1. The device name comes from
 * {@code intel_gpu_top -L}.
 */
final class IntelGpuTopDriver implements GpuDriver {

    static final String BACKEND = "intel_gpu_top";

    /** System property: full path of the {@code intel_gpu_top} executable to run instead of the one on PATH. */
    static final String TOOL_PROPERTY = "lmsbench.intel_gpu_top";

    static final Duration DEFAULT_PERIOD = Duration.ofMillis(500);

    private static final Logger LOG = LoggerFactory.getLogger(IntelGpuTopDriver.class);

    private final ToolCommand tool;
    private final Duration period;
    private final Object lock = new Object();
    private ToolCommand.Running running;
    private Thread reader;
    private String name = "Intel GPU";
    /** The latest complete object, its number (1 = the first) and when it arrived; guarded by lock. */
    private JsonNode latest;
    private long objects;
    private long latestNanos;
    private JsonNode current;

    IntelGpuTopDriver(ToolCommand tool) {
        this(tool, DEFAULT_PERIOD);
    }

    IntelGpuTopDriver(ToolCommand tool, Duration period) {
        this.tool = tool;
        this.period = period;
    }

    /** Finds {@code intel_gpu_top} through {@link #TOOL_PROPERTY} or on PATH. Never throws. */
    static DriverLoad load() {
        return ToolCommand.load(TOOL_PROPERTY, "intel_gpu_top", IntelGpuTopDriver::new);
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public String library() {
        return tool.executable().toString();
    }

    @Override
    public void init() throws NativeStatusException {
        name = deviceName();
        ToolCommand.Running started = tool.startLong("-J", "-s", Long.toString(Math.max(1, period.toMillis())));
        CountDownLatch first = new CountDownLatch(1);
        Thread thread = Thread.ofPlatform().daemon().name("intel_gpu_top reader")
                .start(() -> read(started, first));
        synchronized (lock) {
            running = started;
            reader = thread;
        }
        boolean arrived;
        try {
            arrived = first.await(tool.timeout().toMillis() + period.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            arrived = false;
        }
        if (!arrived || objectCount() == 0) {
            boolean exited;
            try {
                exited = started.process().waitFor(200, TimeUnit.MILLISECONDS); // let an exiting tool's status settle
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exited = false;
            }
            shutdown();
            throw exited ? tool.failure(started.process().exitValue(), started.stderrTail())
                    : tool.failure(-1, "no sample within " + tool.timeout().toMillis() + " ms");
        }
    }

    /** The name of the first GPU {@code intel_gpu_top -L} lists, e.g. {@code Intel Coffeelake (Gen9)}. */
    private String deviceName() {
        try {
            return parseDeviceName(tool.runChecked("-L"));
        } catch (NativeStatusException e) {
            LOG.debug("intel_gpu_top -L failed: {}", e.getMessage());
            return "Intel GPU";
        }
    }

    /** {@code card1  Intel Coffeelake (Gen9)  pci:vendor=8086,...}: the text between the card and the pci filter. */
    static String parseDeviceName(String listing) {
        for (String line : listing.lines().toList()) {
            String stripped = line.strip();
            if (stripped.startsWith("card")) {
                String rest = stripped.replaceFirst("^card\\S*\\s*", "");
                int pci = rest.indexOf("pci:");
                String deviceName = (pci >= 0 ? rest.substring(0, pci) : rest).strip();
                if (!deviceName.isEmpty()) {
                    return deviceName;
                }
            }
        }
        return "Intel GPU";
    }

    private void read(ToolCommand.Running started, CountDownLatch first) {
        JsonObjectScanner scanner = new JsonObjectScanner(object -> {
            synchronized (lock) {
                latest = object;
                objects++;
                latestNanos = System.nanoTime();
            }
            first.countDown();
        });
        char[] buffer = new char[4096];
        try (Reader in = new InputStreamReader(started.process().getInputStream(), StandardCharsets.UTF_8)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                try {
                    scanner.feed(java.nio.CharBuffer.wrap(buffer, 0, n));
                } catch (JsonProcessingException e) {
                    LOG.debug("intel_gpu_top: skipping an invalid object: {}", e.getOriginalMessage());
                }
            }
        } catch (IOException e) { // killed in shutdown
            LOG.trace("intel_gpu_top reader: {}", e.getMessage());
        } finally {
            first.countDown();
        }
    }

    private long objectCount() {
        synchronized (lock) {
            return objects;
        }
    }

    @Override
    public void refresh() throws NativeStatusException {
        synchronized (lock) {
            if (running == null) {
                throw new NativeStatusException(BACKEND, -1, "not running");
            }
            if (!running.process().isAlive()) {
                throw tool.failure(running.process().exitValue(), "exited: " + running.stderrTail());
            }
            if (objects < 2) {
                throw new NativeStatusException(BACKEND, -1, "no full sample yet");
            }
            long stale = Math.max(3 * period.toNanos(), tool.timeout().toNanos());
            if (System.nanoTime() - latestNanos > stale) {
                throw new NativeStatusException(BACKEND, -1, "no sample for " + stale / 1_000_000 + " ms");
            }
            current = latest;
        }
    }

    /** For tests and parsers: answer the figure calls from this object, as after a refresh. */
    void use(JsonNode sample) {
        synchronized (lock) {
            current = sample;
        }
    }

    @Override
    public void shutdown() {
        ToolCommand.Running stopping;
        Thread joining;
        synchronized (lock) {
            stopping = running;
            joining = reader;
            running = null;
            reader = null;
            current = null;
        }
        if (stopping != null) {
            stopping.stop();
        }
        if (joining != null) {
            try {
                joining.join(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String driverVersion() {
        return ""; // i915 is part of the kernel, whose version is in HardwareInfo.os
    }

    @Override
    public int deviceCount() {
        return 1;
    }

    @Override
    public String name(int device) {
        return name;
    }

    @Override
    public String uuid(int device) {
        return "";
    }

    @Override
    public long vramTotalBytes(int device) {
        return -1;
    }

    @Override
    public long vramUsedBytes(int device) {
        return -1;
    }

    @Override
    public long gttUsedBytes(int device) {
        return -1;
    }

    /** The busiest engine (Render/3D, Video, Blitter, Compute...): the GPU is as busy as its busiest part. */
    @Override
    public double gpuUtilizationPercent(int device) throws NativeStatusException {
        double max = -1;
        for (Map.Entry<String, JsonNode> engine : sample(device).path("engines").properties()) {
            JsonNode busy = engine.getValue().path("busy");
            if (busy.isNumber()) {
                max = Math.max(max, busy.asDouble());
            }
        }
        if (max < 0) {
            throw new NativeStatusException(BACKEND, -1, "no engine busyness (are perf counters readable?)");
        }
        return max;
    }

    @Override
    public double memoryUtilizationPercent(int device) {
        return -1;
    }

    @Override
    public double powerWatts(int device) throws NativeStatusException {
        return numberAt(sample(device), "power", "GPU");
    }

    @Override
    public double powerLimitWatts(int device) {
        return -1;
    }

    @Override
    public double temperatureCelsius(int device) {
        return -1;
    }

    @Override
    public int coreClockMhz(int device) throws NativeStatusException {
        return (int) Math.round(numberAt(sample(device), "frequency", "actual"));
    }

    @Override
    public int memoryClockMhz(int device) {
        return -1;
    }

    private JsonNode sample(int device) throws NativeStatusException {
        synchronized (lock) {
            if (device != 0 || current == null) {
                throw new NativeStatusException(BACKEND, -1, "no sample for device " + device);
            }
            return current;
        }
    }

    private static double numberAt(JsonNode sample, String object, String field) throws NativeStatusException {
        JsonNode value = sample.path(object).path(field);
        if (!value.isNumber()) {
            throw new NativeStatusException(BACKEND, -1, object + "." + field + " not reported");
        }
        return value.asDouble();
    }
}
