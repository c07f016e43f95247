package dev.lmsbench.hardware;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AMD GPUs through the {@code rocm-smi} command's JSON output, for machines where {@code librocm_smi64} cannot be
 * loaded by us. Runs {@code rocm-smi --json} with the options for memory, use, power, temperature, clocks, product
 * name, unique id and driver version once in {@link #init()} and once per {@link #refresh()}; the figure calls read
 * the {@code cardN} objects of the latest run (sorted by N) and {@code system."Driver version"}.
 *
 * <p>Key names differ between ROCm versions, so each figure tries a list of them, case-insensitively: e.g. power is
 * {@code Current Socket Graphics Package Power (W)} (MI300, ROCm 6) or {@code Average Graphics Package Power (W)};
 * temperature is the edge sensor, else the junction; clocks are {@code "sclk clock speed:": "(1900Mhz)"}. All values
 * are strings; {@code N/A}, a missing key or an unparsable value makes that figure's call throw, so {@link GpuQuery}
 * reports its sentinel. rocm-smi exits non-zero when any requested value is unsupported on any card, so the exit
 * status is ignored as long as the output holds JSON with cards.
 */
final class RocmSmiCliDriver implements GpuDriver {

    static final String BACKEND = "rocm-smi-cli";

    /** System property: full path of the {@code rocm-smi} executable to run instead of the one on PATH. */
    static final String TOOL_PROPERTY = "lmsbench.rocm-smi";

    static final List<String> ARGUMENTS = List.of("--json", "--showmeminfo", "vram", "gtt", "--showuse",
            "--showmemuse", "--showpower", "--showmaxpower", "--showtemp", "--showclocks", "--showproductname",
            "--showuniqueid", "--showdriverversion");

    private static final Pattern CARD = Pattern.compile("card(\\d+)");
    private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(?:\\.\\d+)?");
    /** {@code 1 (16.0GT/s x16)}: the current PCIe level of {@code --showclocks}. */
    private static final Pattern PCIE = Pattern.compile("\\(([\\d.]+)\\s*GT/s\\s*x(\\d+)\\)", Pattern.CASE_INSENSITIVE);
    /** A PCI id such as {@code 0x1002}: ROCm 4 puts the vendor id where the series name belongs. */
    private static final Pattern HEX_ID = Pattern.compile("0x[0-9a-fA-F]+");

    private final ToolCommand tool;
    private List<Map.Entry<String, JsonNode>> cards = List.of();
    private String driverVersion = "";

    RocmSmiCliDriver(ToolCommand tool) {
        this.tool = tool;
    }

    /** Finds {@code rocm-smi} through {@link #TOOL_PROPERTY} or on PATH. Never throws. */
    static DriverLoad load() {
        return ToolCommand.load(TOOL_PROPERTY, "rocm-smi", RocmSmiCliDriver::new);
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
    }

    @Override
    public void refresh() throws NativeStatusException {
        ToolCommand.Result result = tool.run(ARGUMENTS.toArray(String[]::new));
        JsonNode root;
        try {
            root = parse(result.stdout());
        } catch (NativeStatusException e) {
            throw result.exitCode() != 0 ? tool.failure(result.exitCode(), result.stderr() + result.stdout()) : e;
        }
        accept(root);
    }

    /** Answers the figure calls from this parsed output, as after a refresh. */
    void accept(JsonNode root) {
        cards = cards(root);
        driverVersion = root.path("system").path("Driver version").asText("");
    }

    /**
     * The JSON object of one run's output; text around it (warnings some versions print) is skipped.
     *
     * @throws NativeStatusException if there is no JSON object or it has no {@code cardN} entry
     */
    static JsonNode parse(String output) throws NativeStatusException {
        List<JsonNode> objects;
        try {
            objects = JsonObjectScanner.objects(output);
        } catch (JsonProcessingException e) {
            throw new NativeStatusException("rocm-smi", -1, "invalid JSON: " + e.getOriginalMessage());
        }
        for (JsonNode object : objects) {
            if (!cards(object).isEmpty()) {
                return object;
            }
        }
        throw new NativeStatusException("rocm-smi", -1, "no card in the output");
    }

    /** The {@code cardN} members, by N. */
    static List<Map.Entry<String, JsonNode>> cards(JsonNode root) {
        List<Map.Entry<String, JsonNode>> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (CARD.matcher(field.getKey()).matches() && field.getValue().isObject()) {
                found.add(Map.entry(field.getKey(), field.getValue()));
            }
        }
        found.sort(Comparator.comparingInt(e -> Integer.parseInt(e.getKey().substring("card".length()))));
        return List.copyOf(found);
    }

    @Override
    public void shutdown() {
        cards = List.of();
    }

    @Override
    public String driverVersion() {
        return driverVersion;
    }

    @Override
    public int deviceCount() {
        return cards.size();
    }

    @Override
    public String name(int device) {
        JsonNode card = card(device);
        for (String key : List.of("Device Name", "Card Series", "Card series", "Card SKU")) {
            String value = card.path(key).asText("").strip();
            if (!value.isEmpty() && !unavailable(value) && !HEX_ID.matcher(value).matches()) {
                return value;
            }
        }
        return "AMD GPU " + cards.get(device).getKey();
    }

    @Override
    public String uuid(int device) {
        String value = card(device).path("Unique ID").asText("").strip();
        return unavailable(value) ? "" : value;
    }

    @Override
    public long vramTotalBytes(int device) throws NativeStatusException {
        return (long) number(device, "vram total", key -> key.equals("vram total memory (b)"));
    }

    @Override
    public long vramUsedBytes(int device) throws NativeStatusException {
        return (long) number(device, "vram used", key -> key.equals("vram total used memory (b)"));
    }

    @Override
    public long gttUsedBytes(int device) throws NativeStatusException {
        return (long) number(device, "gtt used", key -> key.equals("gtt total used memory (b)"));
    }

    @Override
    public double gpuUtilizationPercent(int device) throws NativeStatusException {
        return number(device, "gpu use", key -> key.equals("gpu use (%)"));
    }

    /** Memory controller activity ({@code mem_busy_percent}), not the share of VRAM allocated. */
    @Override
    public double memoryUtilizationPercent(int device) throws NativeStatusException {
        return number(device, "memory use", key -> key.equals("gpu memory use (%)"),
                key -> key.equals("gpu memory read/write activity (%)"));
    }

    @Override
    public double powerWatts(int device) throws NativeStatusException {
        return number(device, "power", key -> key.equals("current socket graphics package power (w)"),
                key -> key.equals("average graphics package power (w)"),
                key -> key.endsWith("graphics package power (w)") && !key.startsWith("max"));
    }

    @Override
    public double powerLimitWatts(int device) throws NativeStatusException {
        return number(device, "power limit", key -> key.equals("max graphics package power (w)"));
    }

    @Override
    public double temperatureCelsius(int device) throws NativeStatusException {
        return number(device, "temperature", key -> key.equals("temperature (sensor edge) (c)"),
                key -> key.equals("temperature (sensor junction) (c)"));
    }

    @Override
    public int coreClockMhz(int device) throws NativeStatusException {
        return (int) Math.round(number(device, "sclk", key -> key.equals("sclk clock speed:")));
    }

    @Override
    public int memoryClockMhz(int device) throws NativeStatusException {
        return (int) Math.round(number(device, "mclk", key -> key.equals("mclk clock speed:")));
    }

    /** From the current PCIe level of {@code --showclocks}, e.g. {@code 16.0GT/s} is generation 4. */
    @Override
    public int pcieGeneration(int device) throws NativeStatusException {
        double rate = Double.parseDouble(pcie(device).group(1));
        // 2.5, 5, 8, 16, 32, 64 GT/s are generations 1 to 6
        return rate < 4 ? 1 : rate < 7 ? 2 : (int) Math.round(Math.log(rate / 8) / Math.log(2)) + 3;
    }

    @Override
    public int pcieWidth(int device) throws NativeStatusException {
        return Integer.parseInt(pcie(device).group(2));
    }

    private Matcher pcie(int device) throws NativeStatusException {
        String value = card(device).path("pcie clock level").asText("");
        Matcher m = PCIE.matcher(value);
        if (!m.find()) {
            throw new NativeStatusException("rocm-smi", -1, "no current PCIe level in " + cards.get(device).getKey());
        }
        return m;
    }

    private JsonNode card(int device) {
        return cards.get(device).getValue(); // an index past the cards of this run throws, costing only the figure
    }

    /** The first usable number among the keys each matcher selects, tried in order. */
    @SafeVarargs
    private double number(int device, String figure, Predicate<String>... keys) throws NativeStatusException {
        JsonNode card = card(device);
        for (Predicate<String> key : keys) {
            for (Map.Entry<String, JsonNode> field : card.properties()) {
                if (key.test(field.getKey().strip().toLowerCase(Locale.ROOT))) {
                    String value = field.getValue().asText("").strip();
                    Matcher m = NUMBER.matcher(value);
                    if (!unavailable(value) && m.find()) {
                        return Double.parseDouble(m.group());
                    }
                }
            }
        }
        throw new NativeStatusException("rocm-smi", -1, figure + " not reported for " + cards.get(device).getKey());
    }

    private static boolean unavailable(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        return v.isEmpty() || v.equals("N/A") || v.equals("UNKNOWN") || v.startsWith("[");
    }
}
