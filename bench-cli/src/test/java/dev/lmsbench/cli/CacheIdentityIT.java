package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the results cache may reuse: only a clean result of the same server, model, settings, profiling and
 * measurement version. Changing only the server, or turning profiling on, measures again; an identical rerun does
 * not.
 */
class CacheIdentityIT {

    @TempDir
    Path dir;

    private MainTest.Outcome run(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--runs", "1", "--warmup", "0", "--stream-only",
                "--max-tokens", "8", "--limit", "1", "--output-dir", dir.resolve(out).toString(),
                "--db", dir.resolve("cache.db").toString(), "-v"));
        args.addAll(List.of(extra));
        return MainTest.run(args.toArray(String[]::new));
    }

    private JsonNode model(String out) throws Exception {
        return new ObjectMapper().readTree(dir.resolve(out).resolve("results.json").toFile()).path("models").get(0);
    }

    @Test
    void theSameModelIdOnAnotherServerIsMeasuredAgainNotTakenFromTheCache() throws Exception {
        try (SimServer fast = SimServer.start(SimConfig.defaults().withTokensPerSecond(400).withTtftMs(5));
             SimServer slow = SimServer.start(SimConfig.defaults().withTokensPerSecond(40).withTtftMs(5))) {
            MainTest.Outcome a = run("a", "--base-url", fast.baseUrl(), "--no-use-rest-api");
            assertThat(a.code()).as(a.err()).isZero();
            MainTest.Outcome b = run("b", "--base-url", slow.baseUrl(), "--no-use-rest-api");
            assertThat(b.code()).as(b.err()).isZero();
            assertThat(b.err()).doesNotContain("[cached]").contains("measured on another server");
            assertThat(model("b").path("status").asText()).isEqualTo("completed");
            // the second figures are the slow server's own: about 40 tok/s, not the fast one's 400
            double decode = model("b").path("distributions").path("decode_toks_per_s").path("mean").asDouble();
            assertThat(decode).isBetween(30.0, 50.0);

            MainTest.Outcome again = run("c", "--base-url", slow.baseUrl(), "--no-use-rest-api");
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(again.err()).contains("[cached]");
            assertThat(model("c").path("status").asText()).isEqualTo("cached");
        }
    }

    @Test
    void turningProfilingOnMeasuresAgainAndSaysWhy() throws Exception {
        MainTest.Outcome plain = run("a", "--sim", "--sim-tokens-per-second", "500", "--sim-ttft-ms", "5");
        assertThat(plain.code()).as(plain.err()).isZero();
        MainTest.Outcome profiled = run("b", "--sim", "--sim-tokens-per-second", "500", "--sim-ttft-ms", "5",
                "--enable-profiling", "--gpu-backend", "none");
        assertThat(profiled.code()).as(profiled.err()).isZero();
        assertThat(profiled.err()).doesNotContain("[cached]").contains("without profiling");
        assertThat(model("b").path("status").asText()).isEqualTo("completed");
    }

    @Test
    void aSimulatorWithOtherSpeedsIsAnotherServer() throws Exception {
        assertThat(run("a", "--sim", "--sim-tokens-per-second", "500", "--sim-ttft-ms", "5").code()).isZero();
        MainTest.Outcome other = run("b", "--sim", "--sim-tokens-per-second", "300", "--sim-ttft-ms", "5");
        assertThat(other.code()).as(other.err()).isZero();
        assertThat(other.err()).doesNotContain("[cached]").contains("server runtime");
        MainTest.Outcome same = run("c", "--sim", "--sim-tokens-per-second", "300", "--sim-ttft-ms", "5");
        assertThat(same.err()).contains("[cached]");
    }

    @Test
    void listCacheSaysWhichResultsCanBeReusedAndWhyNot() throws Exception {
        assertThat(run("a", "--sim", "--sim-tokens-per-second", "500", "--sim-ttft-ms", "5").code()).isZero();
        MainTest.Outcome failed = run("b", "--base-url", "http://127.0.0.1:9", "--model", "ghost");
        assertThat(failed.code()).isEqualTo(ExitCodes.FAILURE);
        MainTest.Outcome list = MainTest.run("run", "--list-cache", "--db", dir.resolve("cache.db").toString());
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("Reusable").contains("yes").contains("no: failed (0/1 ok)")
                .contains("sim:builtin (sim");
    }
}
