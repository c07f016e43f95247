package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.spi.StoredResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lmsbench suite} on the shipped example suite: the done-when of issue 15's suites. */
class SuiteIT {

    @TempDir
    Path dir;

    @Test
    void theExampleSuiteWritesEveryCombinationAndAComparisonWhoseFasterBaselineIsTheFasterLine() throws Exception {
        Path example = Path.of("..", "config", "suites", "example-sim.yaml");
        Path db = dir.resolve("r.db");
        MainTest.Outcome o = MainTest.run("suite", example.toString(), "--output-dir", dir.toString(), "--db",
                db.toString());
        assertThat(o.code()).as(o.err()).isZero();
        Path suite = dir.resolve("example-sim");

        // two baselines x two workloads x three rates: one results document per combination, as the seed names them
        List<String> files;
        try (Stream<Path> s = Files.list(suite)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String baseline : List.of("fast-sim", "slow-sim")) {
            for (String workload : List.of("random", "chat")) {
                for (String qps : List.of("4", "8", "16")) {
                    assertThat(files).as("%s x %s x %s", baseline, workload, qps).anyMatch(f -> f.matches(
                            baseline + "_" + workload + "_" + qps + "_\\d{8}-\\d{6}\\.json"));
                }
            }
        }
        ObjectMapper json = new ObjectMapper();
        String one = files.stream().filter(f -> f.startsWith("slow-sim_chat_8_")).findFirst().orElseThrow();
        JsonNode doc = json.readTree(suite.resolve(one).toFile());
        assertThat(doc.path("models")).hasSize(1);
        JsonNode stage = doc.path("models").get(0).path("load_test");
        assertThat(stage.path("pattern").path("rate").asDouble()).isEqualTo(8.0);
        assertThat(stage.path("tags").path("suite").asText()).isEqualTo("example-sim");
        assertThat(stage.path("tags").path("baseline").asText()).isEqualTo("slow-sim");
        assertThat(stage.path("tags").path("workload").asText()).isEqualTo("chat");
        assertThat(stage.path("workload").path("name").asText()).isEqualTo("multi-round");
        assertThat(doc.path("requests")).hasSize(stage.path("sent").asInt()); // that stage's requests only

        // the comparison charts: one PNG per workload (latency above throughput), the data behind them beside
        for (String workload : List.of("random", "chat")) {
            BufferedImage png = ImageIO.read(suite.resolve(workload + "_comparison.png").toFile());
            assertThat(png.getWidth()).isEqualTo(1200);
            assertThat(png.getHeight()).isEqualTo(1400);
            List<Map<String, String>> rows = SweepIT.csv(suite.resolve(workload + "_comparison.csv"));
            assertThat(rows).hasSize(6);
            Map<String, Map<String, Map<String, String>>> byBaseline = rows.stream().collect(Collectors.groupingBy(
                    r -> r.get("baseline"), Collectors.toMap(r -> r.get("offered_load"), r -> r)));
            assertThat(byBaseline.keySet()).containsExactlyInAnyOrder("fast-sim", "slow-sim");
            for (String qps : List.of("4", "8", "16")) {
                Map<String, String> fast = byBaseline.get("fast-sim").get(qps);
                Map<String, String> slow = byBaseline.get("slow-sim").get(qps);
                // the fast server (300 tok/s, 15 ms TTFT) against the slow one (60 tok/s, 60 ms TTFT)
                assertThat(Double.parseDouble(fast.get("e2e_ms_p50"))).as("%s E2E at %s", workload, qps)
                        .isLessThan(Double.parseDouble(slow.get("e2e_ms_p50")) / 2);
                assertThat(Double.parseDouble(fast.get("tpot_ms_p50"))).as("%s TPOT at %s", workload, qps)
                        .isLessThan(Double.parseDouble(slow.get("tpot_ms_p50")) / 2);
                assertThat(Double.parseDouble(fast.get("ttft_ms_p50"))).as("%s TTFT at %s", workload, qps)
                        .isLessThan(Double.parseDouble(slow.get("ttft_ms_p50")));
                assertThat(Double.parseDouble(fast.get("goodput"))).as("%s goodput at %s", workload, qps)
                        .isGreaterThan(Double.parseDouble(slow.get("goodput")));
            }
        }
        assertThat(o.out()).contains("Baseline", "fast-sim", "slow-sim", "Suite example-sim");

        // every stage in the database as it ended, tagged with the one session of this suite
        try (SqliteResultStore store = SqliteResultStore.open(db)) {
            List<StoredResult> stored = store.list();
            assertThat(stored).hasSize(12).allSatisfy(r -> assertThat(r.summary().load()).isNotNull());
            assertThat(stored.stream().map(r -> r.summary().load().tags().get("session")).distinct()).hasSize(1);
            assertThat(stored.stream().map(r -> r.summary().load().tags().get("baseline")).distinct())
                    .containsExactlyInAnyOrder("fast-sim", "slow-sim");
        }
    }
}
