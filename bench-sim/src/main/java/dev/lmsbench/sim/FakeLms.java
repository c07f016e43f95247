package dev.lmsbench.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A stand-in for LM Studio's {@code lms}, written by a test into a temporary directory: a bash script (needs only
 * bash, which talks HTTP through its own {@code /dev/tcp}) that appends its arguments to a file, one line per call
 * ({@link #calls()}), and then:
 * <ul>
 *   <li>{@code load <key> [flags]}: asks the server it was pointed at ({@code --host}, default 127.0.0.1;
 *       {@code --port}, default 1234) to load the model through the simulator's private endpoint
 *       {@code POST /__sim/lms/load} with {@code {"model", "context_length"?, "parallel"?, "gpu"? (0..1),
 *       "ttl"?, "identifier"?}}, and prints what lms prints after a load, with the {@code identifier} the endpoint
 *       answered. A status other than 200 is an {@code Error:} line and exit code 1.</li>
 *   <li>{@code runtime ...}: prints the text the test gave ({@link #runtimeOutput}).</li>
 * </ul>
 * Pointed at a {@link SimServer}, {@code load} loads into the simulator ({@code POST /__sim/lms/load} answers
 * {@code {"identifier", "load_time_seconds", "config": {"context_length", "parallel", "gpu_offload",
 * "ttl_seconds"}}}); tests of other servers answer that path with a stub in the same shape. Test tooling, shipped
 * with the simulator so every module's tests drive the same fake: it is never used by lmsbench itself.
 */
public final class FakeLms {

    /** {@code load}: the request to {@code /__sim/lms/load}, then what lms prints after a load. */
    private static final String LOAD_THROUGH_SIM = """
            key=$2; shift 2
            host=127.0.0.1; port=1234; body="{\\"model\\":\\"$key\\""
            while [ $# -gt 0 ]; do
              case "$1" in
                --context-length) body+=",\\"context_length\\":$2"; shift ;;
                --parallel) body+=",\\"parallel\\":$2"; shift ;;
                --gpu) case "$2" in max) g=1 ;; off) g=0 ;; *) g=$2 ;; esac; body+=",\\"gpu\\":$g"; shift ;;
                --ttl) body+=",\\"ttl\\":$2"; shift ;;
                --identifier) body+=",\\"identifier\\":\\"$2\\""; shift ;;
                --host) host=$2; shift ;;
                --port) port=$2; shift ;;
              esac
              shift
            done
            body+="}"
            if ! exec 3<>"/dev/tcp/$host/$port"; then echo "Error: cannot connect to $host:$port"; exit 1; fi
            printf 'POST /__sim/lms/load HTTP/1.0\\r\\nHost: %s:%s\\r\\nContent-Type: application/json\\r\\nContent-Length: %s\\r\\n\\r\\n%s' \\
              "$host" "$port" "${#body}" "$body" >&3
            response=$(cat <&3)
            status=$(printf '%s\\n' "$response" | head -n 1 | cut -d ' ' -f 2)
            if [ "$status" != 200 ]; then echo "Error: the server answered $status"; exit 1; fi
            id=$(printf '%s\\n' "$response" | tr ',' '\\n' | sed -n 's/.*"identifier" *: *"\\([^"]*\\)".*/\\1/p' | head -n 1)
            %AFTER%
            """;
    private static final String PRINT_LOADED = """
            echo "Model loaded successfully in 0.01s."
            echo "To use the model in the API/SDK, use the identifier \\"$id\\"."
            """;
    private static final String NO_RUNTIME = "echo \"Error: the fake lms was given no runtime output\"; exit 1\n";

    private final Path dir;
    private final Path script;
    private final Path callLog;
    private String load = LOAD_THROUGH_SIM.replace("%AFTER%\n", PRINT_LOADED);
    private String runtime = NO_RUNTIME;

    private FakeLms(Path dir) {
        this.dir = dir;
        this.script = dir.resolve("bin").resolve("lms");
        this.callLog = dir.resolve("lms-calls.txt");
    }

    /** An lms that loads through {@code POST /__sim/lms/load} and has no runtime output. */
    public static FakeLms create(Path dir) {
        FakeLms lms = new FakeLms(dir);
        lms.write();
        return lms;
    }

    /** Every {@code load} fails: prints {@code message}, exit code 1. @return this */
    public FakeLms failingLoads(String message) {
        load = "printf '%s\\n' " + quoted(message) + "\nexit 1\n";
        write();
        return this;
    }

    /** Every {@code load} loads through the endpoint, then hangs until killed. @return this */
    public FakeLms hangingAfterLoad() {
        load = LOAD_THROUGH_SIM.replace("%AFTER%\n", "exec sleep 60\n");
        write();
        return this;
    }

    /**
     * {@code runtime ls --json} prints {@code json}, or fails like lms versions without {@code --json} when it is
     * {@code null}; {@code runtime ls} prints {@code table}.
     *
     * @return this
     */
    public FakeLms runtimeOutput(String json, String table) {
        runtime = "if [ \"$3\" = \"--json\" ]; then\n"
                + (json == null ? "  echo \"error: unknown option '--json'\"; exit 1\n"
                : "  cat <<'JSON'\n" + json + "\nJSON\n")
                + "else\n  cat <<'TABLE'\n" + table + "\nTABLE\nfi\n";
        write();
        return this;
    }

    /** {@return the script} */
    public Path executable() {
        return script;
    }

    /** {@return a home directory without an LM Studio install, for looking the script up on a PATH of its own} */
    public Path home() {
        return dir.resolve("home");
    }

    /** {@return every call's arguments, one line each, in call order} */
    public List<String> calls() {
        try {
            return Files.exists(callLog) ? Files.readAllLines(callLog, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write() {
        String text = "#!/usr/bin/env bash\n"
                + "# A fake lms written by a test (FakeLms.java): logs its arguments, one line per call\n"
                + "printf '%s\\n' \"$*\" >> " + quoted(callLog.toString()) + "\n"
                + "case \"$1\" in\n"
                + "load)\n" + load + ";;\n"
                + "runtime)\n" + runtime + ";;\n"
                + "*)\necho \"Error: the fake lms has no command $1\"; exit 2\n;;\n"
                + "esac\n";
        try {
            Files.createDirectories(script.getParent());
            Files.writeString(script, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
