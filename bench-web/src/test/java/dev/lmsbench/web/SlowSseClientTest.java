package dev.lmsbench.web;

import dev.lmsbench.sim.SimConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SlowSseClientTest {

    @TempDir
    Path dir;

    @Test
    @org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES,
            threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aClientThatStopsReadingNeverStallsTheRunAndOthersStillGetEveryEvent() throws Exception {
        SimConfig fast = SimConfig.defaults().withTokensPerSecond(20_000).withTtftMs(0).withJitterFraction(0);
        try (SimRig rig = new SimRig(dir, fast, b -> b.sseQueueCapacity(64).socketSendBuffer(4096));
             Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(1024);
            stalled.setSoTimeout(10_000);
            stalled.connect(new java.net.InetSocketAddress("127.0.0.1", rig.server.port()));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + rig.server.port()
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = stalled.getInputStream();
            assertThat(new String(in.readNBytes(15), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
            // from here on the stalled client reads nothing

            Api api = new Api(rig.server.url());
            try (Api.Stream live = api.events()) {
                assertThat(live.next("status", Duration.ofSeconds(5))).isNotNull();
                assertThat(Api.await(() -> rig.server.streamFigures()[0] == 2, Duration.ofSeconds(5))).isTrue();
                assertThat(api.post("/api/benchmark/start", "{\"runs\": 400, \"max_tokens\": 4}").status())
                        .isEqualTo(200);
                assertThat(rig.controller.awaitIdle(Duration.ofSeconds(120))).as("the run finished").isTrue();
                assertThat(live.next("run_completed", Duration.ofSeconds(10))).isNotNull();
                long requests = live.seen().stream().filter(e -> e.name().equals("request_completed")).count();
                boolean resynced = live.seen().stream().anyMatch(e -> e.name().equals("resync"));
                assertThat(requests == 1200 || resynced).as(requests + " request events").isTrue();
            }
            assertThat(rig.server.streamFigures()[2]).as("the stalled client's queue dropped events")
                    .isPositive();
        }
    }
}
