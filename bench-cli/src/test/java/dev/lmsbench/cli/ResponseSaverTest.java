package dev.lmsbench.cli;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.Progress;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.report.ResponseFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class ResponseSaverTest {

    @TempDir
    Path dir;

    private static RequestResult ok() {
        return new RequestResult("sim/a|b", 4096, 1, 2, false, RunMode.STREAM, Instant.EPOCH,
                RequestTimings.failed(0, 1_000_000), TokenUsage.reported(10, 5, 0), "stop", "");
    }

    private static Progress progress() {
        return new Progress(1, 2, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void writesTheAnswerTheMomentItsRequestCompletes() throws Exception {
        new ResponseSaver(dir).onEvent(new BenchmarkEvent.RequestCompleted(ok(), progress(), "Blue.", "Think."));

        String text = Files.readString(dir.resolve(ResponseFiles.relativePath(ok())));
        assertThat(text).contains("## Reasoning\n\nThink.").endsWith("## Answer\n\nBlue.\n");
    }

    @Test
    void ignoresOtherEvents() {
        new ResponseSaver(dir).onEvent(new BenchmarkEvent.ModelLoadFailed(ModelInfo.named("x"), "boom"));

        assertThat(dir.resolve(ResponseFiles.DIR)).doesNotExist();
    }

    @Test
    void neverThrowsWhenTheFileCannotBeWritten() throws Exception {
        Path blocked = dir.resolve("file");
        Files.writeString(blocked, "not a directory");
        ResponseSaver saver = new ResponseSaver(blocked);

        assertThatCode(() -> {
            saver.onEvent(new BenchmarkEvent.RequestCompleted(ok(), progress(), "a", ""));
            saver.onEvent(new BenchmarkEvent.RequestCompleted(ok(), progress(), "b", ""));
        }).doesNotThrowAnyException();
    }
}
