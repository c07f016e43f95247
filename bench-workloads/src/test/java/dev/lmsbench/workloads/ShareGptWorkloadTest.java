package dev.lmsbench.workloads;

import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.Workload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShareGptWorkloadTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("data.json");
        Files.writeString(file, json);
        return file;
    }

    private static String entry(String id, String... turns) {
        StringBuilder b = new StringBuilder("{\"id\": \"" + id + "\", \"conversations\": [");
        for (int i = 0; i < turns.length; i++) {
            b.append(i == 0 ? "" : ", ").append("{\"from\": \"").append(i % 2 == 0 ? "human" : "gpt")
                    .append("\", \"value\": \"").append(turns[i]).append("\"}");
        }
        return b.append("]}").toString();
    }

    private static ShareGptWorkload read(Path file, int outputLen, TokenLengths lengths) throws IOException {
        return new ShareGptWorkload(ShareGptWorkload.Options.defaults().withDataset(file)
                .withOutput(outputLen), lengths);
    }

    @Test
    void theBundledSampleIsReadAndEveryRequestIsOneOfItsFirstHumanTurns() {
        ShareGptWorkload w = ShareGptWorkload.sample(Fakes.wordLengths());
        assertThat(w.size()).isEqualTo(30);
        assertThat(w.parameters()).containsEntry("dataset", ShareGptWorkload.SAMPLE_NAME)
                .containsEntry("output_len", "0").containsEntry("entries", "30");
        List<Workload.Request> requests = Fakes.take(w, 1, 30);
        Set<String> ids = new HashSet<>();
        for (Workload.Request r : requests) {
            assertThat(r.conversation()).startsWith("sample-");
            assertThat(r.promptTokens()).isEqualTo(Fakes.words(r.prompt())).isGreaterThanOrEqualTo(4);
            assertThat(r.maxTokens()).isGreaterThanOrEqualTo(4);
            ids.add(r.conversation());
        }
        assertThat(ids).hasSize(30); // one pass draws every conversation once
        Workload.Request capital = requests.stream().filter(r -> r.conversation().equals("sample-00")).findFirst()
                .orElseThrow();
        assertThat(capital.prompt()).isEqualTo("What is the capital of Australia?");
        assertThat(capital.maxTokens()).isEqualTo(31); // the words of the answer
        assertThat(w.lengthSource()).isEqualTo(TokenCountSource.TOKENIZER_JSON);
    }

    @Test
    void theSameSeedGivesTheSameOrderAnotherSeedAnotherAndItCyclesAfterEveryEntry() {
        ShareGptWorkload w = ShareGptWorkload.sample(TokenLengths.estimate());
        List<Workload.Request> first = Fakes.take(w, 3, 60);
        assertThat(first).isEqualTo(Fakes.take(w, 3, 60));
        assertThat(first).isNotEqualTo(Fakes.take(w, 4, 60));
        assertThat(first.subList(30, 60)).isEqualTo(first.subList(0, 30));
        assertThat(w.lengthSource()).isEqualTo(TokenCountSource.ESTIMATE);
    }

    @Test
    void tooShortPromptsAnswersAndConversationsOfOneTurnAreSkipped() throws IOException {
        Path file = write("[" + String.join(",",
                entry("one-turn", "a conversation of only one turn is skipped"),
                entry("short-prompt", "Hi", "hello there, how can I help you today"),
                entry("short-answer", "please answer with one word only", "Ok"),
                entry("good", "tell me something about rivers and the sea", "rivers flow into the sea carrying water"),
                "{\"id\": \"no-turns\"}",
                "{\"id\": \"gpt-first\", \"conversations\": [{\"from\": \"gpt\", \"value\": \"I start\"}]}")
                + "]");
        ShareGptWorkload w = read(file, 0, Fakes.wordLengths());
        assertThat(Fakes.take(w, 1, 5)).extracting(Workload.Request::conversation)
                .containsOnly("good");
        // with a fixed output length the answer's length no longer matters
        ShareGptWorkload fixed = read(file, 7, Fakes.wordLengths());
        List<Workload.Request> r = Fakes.take(fixed, 1, 10);
        assertThat(r).extracting(Workload.Request::conversation).containsOnly("good", "short-answer");
        assertThat(r).allSatisfy(q -> assertThat(q.maxTokens()).isEqualTo(7));
        assertThat(fixed.parameters()).containsEntry("output_len", "7").containsEntry("dataset", file.toString());
    }

    @Test
    void aFileWithoutAUsableConversationIsRefusedNamingIt() throws IOException {
        Path file = write("[" + entry("short", "Hi", "Ok") + "]");
        assertThatThrownBy(() -> read(file, 0, TokenLengths.estimate())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("no conversation fits");
        Path empty = write("[]");
        assertThatThrownBy(() -> read(empty, 0, TokenLengths.estimate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(empty.toString());
    }

    @Test
    void aMalformedFileIsRefusedWithItsNameTheReasonAndTheLine() throws IOException {
        Path file = write("[\n" + entry("good", "a good first question here", "and a good answer too") + ",\n"
                + "{\"id\": \"broken\", \"conversations\": [{\"from\": \"human\" \"value\": \"x\"}]}\n]");
        assertThatThrownBy(() -> read(file, 0, TokenLengths.estimate())).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a ShareGPT file")
                .hasMessageContaining("(line 3)").hasMessageNotContaining("\n");

        Path object = write("{\"conversations\": []}");
        assertThatThrownBy(() -> read(object, 0, TokenLengths.estimate())).isInstanceOf(IOException.class)
                .hasMessageContaining(object.toString()).hasMessageContaining("not a JSON array");

        Path turns = write("[{\"id\": 1, \"conversations\": \"hello\"}]");
        assertThatThrownBy(() -> read(turns, 0, TokenLengths.estimate())).isInstanceOf(IOException.class)
                .hasMessageContaining("'conversations' of entry 0 is not an array");

        Path truncated = write("[" + entry("good", "a good first question here", "and a good answer too"));
        assertThatThrownBy(() -> read(truncated, 0, TokenLengths.estimate())).isInstanceOf(IOException.class)
                .hasMessageContaining(truncated.toString()).hasMessageNotContaining("\n");
    }

    @Test
    void aFileLargerThanTheLimitIsNotRead() throws IOException {
        Path file = dir.resolve("huge.json");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(ShareGptWorkload.MAX_FILE_BYTES + 1); // sparse: no disk used
        }
        assertThatThrownBy(() -> read(file, 0, TokenLengths.estimate())).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("larger than the limit");
    }

    @Test
    void aTooDeepFileOrATooLongTextIsRefusedWithAClearMessage() throws IOException {
        String deep = "[".repeat(40) + "]".repeat(40);
        Path file = write("[{\"id\": \"deep\", \"extra\": " + deep + ", \"conversations\": []}]");
        assertThatThrownBy(() -> read(file, 0, TokenLengths.estimate())).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("breaks a limit")
                .hasMessageContaining("depth").hasMessageContaining("(line 1)").hasMessageNotContaining("\n");

        Path longText = write("[" + entry("long", "x".repeat(ShareGptWorkload.MAX_STRING_CHARS + 10), "answer") + "]");
        assertThatThrownBy(() -> read(longText, 0, TokenLengths.estimate())).isInstanceOf(IOException.class)
                .hasMessageContaining(longText.toString()).hasMessageContaining("breaks a limit")
                .hasMessageNotContaining("\n");
    }

    @Test
    void atMostMaxEntriesConversationsAreRead() throws IOException {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 50; i++) {
            b.append(i == 0 ? "" : ",").append(entry("e" + i, "question number " + i + " is here",
                    "answer number " + i + " is there"));
        }
        Path file = write(b.append("]").toString());
        ShareGptWorkload w = new ShareGptWorkload(new ShareGptWorkload.Options(file, 0, 10, 1024, 2048),
                TokenLengths.estimate());
        assertThat(w.size()).isEqualTo(10);
        assertThat(Fakes.take(w, 1, 20)).extracting(Workload.Request::conversation)
                .allSatisfy(id -> assertThat(Integer.parseInt(id.substring(1))).isLessThan(10));
    }

    @Test
    void theSampleCanBeCopiedToAFileAndReadFromThere() throws IOException {
        Path file = dir.resolve("copy.json");
        ShareGptWorkload.writeSample(file);
        ShareGptWorkload w = read(file, 0, TokenLengths.estimate());
        assertThat(w.size()).isEqualTo(30);
        assertThat(Fakes.take(w, 5, 30)).isEqualTo(Fakes.take(ShareGptWorkload.sample(TokenLengths.estimate()), 5, 30));
    }

    @Test
    void aMissingFileIsRefusedNamingIt() {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> read(missing, 0, TokenLengths.estimate())).isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString());
    }
}
