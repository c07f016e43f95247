package dev.lmsbench.hardware;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NVIDIA GPUs through the {@code nvidia-smi} command, for machines where {@code libnvidia-ml} cannot be loaded by us
 * (the tool ships with the driver and finds its own copy). Runs
 * {@code nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits} once in {@link #init()} to learn the devices
 * and the driver version and once per {@link #refresh()}; the figure calls read the rows of the latest run. Memory
 * comes in MiB and is converted to bytes; power in watts, clocks in MHz.
 *
 * <p>A value of {@code [N/A]}, {@code [Not Supported]} (any bracketed value), {@code N/A} or nothing makes that
 * figure's call throw, so {@link GpuQuery} reports its sentinel rather than a zero.
 */
final class NvidiaSmiDriver implements GpuDriver {

    static final String BACKEND = "nvidia-smi";

    /** System property: full path of the {@code nvidia-smi} executable to run instead of the one on PATH. */
    static final String TOOL_PROPERTY = "lmsbench.nvidia-smi";

    /** The queried fields, in the order of the output's columns. */
    static final List<String> FIELDS = List.of("index", "name", "uuid", "driver_version", "memory.total",
            "memory.used", "utilization.gpu", "utilization.memory", "power.draw", "power.limit", "temperature.gpu",
            "clocks.gr", "clocks.mem", "pcie.link.gen.current", "pcie.link.width.current");

    private static final int NAME = 1;
    private static final int UUID = 2;
    private static final int DRIVER_VERSION = 3;
    private static final int MEMORY_TOTAL = 4;
    private static final int MEMORY_USED = 5;
    private static final int UTILIZATION_GPU = 6;
    private static final int UTILIZATION_MEMORY = 7;
    private static final int POWER_DRAW = 8;
    private static final int POWER_LIMIT = 9;
    private static final int TEMPERATURE = 10;
    private static final int CLOCK_GRAPHICS = 11;
    private static final int CLOCK_MEMORY = 12;
    private static final int PCIE_GENERATION = 13;
    private static final int PCIE_WIDTH = 14;

    private static final long MIB = 1L << 20;
    /** A leading number; a unit after it (if {@code nounits} was not honoured) is ignored. */
    private static final Pattern NUMBER = Pattern.compile("^[-+]?\\d+(?:\\.\\d+)?");

    private final ToolCommand tool;
    private List<List<String>> rows = List.of();
    private String driverVersion = "";

    NvidiaSmiDriver(ToolCommand tool) {
        this.tool = tool;
    }

    /** Finds {@code nvidia-smi} through {@link #TOOL_PROPERTY} or on PATH. Never throws. */
    static DriverLoad load() {
        return ToolCommand.load(TOOL_PROPERTY, "nvidia-smi", NvidiaSmiDriver::new);
    }

    static String[] arguments() {
        return new String[] {"--query-gpu=" + String.join(",", FIELDS), "--format=csv,noheader,nounits"};
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
        refresh();
        driverVersion = rows.isEmpty() ? "" : text(rows.getFirst(), DRIVER_VERSION);
    }

    @Override
    public void refresh() throws NativeStatusException {
        accept(tool.runChecked(arguments()));
    }

    /** Answers the figure calls from this output of the query, as after a refresh. */
    void accept(String output) throws NativeStatusException {
        rows = parse(output);
    }

    /**
     * The rows of one run, one per GPU in output order.
     *
     * @throws NativeStatusException if a non-blank line is not a row of {@link #FIELDS}
     */
    static List<List<String>> parse(String output) throws NativeStatusException {
        List<List<String>> parsed = new ArrayList<>();
        for (String line : output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            List<String> fields = new ArrayList<>(Arrays.stream(line.split(",", -1)).map(String::strip).toList());
            // nvidia-smi does not quote: a comma in a name shows as extra columns, which belong to the name
            while (fields.size() > FIELDS.size()) {
                fields.set(NAME, fields.get(NAME) + ", " + fields.remove(NAME + 1));
            }
            if (fields.size() != FIELDS.size()) {
                throw new NativeStatusException(BACKEND, -1, "unexpected output line: " + abbreviate(line));
            }
            parsed.add(List.copyOf(fields));
        }
        return List.copyOf(parsed);
    }

    private static String abbreviate(String line) {
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    @Override
    public void shutdown() {
        rows = List.of();
    }

    @Override
    public String driverVersion() {
        return driverVersion;
    }

    @Override
    public int deviceCount() {
        return rows.size();
    }

    @Override
    public String name(int device) throws NativeStatusException {
        return text(row(device), NAME);
    }

    @Override
    public String uuid(int device) {
        String uuid = row(device).get(UUID);
        return isUnavailable(uuid) ? "" : uuid;
    }

    @Override
    public long vramTotalBytes(int device) throws NativeStatusException {
        return Math.round(number(device, MEMORY_TOTAL) * MIB);
    }

    @Override
    public long vramUsedBytes(int device) throws NativeStatusException {
        return Math.round(number(device, MEMORY_USED) * MIB);
    }

    /** NVIDIA has no GTT; -1. */
    @Override
    public long gttUsedBytes(int device) {
        return -1;
    }

    @Override
    public double gpuUtilizationPercent(int device) throws NativeStatusException {
        return number(device, UTILIZATION_GPU);
    }

    @Override
    public double memoryUtilizationPercent(int device) throws NativeStatusException {
        return number(device, UTILIZATION_MEMORY);
    }

    @Override
    public double powerWatts(int device) throws NativeStatusException {
        return number(device, POWER_DRAW);
    }

    @Override
    public double powerLimitWatts(int device) throws NativeStatusException {
        return number(device, POWER_LIMIT);
    }

    @Override
    public double temperatureCelsius(int device) throws NativeStatusException {
        return number(device, TEMPERATURE);
    }

    @Override
    public int coreClockMhz(int device) throws NativeStatusException {
        return (int) Math.round(number(device, CLOCK_GRAPHICS));
    }

    @Override
    public int memoryClockMhz(int device) throws NativeStatusException {
        return (int) Math.round(number(device, CLOCK_MEMORY));
    }

    @Override
    public int pcieGeneration(int device) throws NativeStatusException {
        return (int) Math.round(number(device, PCIE_GENERATION));
    }

    @Override
    public int pcieWidth(int device) throws NativeStatusException {
        return (int) Math.round(number(device, PCIE_WIDTH));
    }

    private List<String> row(int device) {
        return rows.get(device); // an index past the rows of this run throws, costing only the figure
    }

    private double number(int device, int field) throws NativeStatusException {
        String value = row(device).get(field);
        if (!isUnavailable(value)) {
            Matcher m = NUMBER.matcher(value);
            if (m.find()) {
                return Double.parseDouble(m.group());
            }
        }
        throw new NativeStatusException(BACKEND, -1, FIELDS.get(field) + " is " + (value.isEmpty() ? "empty" : value));
    }

    private static String text(List<String> row, int field) throws NativeStatusException {
        String value = row.get(field);
        if (isUnavailable(value)) {
            throw new NativeStatusException(BACKEND, -1, FIELDS.get(field) + " is " + value);
        }
        return value;
    }

    /** {@code [N/A]}, {@code [Not Supported]}, {@code [Unknown Error]} and the like, {@code N/A}, or nothing. */
    static boolean isUnavailable(String value) {
        String v = value.strip();
        return v.isEmpty() || v.startsWith("[") || v.toUpperCase(Locale.ROOT).equals("N/A");
    }
}
