package dev.lmsbench.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every flag of every command is documented in docs/cli.md. */
class CliDocsTest {

    @Test
    void docsCliMdDocumentsEveryOptionOfEveryCommand() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "cli.md"));
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        int checked = 0;
        for (CommandLine sub : root.getSubcommands().values()) {
            if (sub.getCommandName().equals("help")) {
                continue; // picocli's own
            }
            String name = "lmsbench " + sub.getCommandName();
            if (!docs.contains("## `" + name + "`")) {
                // a command that only groups subcommands (lmsbench bench) may document each in its own section
                assertThat(sub.getSubcommands()).as("section of %s", name).isNotEmpty();
                for (CommandLine leaf : sub.getSubcommands().values()) {
                    assertThat(docs).as("section of %s %s", name, leaf.getCommandName())
                            .contains("## `" + name + " " + leaf.getCommandName() + "`");
                }
            }
            checked += checkOptions(docs, sub, name);
            for (CommandLine leaf : sub.getSubcommands().values()) {
                checked += checkOptions(docs, leaf, name + " " + leaf.getCommandName());
            }
        }
        assertThat(checked).isGreaterThan(25);
    }

    private static int checkOptions(String docs, CommandLine cmd, String name) {
        int checked = 0;
        for (CommandLine.Model.OptionSpec o : cmd.getCommandSpec().options()) {
            assertThat(docs).as("docs/cli.md mentions %s of %s", o.longestName(), name)
                    .containsPattern("[`\\s]" + java.util.regex.Pattern.quote(o.longestName()) + "[`\\s]");
            checked++;
        }
        return checked;
    }
}
