package dev.lmsbench.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The completion scripts and man pages the build writes (bench-cli's pom runs {@link ShellDocs} at process-classes)
 * cover every option of every command, and work: bash and zsh complete from them, groff renders the pages cleanly.
 */
class ShellCompletionAndManPagesTest {

    private static final Path SHELL = Path.of("target", "shell");
    private static final Path MAN = Path.of("target", "man", "man1");

    private static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        ShellDocs.collect(ShellDocs.commandLine(), all);
        return all;
    }

    private static List<String> optionNames(CommandLine cmd) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : cmd.getCommandSpec().options()) {
            if (!o.hidden()) {
                names.addAll(List.of(o.names()));
            }
        }
        return names;
    }

    /** The body of picocli's completion function of one command ({@code _picocli_lmsbench_config_show}). */
    private static String bashFunction(String script, CommandLine cmd) {
        String name = "_picocli_" + cmd.getCommandSpec().qualifiedName("_");
        Matcher m = Pattern.compile("function " + Pattern.quote(name) + "\\(\\) \\{(.*?)\\n}", Pattern.DOTALL)
                .matcher(script);
        assertThat(m.find()).as("completion function %s", name).isTrue();
        return m.group(1);
    }

    @Test
    void everyOptionOfEveryCommandIsInItsBashAndZshCompletion() throws IOException {
        String bash = Files.readString(SHELL.resolve("lmsbench.bash"));
        String zsh = Files.readString(SHELL.resolve("_lmsbench"));
        assertThat(zsh).startsWith("#compdef lmsbench\n").contains("bashcompinit");
        int checked = 0;
        List<CommandLine> commands = commands();
        assertThat(commands).extracting(CommandLine::getCommandName).contains("run", "doctor", "show", "hardware")
                .doesNotContain("help");
        for (CommandLine cmd : commands) {
            String bashBody = bashFunction(bash, cmd);
            String zshBody = bashFunction(zsh, cmd);
            for (String option : optionNames(cmd)) {
                assertThat(bashBody).as("bash completion of %s", cmd.getCommandSpec().qualifiedName())
                        .contains("'" + option + "'");
                assertThat(zshBody).as("zsh completion of %s", cmd.getCommandSpec().qualifiedName())
                        .contains("'" + option + "'");
                checked++;
            }
            for (String sub : cmd.getSubcommands().keySet()) {
                if (!sub.equals("help")) {
                    assertThat(bashBody).contains(sub);
                }
            }
        }
        assertThat(checked).isGreaterThan(150);
    }

    @Test
    void everyCommandHasAManPageNamingEveryOption() throws IOException {
        int checked = 0;
        for (CommandLine cmd : commands()) {
            Path page = MAN.resolve(ShellDocs.pageName(cmd.getCommandSpec()) + ".1");
            assertThat(page).as("man page of %s", cmd.getCommandSpec().qualifiedName()).exists();
            String troff = Files.readString(page);
            assertThat(troff).contains(".TH \"" + ShellDocs.pageName(cmd.getCommandSpec()).toUpperCase(java.util.Locale.ROOT) + "\"");
            for (String option : optionNames(cmd)) {
                String bare = ShellDocs.text(option);
                assertThat(troff).as("%s names %s", page, option)
                        .containsPattern("\\\\fB(" + Pattern.quote(bare) + "|" + Pattern.quote(ShellDocs.text("--[no-]"
                                + option.replaceFirst("^--", ""))) + ")\\\\fR");
                checked++;
            }
        }
        assertThat(MAN.resolve("lmsbench.1")).exists();
        assertThat(MAN.resolve("lmsbench-run.1")).exists();
        assertThat(checked).isGreaterThan(150);
    }

    @Test
    void theFilesOnDiskAreWhatTheModelGeneratesToday() throws IOException {
        CommandLine root = ShellDocs.commandLine();
        assertThat(Files.readString(SHELL.resolve("lmsbench.bash"))).isEqualTo(ShellDocs.bash(root));
        assertThat(Files.readString(SHELL.resolve("_lmsbench"))).isEqualTo(ShellDocs.zsh(root));
        String version = Files.readString(MAN.resolve("lmsbench.1")).lines().filter(l -> l.startsWith(".TH")).findFirst()
                .orElseThrow();
        Matcher m = Pattern.compile("\"(\\d{4}-\\d\\d-\\d\\d)\" \"lmsbench (.*)\" \"").matcher(version);
        assertThat(m.find()).as(version).isTrue();
        Map<String, String> pages = ShellDocs.manPages(root, m.group(1), m.group(2).replace("\\-", "-"));
        for (Map.Entry<String, String> page : pages.entrySet()) {
            assertThat(Files.readString(MAN.resolve(page.getKey()))).as(page.getKey()).isEqualTo(page.getValue());
        }
        try (var files = Files.list(MAN)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactlyElementsOf(pages.keySet().stream().sorted().toList());
        }
    }

    @Test
    void troffTextEscapesBackslashesHyphensAndLeadingDots() {
        assertThat(ShellDocs.text("--runs")).isEqualTo("\\-\\-runs");
        assertThat(ShellDocs.text("a\\b")).isEqualTo("a\\eb");
        assertThat(ShellDocs.text(".TH fake\n'x")).isEqualTo("\\&.TH fake\n\\&'x");
    }

    @Test
    void bashCompletesSubcommandsAndOptionsFromTheScript() throws Exception {
        String script = SHELL.resolve("lmsbench.bash").toAbsolutePath().toString();
        String commands = run("bash", "-c", "source '" + script + "'; " + complete("lmsbench ''")
                + "printf '%s\\n' \"${COMPREPLY[@]}\"");
        assertThat(commands.lines()).contains("run", "sweep", "doctor", "config");
        String options = run("bash", "-c", "source '" + script + "'; " + complete("lmsbench run --ru")
                + "printf '%s\\n' \"${COMPREPLY[@]}\"");
        assertThat(options.lines()).containsExactly("--runs");
        String values = run("bash", "-c", "source '" + script + "'; " + complete("lmsbench run --paper ''")
                + "printf '%s\\n' \"${COMPREPLY[@]}\"");
        assertThat(values.lines()).contains("A4", "LETTER");
    }

    @Test
    void zshCompletesFromTheFileItAutoloadsFromFpath(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(onPath("zsh") || System.getenv("CI") != null, "zsh is not installed");
        Path fpath = Files.createDirectories(tmp.resolve("site-functions"));
        Files.copy(SHELL.resolve("_lmsbench"), fpath.resolve("_lmsbench"));
        Path typer = tmp.resolve("complete.zsh");
        try (var in = getClass().getResourceAsStream("/zsh-complete.zsh")) {
            Files.copy(in, typer);
        }
        run("zsh", "-n", fpath.resolve("_lmsbench").toString());
        // the first completion of a session is the one that autoloads _lmsbench: it must complete too
        assertThat(run("zsh", "-f", typer.toString(), fpath.toString(), "lmsbench run --ru").strip())
                .isEqualTo("lmsbench run --runs");
        assertThat(run("zsh", "-f", typer.toString(), fpath.toString(), "lmsbench doc").strip())
                .isEqualTo("lmsbench doctor");
        assertThat(run("zsh", "-f", typer.toString(), fpath.toString(), "lmsbench config sh").strip())
                .isEqualTo("lmsbench config show");
    }

    @Test
    void groffRendersEveryManPageWithoutAWarning() throws Exception {
        Assumptions.assumeTrue(onPath("groff") || System.getenv("CI") != null, "groff is not installed");
        try (var files = Files.list(MAN)) {
            for (Path page : files.sorted().toList()) {
                ProcessBuilder pb = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", page.toString())
                        .redirectErrorStream(false);
                Process p = pb.start();
                // bold and underline as SGR sequences or as grotty's overstrikes (x BACKSPACE x)
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        .replaceAll("\u001B\\[[0-9;]*m|.\b", "");
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(err).as("groff warnings for %s", page).isEmpty();
                assertThat(p.exitValue()).isZero();
                assertThat(out).contains("NAME").contains("SYNOPSIS");
                if (page.getFileName().toString().equals("lmsbench-run.1")) {
                    assertThat(out).contains("--runs=N").contains("Measured runs per model");
                }
            }
        }
    }

    /** Sets bash's completion variables for a command line (the last word is the one completed) and calls the hook. */
    private static String complete(String line) {
        // compopt only works inside a real completion; this calls the hook directly
        return "compopt() { :; }; COMP_WORDS=(" + line + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE=\"" + line.replace("''", "")
                + "\"; COMP_POINT=${#COMP_LINE}; _complete_lmsbench; ";
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
