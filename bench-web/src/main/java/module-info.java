/**
 * LM Studio Bench web server: the embeddable dashboard server with its JSON API and live event stream.
 * Start at {@link dev.lmsbench.web.BenchWebServer}; the endpoints are documented in {@code docs/web-api.md}.
 */
module dev.lmsbench.web {
    requires transitive dev.lmsbench.core;
    requires io.javalin;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.lmsbench.web;
}
