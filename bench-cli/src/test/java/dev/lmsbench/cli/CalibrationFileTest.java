package dev.lmsbench.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

class CalibrationFileTest {

    @TempDir
    Path dir;

    @Test
    void aCalibrationKeptByOneSweepIsReadByTheNext() {
        Path file = dir.resolve("calibration.json");
        new CalibrationFile(file).put("http://localhost:1234", "qwen3-8b", 2000, 3.7);

        CalibrationFile next = new CalibrationFile(file);
        assertThat(next.charsPerToken("http://localhost:1234", "qwen3-8b", 2000)).hasValue(3.7);
        assertThat(next.charsPerToken("http://localhost:1234", "qwen3-8b", 1000)).isEmpty();
        assertThat(next.charsPerToken("http://other:1234", "qwen3-8b", 2000)).isEmpty();
    }

    @Test
    void theSimulatorsRunsShareTheirCalibrationsWhateverPortTheyListenOn() {
        Path file = dir.resolve("calibration.json");
        new CalibrationFile(file).put("sim:http://127.0.0.1:40001", "sim/a", 500, 3.1);

        assertThat(new CalibrationFile(file).charsPerToken("sim:http://127.0.0.1:40777", "sim/a", 500)).hasValue(3.1);
    }

    @Test
    void aBrokenOrOversizedFileIsIgnoredAndBadEntriesAreSkipped() throws Exception {
        Path file = dir.resolve("calibration.json");
        Files.writeString(file, "[1, 2]");
        assertThat(new CalibrationFile(file).charsPerToken("s", "m", 1)).isEmpty();

        Files.writeString(file, "{\"s|m|1\": -2, \"s|m|2\": \"x\", \"s|m|3\": 2.5}");
        CalibrationFile c = new CalibrationFile(file);
        assertThat(c.charsPerToken("s", "m", 1)).isEmpty();
        assertThat(c.charsPerToken("s", "m", 2)).isEmpty();
        assertThat(c.charsPerToken("s", "m", 3)).isEqualTo(OptionalDouble.of(2.5));

        Files.writeString(file, "{\"s|m|3\": 2.5, \"pad\": \"" + "x".repeat((int) CalibrationFile.MAX_BYTES) + "\"}");
        assertThat(new CalibrationFile(file).charsPerToken("s", "m", 3)).isEmpty();
    }

    @Test
    void atMostMaxEntriesAreKeptTheOldestGoingFirst() {
        Path file = dir.resolve("calibration.json");
        CalibrationFile c = new CalibrationFile(file);
        for (int i = 0; i <= CalibrationFile.MAX_ENTRIES; i++) {
            c.put("s", "m", i + 1, 3.0);
        }
        CalibrationFile read = new CalibrationFile(file);
        assertThat(read.charsPerToken("s", "m", 1)).isEmpty();
        assertThat(read.charsPerToken("s", "m", CalibrationFile.MAX_ENTRIES + 1)).hasValue(3.0);
    }
}
