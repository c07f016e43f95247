package dev.lmsbench.tray;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrayStateTest {

    private static TrayState of(ServerState state) {
        return TrayState.of(new PollOutcome.Reached(DashboardStatus.of(state)));
    }

    @ParameterizedTest(name = "{0}: icon {1}, start {2}, pause {3} ({4}), stop {5}")
    @CsvSource({
        "IDLE,     GRAY,   true,  false, Pause,  false",
        "STARTING, GREEN,  false, true,  Pause,  true",
        "RUNNING,  GREEN,  false, true,  Pause,  true",
        "PAUSED,   YELLOW, false, true,  Resume, true",
        "STOPPING, GREEN,  false, true,  Pause,  true",
        "ERROR,    RED,    true,  false, Pause,  false",
        "UNKNOWN,  RED,    false, false, Pause,  false",
    })
    void eachServerStateHasItsIconAndMenu(ServerState state, IconColor icon, boolean start, boolean pause,
                                          String pauseLabel, boolean stop) {
        TrayState s = of(state);
        assertThat(s.icon()).isEqualTo(icon);
        assertThat(s.startEnabled()).as("Start").isEqualTo(start);
        assertThat(s.pauseEnabled()).as("Pause/Resume").isEqualTo(pause);
        assertThat(s.pauseLabel()).isEqualTo(pauseLabel);
        assertThat(s.stopEnabled()).as("Stop").isEqualTo(stop);
        assertThat(s.openEnabled()).as("Open dashboard").isTrue();
        assertThat(s.quitEnabled()).as("Quit").isTrue();
    }

    @Test
    void pausedOffersResumeWhichPostsTheResumeEndpoint() {
        assertThat(of(ServerState.PAUSED).pauseAction()).isEqualTo(TrayState.PauseAction.RESUME);
        assertThat(TrayState.PauseAction.RESUME.path()).isEqualTo("api/benchmark/resume");
        assertThat(of(ServerState.RUNNING).pauseAction()).isEqualTo(TrayState.PauseAction.PAUSE);
        assertThat(TrayState.PauseAction.PAUSE.path()).isEqualTo("api/benchmark/pause");
    }

    @Test
    void anUnreachableDashboardIsRedWithOnlyOpenAndQuit() {
        TrayState s = TrayState.of(new PollOutcome.Unreachable("connection refused"));
        assertThat(s.icon()).isEqualTo(IconColor.RED);
        assertThat(s.startEnabled()).isFalse();
        assertThat(s.pauseEnabled()).isFalse();
        assertThat(s.stopEnabled()).isFalse();
        assertThat(s.openEnabled()).isTrue();
        assertThat(s.quitEnabled()).isTrue();
        assertThat(s.tooltip()).isEqualTo("LM Studio Bench: dashboard unreachable (connection refused)");
    }

    @Test
    void beforeTheFirstAnswerTheIconIsGrayAndOnlyOpenAndQuitWork() {
        TrayState s = TrayState.initial();
        assertThat(s.icon()).isEqualTo(IconColor.GRAY);
        assertThat(List.of(s.startEnabled(), s.pauseEnabled(), s.stopEnabled())).containsOnly(false);
        assertThat(s.openEnabled()).isTrue();
        assertThat(s.quitEnabled()).isTrue();
        assertThat(s.tooltip()).contains("connecting");
    }

    @Test
    void theTooltipOfARunningBenchmarkShowsModelProgressAndEta() {
        DashboardStatus running = DashboardStatus.of(ServerState.RUNNING)
                .withModel("qwen3-4b", 2, 3)
                .withProgress(new DashboardStatus.Progress(4, 30, 12.5, 80.1));
        assertThat(TrayState.of(new PollOutcome.Reached(running)).tooltip())
                .isEqualTo("LM Studio Bench: running - qwen3-4b (2/3) - 4/30 requests - ETA 1m 20s");
    }

    @Test
    void anUnknownEtaIsSaidSo() {
        DashboardStatus paused = DashboardStatus.of(ServerState.PAUSED)
                .withModel("m", 1, 1)
                .withProgress(new DashboardStatus.Progress(0, 10, 0, -1));
        assertThat(TrayState.of(paused).tooltip())
                .isEqualTo("LM Studio Bench: paused - m (1/1) - 0/10 requests - ETA unknown");
    }

    @Test
    void theTooltipOfAnErrorCarriesTheErrorOnOneShortLine() {
        String longError = "model failed to load:\n" + "x".repeat(300);
        TrayState s = TrayState.of(DashboardStatus.of(ServerState.ERROR).withError(longError));
        assertThat(s.tooltip()).startsWith("LM Studio Bench: error - model failed to load: xxx")
                .doesNotContain("\n")
                .endsWith("...");
        assertThat(s.tooltip().length()).isLessThan(160);
    }

    @Test
    void theTooltipOfAnIdleServerNamesHowTheLastRunEnded() {
        DashboardStatus idle = new DashboardStatus(ServerState.IDLE, "idle", "r-1", "", 0, 0, null, "",
                "completed");
        assertThat(TrayState.of(idle).tooltip()).isEqualTo("LM Studio Bench: idle - last run completed");
        assertThat(of(ServerState.IDLE).tooltip()).isEqualTo("LM Studio Bench: idle");
    }

    @Test
    void anUnknownStatusNamesWhatTheServerSaid() {
        DashboardStatus odd = new DashboardStatus(ServerState.UNKNOWN, "warming", "", "", 0, 0, null, "", "");
        assertThat(TrayState.of(odd).tooltip()).isEqualTo("LM Studio Bench: unknown status 'warming'");
    }

    @Test
    void eachPollReplacesTheStateWholeSoNoTransitionLeavesAnythingBehind() {
        // idle -> starting -> running -> paused -> running -> stopping -> idle -> error -> unreachable -> idle
        List<PollOutcome> outcomes = List.of(
                reached(ServerState.IDLE), reached(ServerState.STARTING), reached(ServerState.RUNNING),
                reached(ServerState.PAUSED), reached(ServerState.RUNNING), reached(ServerState.STOPPING),
                reached(ServerState.IDLE), reached(ServerState.ERROR), new PollOutcome.Unreachable("timed out"),
                reached(ServerState.IDLE));
        List<String> seen = outcomes.stream().map(TrayState::of)
                .map(s -> s.icon() + " start=" + s.startEnabled() + " " + s.pauseLabel() + "=" + s.pauseEnabled()
                        + " stop=" + s.stopEnabled())
                .toList();
        assertThat(seen).containsExactly(
                "GRAY start=true Pause=false stop=false",
                "GREEN start=false Pause=true stop=true",
                "GREEN start=false Pause=true stop=true",
                "YELLOW start=false Resume=true stop=true",
                "GREEN start=false Pause=true stop=true",
                "GREEN start=false Pause=true stop=true",
                "GRAY start=true Pause=false stop=false",
                "RED start=true Pause=false stop=false",
                "RED start=false Pause=false stop=false",
                "GRAY start=true Pause=false stop=false");
    }

    @ParameterizedTest(name = "{0} s -> {1}")
    @CsvSource({"0, 0s", "44.6, 45s", "60, 1m 0s", "80.1, 1m 20s", "3599, 59m 59s", "7500, 2h 05m", "-3, 0s"})
    void durationsAreShortAndReadable(double seconds, String text) {
        assertThat(TrayState.duration(seconds)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"idle, IDLE", "RUNNING, RUNNING", " paused , PAUSED", "starting, STARTING", "stopping, STOPPING",
        "error, ERROR", "warming, UNKNOWN"})
    void statusLabelsAreReadCaseInsensitively(String label, ServerState state) {
        assertThat(ServerState.parse(label)).isEqualTo(state);
    }

    private static PollOutcome reached(ServerState s) {
        return new PollOutcome.Reached(DashboardStatus.of(s));
    }
}
