package dev.lmsbench.hardware;

/** Whether a GPU backend's library could be loaded: a driver ready to init, or the reason it is unavailable. */
sealed interface DriverLoad {

    /** The library loaded. @param driver the driver, not yet initialized */
    record Ready(GpuDriver driver) implements DriverLoad {
    }

    /** The library did not load. @param reason why, e.g. {@code libnvidia-ml.so.1 not found} */
    record Unavailable(String reason) implements DriverLoad {
    }

    /** Maps a holder's result, building the driver from a loaded library. */
    static <T extends com.sun.jna.Library> DriverLoad from(NativeLibraryHolder.Loaded<T> loaded,
                                                          java.util.function.BiFunction<T, String, GpuDriver> driver) {
        return switch (loaded) {
            case NativeLibraryHolder.Present<T> p -> new Ready(driver.apply(p.library(), p.name()));
            case NativeLibraryHolder.Missing<T> m -> new Unavailable(m.reason());
        };
    }
}
