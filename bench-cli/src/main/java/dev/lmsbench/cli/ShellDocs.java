package dev.lmsbench.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Shell completion scripts and man pages, generated from the picocli model of {@code lmsbench} at build time (bench-cli's
 * pom runs {@link #main} at {@code process-classes}), so they can never fall behind the options the CLI takes.
 *
 * <p>Bash completion is picocli's own {@link AutoComplete#bash}; the zsh file runs the same script through zsh's
 * {@code bashcompinit}; the man pages ({@code lmsbench.1}, {@code lmsbench-run.1}, {@code lmsbench-config-show.1}, ...)
 * are troff written here from each command's spec. The output is a function of the sources and the build date only
 * (the reproducible build's {@code project.build.outputTimestamp}), so two builds write the same bytes.
 */
public final class ShellDocs {

    static final String NAME = "lmsbench";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{[^}]*}");

    private ShellDocs() {
    }

    /**
     * Writes {@code <shellDir>/lmsbench.bash}, {@code <shellDir>/_lmsbench} and {@code <manDir>/*.1}.
     *
     * @param args the shell directory, the man page directory, the build date (ISO-8601; its date part is used)
     *             and the version
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: ShellDocs <shell dir> <man dir> <build date> <version>");
        }
        CommandLine root = commandLine();
        Path shell = Files.createDirectories(Path.of(args[0]));
        write(shell.resolve(NAME + ".bash"), bash(root));
        write(shell.resolve("_" + NAME), zsh(root));
        Path man = Files.createDirectories(Path.of(args[1]));
        String date = args[2].length() >= 10 ? args[2].substring(0, 10) : args[2];
        for (Map.Entry<String, String> page : manPages(root, date, args[3]).entrySet()) {
            write(man.resolve(page.getKey()), page.getValue());
        }
    }

    /** The CLI's model, its help unwrapped (man wraps the pages to the reader's terminal). */
    static CommandLine commandLine() {
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        root.setUsageHelpAutoWidth(false);
        root.setUsageHelpWidth(100_000);
        return root;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bash completion script: {@code source} it, or drop it in bash-completion's completions directory. */
    static String bash(CommandLine root) {
        return AutoComplete.bash(NAME, root);
    }

    /**
     * The zsh completion file for a directory on {@code fpath} ({@code site-functions/_lmsbench}): zsh autoloads it
     * as the function {@code _lmsbench} on the first completion; its body loads {@code bashcompinit}, defines the
     * bash script's functions (which register themselves for later completions) and completes the current word.
     */
    static String zsh(CommandLine root) {
        return "#compdef " + NAME + "\n"
                + "# zsh completion for lmsbench: the bash completion script, run through zsh's bashcompinit.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + bash(root)
                + "\n# the first completion (the function's autoload) completes the current word too\n"
                + "if [[ -n \"${words-}\" && \"${funcstack[1]-}\" == _" + NAME + " ]]; then\n"
                + "  _bash_complete -F _complete_" + NAME + "\n"
                + "fi\n";
    }

    /** Every command's man page by file name, the root's ({@code lmsbench.1}) first. */
    static Map<String, String> manPages(CommandLine root, String date, String version) {
        Map<String, String> pages = new LinkedHashMap<>();
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        List<String> pageNames = all.stream().map(c -> pageName(c.getCommandSpec())).toList();
        for (CommandLine cmd : all) {
            CommandSpec spec = cmd.getCommandSpec();
            pages.put(pageName(spec) + ".1", manPage(cmd, date, version, pageNames));
        }
        return pages;
    }

    /** The commands with a page: the root and every subcommand, recursively, without picocli's {@code help}. */
    static void collect(CommandLine cmd, List<CommandLine> into) {
        into.add(cmd);
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand || sub.getCommandSpec().usageMessage().hidden()
                    || into.contains(sub)) {
                continue;
            }
            collect(sub, into);
        }
    }

    /** {@code lmsbench}, {@code lmsbench-run}, {@code lmsbench-config-show}. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    private static String manPage(CommandLine cmd, String date, String version, List<String> allPages) {
        CommandSpec spec = cmd.getCommandSpec();
        String page = pageName(spec);
        StringBuilder t = new StringBuilder();
        t.append(".\\\" generated from the picocli model by dev.lmsbench.cli.ShellDocs; do not edit\n");
        t.append(".TH \"").append(page.toUpperCase(java.util.Locale.ROOT)).append("\" \"1\" \"").append(date)
                .append("\" \"").append(NAME).append(' ').append(text(version)).append("\" \"LM Studio Bench Manual\"\n");
        t.append(".SH NAME\n").append(text(page)).append(" \\- ").append(text(summary(spec))).append('\n');
        t.append(".SH SYNOPSIS\n")
                .append(text(cmd.getHelp().synopsis(0).strip().replaceAll("\\s*\\R\\s*", " "))).append('\n');
        String[] description = spec.usageMessage().description();
        if (description.length > 0) {
            t.append(".SH DESCRIPTION\n");
            paragraphs(t, description);
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            t.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                t.append(".TP\n").append(optionTerm(o)).append('\n');
                argDescription(t, o);
            }
        }
        List<PositionalParamSpec> positionals = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!positionals.isEmpty()) {
            t.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : positionals) {
                t.append(".TP\n\\fI").append(text(p.paramLabel())).append("\\fR\n");
                argDescription(t, p);
            }
        }
        List<CommandLine> subs = new ArrayList<>();
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (allPages.contains(pageName(sub.getCommandSpec())) && !subs.contains(sub)) {
                subs.add(sub);
            }
        }
        if (!subs.isEmpty()) {
            t.append(".SH COMMANDS\n");
            for (CommandLine sub : subs) {
                t.append(".TP\n\\fB").append(text(sub.getCommandName())).append("\\fR\n")
                        .append(text(summary(sub.getCommandSpec()))).append(" See \\fB")
                        .append(text(pageName(sub.getCommandSpec()))).append("\\fR(1).\n");
            }
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            t.append(".SH NOTES\n");
            paragraphs(t, footer);
        }
        t.append(".SH EXIT STATUS\n")
                .append("0 success, 1 runtime failure, 2 usage or configuration error, 130 interrupted (Ctrl-C).\n");
        t.append(".SH SEE ALSO\n");
        // the root page lists every page; a command's page lists the root, its parent and its own subcommands
        String parent = spec.parent() == null ? null : pageName(spec.parent());
        List<String> seeAlso = allPages.stream()
                .filter(other -> !other.equals(page))
                .filter(other -> parent == null || other.equals(NAME) || other.equals(parent)
                        || other.startsWith(page + "-"))
                .map(other -> "\\fB" + text(other) + "\\fR(1)")
                .toList();
        t.append(String.join(", ", seeAlso)).append(seeAlso.isEmpty() ? "" : "\n")
                .append(".PP\nThe full documentation: docs/cli.md and docs/getting-started.md in the source tree.\n");
        return t.toString();
    }

    private static String summary(CommandSpec spec) {
        String[] description = spec.usageMessage().description();
        String first = description.length > 0 ? description[0] : spec.name();
        return VARIABLE.matcher(first).replaceAll("").strip();
    }

    /** {@code \fB\-m\fR, \fB\-\-model\fR=\fIID\fR}: every name of the option, then its parameter label. */
    static String optionTerm(OptionSpec o) {
        StringBuilder s = new StringBuilder();
        for (String name : o.names()) {
            if (!s.isEmpty()) {
                s.append(", ");
            }
            String shown = o.negatable() ? o.command().negatableOptionTransformer().makeSynopsis(name, o.command()) : name;
            s.append("\\fB").append(text(shown)).append("\\fR");
        }
        if (o.arity().max() > 0 && !o.paramLabel().isEmpty()) {
            s.append('=').append("\\fI").append(text(o.paramLabel())).append("\\fR");
        }
        return s.toString();
    }

    private static void argDescription(StringBuilder t, ArgSpec arg) {
        String[] lines = arg.description();
        if (lines.length == 0) {
            t.append('\n');
            return;
        }
        StringBuilder joined = new StringBuilder();
        for (String line : lines) {
            String resolved = line.replace("${DEFAULT-VALUE}", String.valueOf(arg.defaultValueString()))
                    .replace("${COMPLETION-CANDIDATES}", candidates(arg));
            resolved = VARIABLE.matcher(resolved).replaceAll("");
            if (!joined.isEmpty()) {
                joined.append(' ');
            }
            joined.append(resolved.strip());
        }
        t.append(text(joined.toString())).append('\n');
    }

    private static String candidates(ArgSpec arg) {
        if (arg.completionCandidates() == null) {
            return "";
        }
        List<String> all = new ArrayList<>();
        arg.completionCandidates().forEach(all::add);
        return String.join(", ", all);
    }

    /** Description lines as paragraphs: an empty line starts a new one; each line stays a line. */
    private static void paragraphs(StringBuilder t, String[] lines) {
        boolean open = false;
        for (String line : lines) {
            String clean = VARIABLE.matcher(line).replaceAll("");
            if (clean.isBlank()) {
                open = false;
                continue;
            }
            if (!open) {
                t.append(".PP\n");
                open = true;
            } else {
                t.append(".br\n");
            }
            t.append(text(clean.strip())).append('\n');
        }
    }

    /**
     * Text safe for troff: backslashes escaped, hyphens as {@code \-} (so man pages show and search them as the ASCII
     * minus options are typed with), and a line never starting with a control character ({@code .} or {@code '}).
     */
    static String text(String s) {
        String escaped = s.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder out = new StringBuilder();
        for (String line : escaped.split("\n", -1)) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            if (line.startsWith(".") || line.startsWith("'")) {
                out.append("\\&");
            }
            out.append(line);
        }
        return out.toString();
    }
}
