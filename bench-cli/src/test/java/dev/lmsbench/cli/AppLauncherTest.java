package dev.lmsbench.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The app image's launcher rule (seed 000, Startup Flow): tray-only without real arguments, else the CLI. */
class AppLauncherTest {

    @Test
    void noArgumentsStartTheTrayPointedAtLmStudiosPort() {
        assertThat(AppLauncher.cliArguments(new String[0]))
                .containsExactly("tray", "--url", "http://localhost:1234");
    }

    @Test
    void onlyDebugFlagsStillStartTheTray() {
        assertThat(AppLauncher.cliArguments(new String[]{"--debug"}))
                .containsExactly("tray", "--url", "http://localhost:1234");
        assertThat(AppLauncher.cliArguments(new String[]{"-d", "--debug"}))
                .containsExactly("tray", "--url", "http://localhost:1234");
    }

    @Test
    void anyOtherArgumentRunsTheCliWithTheArgumentsUnchanged() {
        assertThat(AppLauncher.cliArguments(new String[]{"run", "--sim"})).containsExactly("run", "--sim");
        assertThat(AppLauncher.cliArguments(new String[]{"--version"})).containsExactly("--version");
        assertThat(AppLauncher.cliArguments(new String[]{"-d", "run"})).containsExactly("-d", "run");
        assertThat(AppLauncher.cliArguments(new String[]{"-w"})).containsExactly("-w");
    }

    @Test
    void theVersionArgumentRunsTheCliAndPrintsTheVersion() {
        StringWriter out = new StringWriter();
        int code = AppLauncher.execute(new String[]{"--version"}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true));
        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("lmsbench ");
    }
}
