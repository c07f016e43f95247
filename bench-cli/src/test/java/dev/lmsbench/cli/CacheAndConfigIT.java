package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.cache.SqliteResultStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cache semantics, presets and layered configuration, end to end against the simulator. */
class CacheAndConfigIT {

    @TempDir
    Path dir;

    @AfterEach
    void clearProperties() {
        System.clearProperty("lmsbench.user.config");
        System.clearProperty("lmsbench.home");
    }

    private MainTest.Outcome fastSimRun(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--sim", "--sim-tokens-per-second", "500",
                "--sim-ttft-ms", "5", "--sim-load-ms", "50", "--runs", "1", "--warmup", "0", "--stream-only", "--max-tokens", "8",
                "--output-dir", dir.resolve(out).toString(), "--db", dir.resolve("cache.db").toString()));
        args.addAll(List.of(extra));
        return MainTest.run(args.toArray(String[]::new));
    }

    private JsonNode results(String out) throws Exception {
        return new ObjectMapper().readTree(dir.resolve(out).resolve("results.json").toFile());
    }

    private int storedRows() throws Exception {
        try (SqliteResultStore store = SqliteResultStore.open(dir.resolve("cache.db"))) {
            return store.list().size();
        }
    }

    @Test
    void aSecondIdenticalRunMeasuresNothingAndReportsEveryModelAsCachedUntilRetest() throws Exception {
        MainTest.Outcome first = fastSimRun("a");
        assertThat(first.code()).as(first.err()).isZero();
        int models = results("a").path("models").size();
        assertThat(storedRows()).isEqualTo(models);

        MainTest.Outcome second = fastSimRun("b");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.err().split("\\[cached]", -1)).hasSize(models + 1);
        assertThat(results("b").path("models")).hasSize(models)
                .allSatisfy(m -> assertThat(m.path("status").asText()).isEqualTo("cached"));
        // nothing was measured: the requests are those of the stored results the cached models came from
        assertThat(results("b").path("requests")).isEqualTo(results("a").path("requests"));
        assertThat(storedRows()).isEqualTo(models);
        assertThat(second.out()).contains("cached");

        MainTest.Outcome changed = fastSimRun("c", "--max-tokens", "9");
        assertThat(changed.code()).as(changed.err()).isZero();
        assertThat(changed.err()).doesNotContain("[cached]");
        assertThat(storedRows()).isEqualTo(2 * models);

        MainTest.Outcome retest = fastSimRun("d", "--retest");
        assertThat(retest.code()).as(retest.err()).isZero();
        assertThat(retest.err()).doesNotContain("[cached]");
        assertThat(results("d").path("models"))
                .allSatisfy(m -> assertThat(m.path("status").asText()).isEqualTo("completed"));
        assertThat(storedRows()).isEqualTo(3 * models);
    }

    @Test
    void exportOnlyWritesReportsFromTheDatabaseWithoutBenchmarking() throws Exception {
        assertThat(fastSimRun("a").code()).isZero();
        MainTest.Outcome export = MainTest.run("run", "--export-only", "--output-dir", dir.resolve("e").toString(),
                "--db", dir.resolve("cache.db").toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(results("e").path("models").size()).isEqualTo(results("a").path("models").size());
        assertThat(results("e").path("requests").size()).isEqualTo(results("a").path("requests").size());
        assertThat(dir.resolve("e").resolve("summary.csv")).isRegularFile();
    }

    @Test
    void aPresetSitsBetweenTheConfigFilesAndExplicitFlags() throws Exception {
        System.setProperty("lmsbench.home", Path.of("..").toAbsolutePath().normalize().toString());
        System.setProperty("lmsbench.user.config", dir.resolve("user").toString());
        // quick: 1 run, no warmup, 64 tokens; the explicit --runs 2 wins over it
        MainTest.Outcome o = MainTest.run("run", "--sim", "--sim-tokens-per-second", "500", "--sim-ttft-ms", "5",
                "--sim-load-ms", "50", "--preset", "quick", "--runs", "2", "--output-dir", dir.resolve("p").toString(), "--db",
                dir.resolve("cache.db").toString());
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode settings = results("p").path("run").path("settings");
        assertThat(settings.path("runs").asInt()).isEqualTo(2);
        assertThat(settings.path("warmup_runs").asInt()).isZero();
        assertThat(settings.path("max_tokens").asInt()).isEqualTo(64);
    }

    @Test
    void configShowNamesTheSourceOfEveryValue() throws Exception {
        System.setProperty("lmsbench.home", Path.of("..").toAbsolutePath().normalize().toString());
        Path user = dir.resolve("user");
        Files.createDirectories(user);
        Files.writeString(user.resolve("defaults.json"), "{\"num_runs\": 7, \"inference\": {\"top_k_sampling\": 20}}");
        System.setProperty("lmsbench.user.config", user.toString());

        MainTest.Outcome o = MainTest.run("config", "show", "--max-tokens", "99", "--preset", "gpu-max");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(line(o.out(), "num_runs")).contains("7").contains(user.resolve("defaults.json").toString());
        assertThat(line(o.out(), "inference.top_k_sampling")).contains("20");
        assertThat(line(o.out(), "inference.max_tokens")).contains("99").contains("command-line flags");
        assertThat(line(o.out(), "load.n_gpu_layers")).contains("-1").contains("preset gpu-max");
        assertThat(line(o.out(), "prompt")).contains("config/defaults.json");
        assertThat(line(o.out(), "load.n_batch")).contains("(server default)").contains("built-in default");
    }

    @Test
    void aMalformedUserConfigExitsTwoNamingTheFileAndTheKey() throws Exception {
        Path user = dir.resolve("user");
        Files.createDirectories(user);
        Files.writeString(user.resolve("defaults.json"), "{\"inference\": {\"temperature\": \"hot\"}}");
        System.setProperty("lmsbench.user.config", user.toString());
        MainTest.Outcome o = MainTest.run("config", "show");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).doesNotContain("\n")
                .contains(user.resolve("defaults.json").toString())
                .contains("key 'inference.temperature': expected a number between 0 and 2, got \"hot\"");
        MainTest.Outcome run = MainTest.run("run", "--sim", "--output-dir", dir.resolve("x").toString());
        assertThat(run.code()).isEqualTo(2);
    }

    @Test
    void savedPresetsAreListedAndCannotTakeABuiltInName() throws Exception {
        System.setProperty("lmsbench.home", Path.of("..").toAbsolutePath().normalize().toString());
        System.setProperty("lmsbench.user.config", dir.resolve("user").toString());
        MainTest.Outcome saved = MainTest.run("run", "--save-preset", "mine", "--runs", "4", "--top-k", "30");
        assertThat(saved.code()).as(saved.err()).isZero();
        assertThat(dir.resolve("user").resolve("presets").resolve("mine.json")).isRegularFile();
        MainTest.Outcome list = MainTest.run("run", "--list-presets");
        assertThat(list.out()).contains("quick").contains("thorough").contains("long-context").contains("mine");
        MainTest.Outcome show = MainTest.run("config", "show", "--preset", "mine");
        assertThat(line(show.out(), "inference.top_k_sampling")).contains("30").contains("preset mine");
        MainTest.Outcome clash = MainTest.run("run", "--save-preset", "quick", "--runs", "4");
        assertThat(clash.code()).isEqualTo(2);
        assertThat(clash.err()).contains("built-in preset");
    }

    @Test
    void withoutABaseUrlTheFirstConfiguredPortThatAnswersIsUsed() throws Exception {
        Path user = dir.resolve("user");
        Files.createDirectories(user);
        try (dev.lmsbench.sim.SimServer sim = dev.lmsbench.sim.SimServer.start(dev.lmsbench.sim.SimConfig.defaults()
                .withTokensPerSecond(500).withTtftMs(5))) {
            // port 9 (discard) refuses connections here; the simulator's port answers
            Files.writeString(user.resolve("defaults.json"), "{\"lmstudio\": {\"host\": \"127.0.0.1\", \"ports\": [9, "
                    + sim.port() + "]}}");
            System.setProperty("lmsbench.user.config", user.toString());
            MainTest.Outcome o = MainTest.run("run", "--runs", "1", "--warmup", "0", "--stream-only", "--limit", "1",
                    "--max-tokens", "8", "--output-dir", dir.resolve("o").toString(), "--db",
                    dir.resolve("cache.db").toString());
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(results("o").path("run").path("endpoint").asText()).endsWith(":" + sim.port());
        }
    }

    private static String line(String text, String key) {
        for (String l : text.split("\n")) {
            if (l.startsWith(key + " ")) {
                return l;
            }
        }
        throw new AssertionError("no line for " + key + " in:\n" + text);
    }
}
