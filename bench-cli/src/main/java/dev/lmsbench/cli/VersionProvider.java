package dev.lmsbench.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Reads the version, git commit and build date the build wrote into {@code lmsbench-version.properties}. The build
 * date is {@code project.build.outputTimestamp}, the one every jar entry carries, so two builds of a commit are
 * byte-identical (docs/library.md#reproducible-builds).
 */
final class VersionProvider implements CommandLine.IVersionProvider {

    /** The build's facts; a value the build could not fill in (no git checkout) is {@code "unknown"}. */
    record BuildInfo(String version, String commit, String commitTime, String buildDate) {
        /** The version line's second line: {@code commit 8f6fa5e123 (2026-12-02T04:29:32Z), built 2026-11-25T...}. */
        String commitLine() {
            return "commit " + commit + (commitTime.equals("unknown") ? "" : " (" + commitTime + ")")
                    + ", built " + buildDate;
        }
    }

    static BuildInfo buildInfo() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/lmsbench-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // every field stays unknown
        }
        return new BuildInfo(value(p, "version"), value(p, "commit"), value(p, "commit.time"),
                value(p, "build.date"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "").strip();
        return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    }

    static String version() {
        return buildInfo().version();
    }

    @Override
    public String[] getVersion() {
        BuildInfo b = buildInfo();
        return new String[]{"lmsbench " + b.version(), b.commitLine(),
                "Java ${java.version} (${java.vendor}), ${os.name} ${os.arch}"};
    }
}
