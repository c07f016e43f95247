package dev.lmsbench.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.load.ArrivalPattern;
import dev.lmsbench.core.load.LoadResult;
import dev.lmsbench.core.load.Slo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code GET /api/load} over loopback HTTP, reading load stages saved in a real SQLite file. */
class LoadApiTest {

    @TempDir
    Path dir;

    private SqliteResultStore store;
    private BenchmarkController controller;
    private BenchWebServer server;

    @BeforeEach
    void up() throws Exception {
        store = SqliteResultStore.open(dir.resolve("results.db"));
        controller = new BenchmarkController();
    }

    @AfterEach
    void down() throws Exception {
        if (server != null) {
            server.stop();
        }
        controller.close();
        store.close();
    }

    private Api start(String token) {
        server = BenchWebServer.builder().controller(controller)
                .starter(r -> { throw StartRequestException.field("runs", "not in this test"); })
                .results(store).accessToken(token).build().start();
        return new Api(server.url(), token);
    }

    @Test
    void everyStoredLoadStageIsListedWithItsRunTagsPatternAndFiguresAndOrdinaryRunsAreNot() throws Exception {
        String plain = LoadStages.saveOrdinary(store);
        List<LoadStages.Stage> stages = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        for (double rate : new double[] {1, 4}) {
            for (LoadStages.Server s : List.of(LoadStages.FAST, LoadStages.SLOW)) {
                LoadStages.Stage stage = LoadStages.stage(s, new ArrivalPattern.Poisson(rate), 0,
                        Slo.parse("ttft:100"), Map.of("suite", "s1", "session", "x", "workload", "chat",
                                "baseline", s == LoadStages.FAST ? "fast box" : "slow box"));
                stages.add(stage);
                runs.add(LoadStages.save(store, stage));
            }
        }
        // a late generator, a closed-loop pattern, no objectives, a user's tag
        LoadStages.Stage late = LoadStages.stage(LoadStages.SLOW, new ArrivalPattern.Concurrency(4), 30, Slo.NONE,
                Map.of("gpu", "<b>4090</b>"));
        stages.add(late);
        runs.add(LoadStages.save(store, late));

        Api.Res res = start(null).get("/api/load");
        assertThat(res.status()).as(res.raw()).isEqualTo(200);
        JsonNode body = res.body();
        assertThat(body.get("total").asInt()).isEqualTo(5);
        assertThat(body.get("limit").asInt()).isEqualTo(BenchWebServer.MAX_LOAD_STAGES);
        assertThat(body.get("truncated").asBoolean()).isFalse();
        JsonNode list = body.get("stages");
        assertThat(list).hasSize(5);
        assertThat(list.findValuesAsText("run_id")).containsExactlyElementsOf(runs).doesNotContain(plain);
        assertThat(res.raw()).doesNotContain("plain-model").doesNotContain("<b>");

        for (int i = 0; i < 5; i++) {
            JsonNode j = list.get(i);
            LoadResult l = stages.get(i).load();
            assertThat(j.get("endpoint").asText()).isEqualTo(stages.get(i).server().endpoint());
            assertThat(j.get("model").asText()).isEqualTo("qwen3-8b@q4_k_m");
            assertThat(j.get("started_at").asText()).endsWith("Z");
            assertThat(j.get("finished_at").asText()).endsWith("Z");
            assertThat(j.get("workload").get("name").asText()).isEqualTo("chat");
            assertThat(j.get("workload").get("parameters").get("input_tokens").asText()).isEqualTo("256");
            assertThat(j.get("sent").asInt()).isEqualTo(12);
            assertThat(j.get("completed").asInt()).isEqualTo(12);
            assertThat(j.get("failed").asInt()).isZero();
            assertThat(j.get("request_throughput").asDouble()).isCloseTo(l.requestThroughput(), within(1e-9));
            assertThat(j.get("output_throughput").asDouble()).isCloseTo(l.outputThroughput(), within(1e-9));
            assertThat(j.get("total_token_throughput").asDouble()).isCloseTo(l.totalTokenThroughput(), within(1e-9));
            for (String metric : List.of("ttft_ms", "tpot_ms", "itl_ms", "e2e_ms")) {
                JsonNode m = j.get(metric);
                assertThat(m.get("count").asInt()).as(metric).isPositive();
                assertThat(m.get("mean").isNumber()).as(metric).isTrue();
                assertThat(m.get("percentiles").fieldNames()).toIterable().containsExactly("p50", "p90", "p99");
            }
            assertThat(j.get("ttft_ms").get("median").asDouble()).isCloseTo(l.ttftMs().median(), within(1e-9));
            assertThat(j.get("e2e_ms").get("percentiles").get("p99").asDouble())
                    .isCloseTo(l.e2eMs().percentile(99), within(1e-9));
        }
        JsonNode fastAt4 = list.get(2);
        assertThat(fastAt4.get("tags").get("suite").asText()).isEqualTo("s1");
        assertThat(fastAt4.get("tags").get("baseline").asText()).isEqualTo("fast box");
        assertThat(fastAt4.get("tags").get("workload").asText()).isEqualTo("chat");
        assertThat(fastAt4.get("pattern").get("kind").asText()).isEqualTo("poisson");
        assertThat(fastAt4.get("pattern").get("label").asText()).isEqualTo("poisson 4/s");
        assertThat(fastAt4.get("pattern").get("rate").asDouble()).isEqualTo(4.0);
        assertThat(fastAt4.get("pattern").get("open_loop").asBoolean()).isTrue();
        // the fast server's TTFT (40 ms) is within 100 ms, the slow one's (120 ms) is not
        assertThat(fastAt4.get("goodput").get("good_requests").asInt()).isEqualTo(12);
        assertThat(fastAt4.get("goodput").get("slo_ms").get("ttft").asDouble()).isEqualTo(100.0);
        assertThat(list.get(3).get("goodput").get("good_requests").asInt()).isZero();
        assertThat(fastAt4.get("output_throughput").asDouble())
                .isGreaterThan(list.get(3).get("output_throughput").asDouble());
        assertThat(fastAt4.get("generator").get("healthy").asBoolean()).isTrue();
        assertThat(fastAt4.get("generator").get("warnings")).isEmpty();

        JsonNode closed = list.get(4);
        assertThat(closed.get("pattern").get("kind").asText()).isEqualTo("concurrency");
        assertThat(closed.get("pattern").get("rate").isNull()).isTrue();
        assertThat(closed.get("pattern").get("concurrency").asInt()).isEqualTo(4);
        assertThat(closed.get("pattern").get("open_loop").asBoolean()).isFalse();
        assertThat(closed.get("goodput").isNull()).isTrue();
        assertThat(closed.get("tags").get("gpu").asText()).isEqualTo("<b>4090</b>"); // escaped on the wire only
        assertThat(closed.get("generator").get("healthy").asBoolean()).isFalse();
        assertThat(closed.get("generator").get("warnings").get(0).asText()).startsWith("client overloaded");
    }

    @Test
    void aDatabaseWithoutLoadStagesListsNone() throws Exception {
        LoadStages.saveOrdinary(store);
        JsonNode body = start(null).get("/api/load").body();
        assertThat(body.get("total").asInt()).isZero();
        assertThat(body.get("stages")).isEmpty();
    }

    @Test
    void theLoadStagesNeedTheAccessTokenAsEveryOtherEndpoint() throws Exception {
        LoadStages.save(store, LoadStages.stage(LoadStages.FAST, new ArrivalPattern.ConstantRate(2), 0, Slo.NONE,
                Map.of()));
        Api withToken = start("s3cret-token");
        assertThat(new Api(server.url()).get("/api/load").status()).isEqualTo(401);
        Api.Res ok = withToken.get("/api/load");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().get("total").asInt()).isEqualTo(1);
        assertThat(new Api(server.url(), "wrong-token").get("/api/load").status()).isEqualTo(401);
    }
}
