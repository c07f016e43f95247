package dev.lmsbench.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's pages and assets, read once from the jar: each page is {@code ui/layout.html} around
 * {@code ui/<page>.html}, with its script {@code ui/<page>.js}; the chart library is the ECharts webjar's minified
 * script. Nothing is fetched from anywhere else, so the dashboard works offline.
 */
final class DashboardPages {

    /** The ECharts webjar's version (bench-web's and bench-report's poms name the same one). */
    static final String ECHARTS_VERSION = "5.3.1";

    private static final String ECHARTS = "META-INF/resources/webjars/echarts/" + ECHARTS_VERSION
            + "/dist/echarts.min.js";

    /** Page paths, their names and titles, in the navigation's order. */
    record Page(String path, String name, String title) {
    }

    static final List<Page> PAGES = List.of(
            new Page("/", "home", "Home"),
            new Page("/run", "run", "Run"),
            new Page("/results", "results", "Results"),
            new Page("/load", "load", "Load"),
            new Page("/comparison", "comparison", "Comparison"),
            new Page("/settings", "settings", "Settings"));

    /** An asset's bytes, content type and entity tag (computed once: the chart library alone is 1 MB). */
    record Asset(byte[] bytes, String contentType, String etag) {
        Asset(byte[] bytes, String contentType) {
            this(bytes, contentType, '"' + Integer.toHexString(java.util.Arrays.hashCode(bytes)) + '"');
        }
    }

    /**
     * Content-Security-Policy of the pages: scripts, styles, data and the event stream from this server only
     * (inline styles allowed for the chart library's tooltips; no inline script).
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private final Map<String, byte[]> pages = new LinkedHashMap<>();
    private final Map<String, Asset> assets = new LinkedHashMap<>();

    DashboardPages() {
        String layout = text("layout.html");
        for (Page p : PAGES) {
            StringBuilder nav = new StringBuilder();
            for (Page q : PAGES) {
                nav.append("<a href=\"").append(q.path()).append('"')
                        .append(q == p ? " aria-current=\"page\"" : "").append('>').append(q.title()).append("</a>");
            }
            String html = layout.replace("{{title}}", p.title()).replace("{{page}}", p.name())
                    .replace("{{nav}}", nav).replace("{{body}}", text(p.name() + ".html"));
            pages.put(p.path(), html.getBytes(StandardCharsets.UTF_8));
            assets.put(p.name() + ".js", new Asset(bytes(p.name() + ".js"), "text/javascript; charset=utf-8"));
        }
        assets.put("app.js", new Asset(bytes("app.js"), "text/javascript; charset=utf-8"));
        assets.put("app.css", new Asset(bytes("app.css"), "text/css; charset=utf-8"));
        assets.put("echarts.min.js", new Asset(echarts(), "text/javascript; charset=utf-8"));
    }

    /** @return the page at that path, or null */
    byte[] page(String path) {
        return pages.get(path);
    }

    /** @return the asset of that name, or null (only the fixed set above exists: no path ever reaches a file) */
    Asset asset(String name) {
        return assets.get(name);
    }

    private static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String name) {
        try (InputStream in = DashboardPages.class.getResourceAsStream("ui/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks the dashboard file ui/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] echarts() {
        ClassLoader cl = DashboardPages.class.getClassLoader();
        try (InputStream in = cl == null ? null : cl.getResourceAsStream(ECHARTS)) {
            if (in == null) {
                throw new IllegalStateException("the ECharts webjar (" + ECHARTS + ") is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
