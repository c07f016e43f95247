package dev.lmsbench.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextTableTest {

    private static List<String> print(TextTable t) {
        StringWriter out = new StringWriter();
        t.print(new PrintWriter(out, true));
        return out.toString().lines().toList();
    }

    @Test
    void makesEachColumnAsWideAsItsWidestCellAndRightAlignsNumbersAndPercentages() {
        List<String> lines = print(new TextTable("Model", "Req/s", "Draft acc.")
                .row("a", "1.25", "75.0%")
                .row("longer-model", "10.50", "-"));

        assertThat(lines).containsExactly(
                "Model         Req/s  Draft acc.",
                "------------  -----  ----------",
                "a              1.25       75.0%",
                "longer-model  10.50           -");
    }

    @Test
    void leftAlignsAColumnWithAnyTextCell() {
        List<String> lines = print(new TextTable("Model", "Status").row("a", "ok").row("b", "12"));

        assertThat(lines).containsExactly("Model  Status", "-----  ------", "a      ok", "b      12");
    }

    @Test
    void rejectsARowWithTheWrongNumberOfCells() {
        assertThatThrownBy(() -> new TextTable("a", "b").row("1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 2 cells, got 1");
    }

    @Test
    void removesEscapeSequencesAndLineBreaksFromCells() {
        List<String> lines = print(new TextTable("Model").row("evil\u001b[2J\nmodel\u0007"));

        assertThat(lines).containsExactly("Model", "----------", "evil model");
    }
}
