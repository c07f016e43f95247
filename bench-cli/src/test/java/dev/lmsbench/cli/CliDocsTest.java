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
            assertThat(docs).as("section of %s", sub.getCommandName())
                    .contains("## `lmsbench " + sub.getCommandName() + "`");
            for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
                assertThat(docs).as("docs/cli.md mentions %s of %s", o.longestName(), sub.getCommandName())
                        .containsPattern("[`\\s]" + java.util.regex.Pattern.quote(o.longestName()) + "[`\\s]");
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(25);
    }
}
