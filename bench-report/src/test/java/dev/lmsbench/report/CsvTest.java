package dev.lmsbench.report;

import dev.lmsbench.report.Csv.Column;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvTest {

    @Test
    void leavesPlainFieldsUnquoted() {
        assertThat(Csv.field("qwen3-8b@q4_k_m")).isEqualTo("qwen3-8b@q4_k_m");
        assertThat(Csv.field("has space; and semicolon")).isEqualTo("has space; and semicolon");
        assertThat(Csv.field("")).isEmpty();
        assertThat(Csv.field(null)).isEmpty();
    }

    @Test
    void quotesFieldsWithCommaQuoteCrOrLfAndDoublesQuotes() {
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("line1\nline2")).isEqualTo("\"line1\nline2\"");
        assertThat(Csv.field("line1\r\nline2")).isEqualTo("\"line1\r\nline2\"");
        assertThat(Csv.field("\"")).isEqualTo("\"\"\"\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.1234567      | 0.123457",
            "0.1234565      | 0.123457",
            "2.0            | 2",
            "0.0            | 0",
            "-0.0           | 0",
            "1e-9           | 0",
            "-0.0000004     | 0",
            "-1.5           | -1.5",
            "0.0005         | 0.0005",
            "1234567.891    | 1234567.891",
            "1e20           | 100000000000000000000",
            "42.10000000001 | 42.1",
    })
    void formatsDecimalsWithAtMostSixPlacesAndNoExponent(double value, String expected) {
        assertThat(Csv.decimal(value)).isEqualTo(expected);
    }

    @Test
    void writesUndefinedNumbersAsEmptyCells() {
        assertThat(Csv.decimal(Double.NaN)).isEmpty();
        assertThat(Csv.decimal(Double.POSITIVE_INFINITY)).isEmpty();
        assertThat(Csv.decimal(Double.NEGATIVE_INFINITY)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("dev.lmsbench.report.DefaultLocale#locales")
    void formatsDecimalsTheSameUnderEveryDefaultLocale(Locale locale) throws Exception {
        DefaultLocale.with(locale, () -> {
            assertThat(Csv.decimal(1234567.25)).isEqualTo("1234567.25");
            assertThat(Csv.decimal(-0.5)).isEqualTo("-0.5");
        });
    }

    @Test
    void theTestLocalesReallyFormatNumbersDifferently() throws Exception {
        // guards the locale tests: if these locales formatted like ROOT they would prove nothing
        DefaultLocale.with(Locale.GERMANY, () -> assertThat(String.format("%.2f", 1.5)).isEqualTo("1,50"));
        DefaultLocale.with(Locale.forLanguageTag("ar-EG"),
                () -> assertThat(String.format("%,.2f", 1234.5)).isNotEqualTo("1,234.50"));
    }

    @Test
    void writesHeaderAndRowsWithLineFeedsAndNoByteOrderMark() throws Exception {
        List<Column<String[]>> columns = List.of(
                Column.text("name", r -> r[0]),
                Column.decimal("value", r -> Double.parseDouble(r[1])),
                Column.knownInteger("size", r -> Long.parseLong(r[2])),
                Column.bool("flag", r -> r[0].startsWith("b")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Csv.write(out, columns, List.of(new String[] {"a,\"x\"", "1.5", "-1"}, new String[] {"bé", "NaN", "7"}));

        byte[] bytes = out.toByteArray();
        assertThat(bytes[0]).isEqualTo((byte) 'n');
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(
                "name,value,size,flag\n"
                        + "\"a,\"\"x\"\"\",1.5,,false\n"
                        + "bé,,7,true\n");
    }

    @Test
    void rejectsDuplicateColumnNames() {
        List<Column<String>> columns = List.of(Column.text("a", s -> s), Column.text("a", s -> s));

        assertThatThrownBy(() -> Csv.write(new ByteArrayOutputStream(), columns, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate column a");
    }
}
