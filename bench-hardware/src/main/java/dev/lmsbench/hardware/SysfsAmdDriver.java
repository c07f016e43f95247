package dev.lmsbench.hardware;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AMD GPUs through the amdgpu kernel driver's sysfs files, for machines without ROCm (common with LM Studio's Vulkan
 * runtime). Reads {@code /sys/class/drm/card<N>/device/} ({@code mem_info_vram_*}, {@code mem_info_gtt_used},
 * {@code gpu_busy_percent}, {@code mem_busy_percent}, {@code pp_dpm_sclk}/{@code pp_dpm_mclk}, {@code current_link_speed}/{@code current_link_width}) and its first
 * {@code hwmon/hwmon*} directory ({@code power1_average} or {@code power1_input} and {@code power1_cap} in microwatts,
 * {@code temp1_input} in millidegrees Celsius).
 *
 * <p>A missing or unparsable file throws an unchecked exception, which {@link GpuQuery} turns into that figure's
 * sentinel. There is nothing to initialize; {@link #init()} only finds the cards.
 */
final class SysfsAmdDriver implements GpuDriver {

    static final String BACKEND = "sysfs";
    static final Path DRM = Path.of("/sys/class/drm");

    private static final String AMD_VENDOR = "0x1002";
    private static final Pattern CARD = Pattern.compile("card\\d+");
    /** A pp_dpm_* line; the current level is marked with a star: {@code 1: 2482Mhz *}. */
    private static final Pattern CURRENT_LEVEL = Pattern.compile("^\\s*\\d+:\\s*(\\d+)\\s*[Mm]hz\\s*\\*\\s*$");

    /** {@code current_link_speed}: {@code 16.0 GT/s PCIe} (older kernels: {@code 8 GT/s}). */
    private static final Pattern LINK_SPEED = Pattern.compile("^\\s*([0-9.]+)\\s*GT/s");

    private final Path drm;
    private List<Path> devices = List.of();

    SysfsAmdDriver(Path drm) {
        this.drm = drm;
    }

    /** The cards of this machine's DRM directory; never throws. */
    static DriverLoad load(Path drm) {
        return Files.isDirectory(drm) ? new DriverLoad.Ready(new SysfsAmdDriver(drm))
                : new DriverLoad.Unavailable(drm + " not found");
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public String library() {
        return drm.toString();
    }

    @Override
    public void init() {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> cards = Files.newDirectoryStream(drm)) {
            for (Path card : cards) {
                Path device = card.resolve("device");
                if (CARD.matcher(card.getFileName().toString()).matches()
                        && AMD_VENDOR.equals(readOrEmpty(device.resolve("vendor")))
                        && Files.exists(device.resolve("mem_info_vram_total"))) {
                    found.add(device);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparing(d -> cardNumber(d.getParent())));
        devices = List.copyOf(found);
    }

    private static int cardNumber(Path card) {
        return Integer.parseInt(card.getFileName().toString().substring("card".length()));
    }

    @Override
    public void shutdown() {
        devices = List.of();
    }

    @Override
    public String driverVersion() {
        return ""; // the in-kernel amdgpu driver has no version of its own; the kernel's is in HardwareInfo.os
    }

    @Override
    public int deviceCount() {
        return devices.size();
    }

    private Path device(int index) {
        return devices.get(index);
    }

    @Override
    public String name(int device) {
        Path dir = device(device);
        String product = readOrEmpty(dir.resolve("product_name"));
        if (!product.isEmpty()) {
            return product;
        }
        String id = readOrEmpty(dir.resolve("device"));
        return "AMD GPU " + (id.isEmpty() ? dir.getParent().getFileName() : id);
    }

    @Override
    public String uuid(int device) {
        return readOrEmpty(device(device).resolve("unique_id"));
    }

    @Override
    public long vramTotalBytes(int device) {
        return readLong(device(device).resolve("mem_info_vram_total"));
    }

    @Override
    public long vramUsedBytes(int device) {
        return readLong(device(device).resolve("mem_info_vram_used"));
    }

    @Override
    public long gttUsedBytes(int device) {
        return readLong(device(device).resolve("mem_info_gtt_used"));
    }

    @Override
    public double gpuUtilizationPercent(int device) {
        return readLong(device(device).resolve("gpu_busy_percent"));
    }

    @Override
    public double memoryUtilizationPercent(int device) {
        return readLong(device(device).resolve("mem_busy_percent"));
    }

    @Override
    public double powerWatts(int device) {
        Path hwmon = hwmon(device);
        // newer kernels (RDNA3) only offer the instantaneous power1_input
        Path average = hwmon.resolve("power1_average");
        return readLong(Files.exists(average) ? average : hwmon.resolve("power1_input")) / 1_000_000.0;
    }

    @Override
    public double powerLimitWatts(int device) {
        return readLong(hwmon(device).resolve("power1_cap")) / 1_000_000.0;
    }

    @Override
    public double temperatureCelsius(int device) {
        return readLong(hwmon(device).resolve("temp1_input")) / 1000.0;
    }

    @Override
    public int coreClockMhz(int device) {
        return currentLevel(device(device).resolve("pp_dpm_sclk"));
    }

    @Override
    public int memoryClockMhz(int device) {
        return currentLevel(device(device).resolve("pp_dpm_mclk"));
    }

    @Override
    public int pcieGeneration(int device) {
        return pcieGenerationOf(read(device(device).resolve("current_link_speed")));
    }

    @Override
    public int pcieWidth(int device) {
        return (int) readLong(device(device).resolve("current_link_width"));
    }

    /**
     * The PCIe generation of a link speed as the kernel prints it, e.g. {@code 16.0 GT/s PCIe} is generation 4.
     *
     * @param speed the {@code current_link_speed} file's text
     * @return the generation, or -1 for a speed no generation has (e.g. {@code Unknown})
     */
    static int pcieGenerationOf(String speed) {
        Matcher m = LINK_SPEED.matcher(speed);
        if (!m.find()) {
            return -1;
        }
        return switch (m.group(1)) {
            case "2.5" -> 1;
            case "5.0", "5" -> 2;
            case "8.0", "8" -> 3;
            case "16.0", "16" -> 4;
            case "32.0", "32" -> 5;
            case "64.0", "64" -> 6;
            default -> -1;
        };
    }

    private Path hwmon(int device) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(device(device).resolve("hwmon"), "hwmon*")) {
            for (Path dir : dirs) {
                return dir;
            }
            throw new IllegalStateException("no hwmon directory for card " + device);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The MHz of the level marked current, e.g. {@code 1: 2482Mhz *}. */
    static int currentLevel(Path file) {
        for (String line : read(file).lines().toList()) {
            Matcher m = CURRENT_LEVEL.matcher(line);
            if (m.matches()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IllegalStateException("no current level in " + file);
    }

    static long readLong(Path file) {
        return Long.parseLong(read(file));
    }

    static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
