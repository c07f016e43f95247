package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lmsbench web --open} as a user runs it (the packaged jar in a process of its own, without a desktop): the
 * dashboard's URL is handed to the browser, here a fake {@code xdg-open} first on the PATH that writes its arguments
 * to a file; without {@code --open} no browser is started.
 */
class WebOpenIT {

    private static final Pattern PRINTED = Pattern.compile("Dashboard on (http://\\S+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void withOpenTheDashboardsUrlIsHandedToTheBrowser() throws Exception {
        Path opened = dir.resolve("opened.txt");
        JarProcess p = startWeb(dir.resolve("with-open"), opened, "--open");
        String url = awaitUrl(p);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(Files.exists(opened) && Files.readString(opened).endsWith("\n")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(opened).as("xdg-open was started; lmsbench said: %s", p.err()).exists();
        assertThat(Files.readString(opened)).as("xdg-open's one argument").isEqualTo(url + "\n");
        shutDown(p, url);
        assertThat(p.err()).doesNotContain("could not open a browser");
    }

    @Test
    void withoutOpenNoBrowserIsStarted() throws Exception {
        Path opened = dir.resolve("opened.txt");
        JarProcess p = startWeb(dir.resolve("without-open"), opened);
        String url = awaitUrl(p);
        shutDown(p, url);
        Thread.sleep(1_000); // a browser started as the server came up would have written by now
        assertThat(opened).doesNotExist();
    }

    /**
     * {@code lmsbench web --port 0} in {@code work}, headless (as on a machine without a desktop, where
     * {@code --open} runs {@code xdg-open}), with a fake {@code xdg-open} first on the PATH that writes its arguments,
     * one a line, to {@code opened}.
     */
    private static JarProcess startWeb(Path work, Path opened, String... extra) throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path fake = bin.resolve("xdg-open");
        Files.writeString(fake, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + opened + ".tmp' && mv '" + opened
                + ".tmp' '" + opened + "'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> args = new java.util.ArrayList<>(List.of("web", "--port", "0",
                "--db", work.resolve("results.db").toString(), "--output-dir", work.resolve("results").toString()));
        args.addAll(List.of(extra));
        return JarProcess.start(work, Map.of("PATH", bin + File.pathSeparator + System.getenv("PATH")),
                List.of("-Djava.awt.headless=true"), args.toArray(String[]::new));
    }

    private static String awaitUrl(JarProcess p) throws Exception {
        p.awaitStdout(out -> PRINTED.matcher(out).find(), Duration.ofSeconds(60));
        Matcher m = PRINTED.matcher(p.out());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** {@code POST /api/system/shutdown} with the session's CSRF token; the command exits 0. */
    private static void shutDown(JarProcess p, String url) throws Exception {
        HttpResponse<String> session = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/session")).build(),
                HttpResponse.BodyHandlers.ofString());
        String csrf = new ObjectMapper().readTree(session.body()).get("csrf_token").asText();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/system/shutdown"))
                .header("Content-Type", "application/json").header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(p.waitFor(Duration.ofSeconds(60))).as(p.err()).isZero();
    }
}
