package dev.lmsbench.workloads;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.lmsbench.core.spi.Workload;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Conversations from a ShareGPT file, vLLM's benchmark dataset format: a JSON array of
 * {@code {"id": ..., "conversations": [{"from": "human", "value": ...}, {"from": "gpt", "value": ...}, ...]}}. As
 * vLLM's {@code sample_sharegpt_requests}: a conversation with fewer than 2 turns is skipped; the prompt is the first
 * human turn ({@code from} {@code human} or {@code user}) and {@code maxTokens} the counted length of the turn right
 * after it (or the fixed {@code output_len}); an entry whose prompt or answer is shorter than 4 tokens (the answer
 * only when its length comes from the data), whose prompt is longer than {@code max_prompt_len} or whose prompt and
 * answer together are longer than {@code max_total_len} (vLLM's 1024 and 2048; 0: no limit) is skipped. Lengths are
 * counted when an entry is first drawn.
 *
 * <p>Each session draws the conversations in an order shuffled by its seed, and cycles through that order again when
 * it sends more requests than there are conversations. Every request is its own conversation ({@code conversation}
 * is the entry's id, turn 0).
 *
 * <p>The file is read as a stream (Jackson's {@link JsonParser}), never whole: at most {@value #MAX_FILE_BYTES} bytes,
 * nesting {@value #MAX_DEPTH} deep, strings of {@value #MAX_STRING_CHARS} characters, {@code max_entries} usable
 * conversations (the rest is not read). Text is cleaned of control characters and escape sequences. A file that
 * breaks a limit or is not ShareGPT fails with its name and a one-line reason (with the line number when known).
 *
 * <p>{@link #sample} is a small bundled file of 30 short English conversations, for tests and for
 * {@code --workload sharegpt} without a file.
 */
public final class ShareGptWorkload extends BaseWorkload<ShareGptWorkload.Options> {

    /** The workload's name. */
    public static final String NAME = "sharegpt";

    /** The largest file read. */
    public static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

    /** The deepest nesting of arrays and objects read. */
    public static final int MAX_DEPTH = 16;

    /** The longest string (a turn's text) read, in characters. */
    public static final int MAX_STRING_CHARS = 1_000_000;

    /** The shortest prompt and answer kept, in tokens (vLLM's {@code min_len}). */
    public static final int MIN_TOKENS = 4;

    /** The classpath resource of the bundled sample. */
    public static final String SAMPLE_RESOURCE = "/dev/lmsbench/workloads/sharegpt-sample.json";

    /** The {@code dataset} parameter of the bundled sample. */
    public static final String SAMPLE_NAME = "bundled:sharegpt-sample.json";

    private static final Logger LOG = LoggerFactory.getLogger(ShareGptWorkload.class);
    private static final Set<String> HUMAN = Set.of("human", "user");
    private static final Set<String> NOT_ANSWER = Set.of("human", "user", "system");
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNameLength(1000)
                    .maxNumberLength(100)
                    .maxDocumentLength(MAX_FILE_BYTES)
                    .build())
            .build();

    /**
     * The options.
     *
     * @param dataset         {@code dataset}: the ShareGPT file, or {@code null} for the bundled sample
     * @param outputTokens    {@code output_len}: a fixed {@code max_tokens} for every request, or 0 for the answer
     *                        lengths of the data; 0 to 2^20
     * @param maxEntries      {@code max_entries}: the most usable conversations read, 1 to 1000000
     * @param maxPromptTokens {@code max_prompt_len}: longer prompts are skipped, 0 for no limit
     * @param maxTotalTokens  {@code max_total_len}: entries whose prompt and answer are longer together are skipped,
     *                        0 for no limit
     */
    public record Options(Path dataset, int outputTokens, int maxEntries, int maxPromptTokens, int maxTotalTokens) {
        /** Checks the values. */
        public Options {
            Checks.range("output_len", outputTokens, 0, Checks.MAX_LEN);
            Checks.range("max_entries", maxEntries, 1, 1_000_000);
            Checks.range("max_prompt_len", maxPromptTokens, 0, Checks.MAX_LEN);
            Checks.range("max_total_len", maxTotalTokens, 0, Checks.MAX_LEN);
        }

        /** {@return the defaults: the bundled sample, lengths of the data, 100000 entries, vLLM's 1024 and 2048} */
        public static Options defaults() {
            return new Options(null, 0, 100_000, 1024, 2048);
        }

        /**
         * {@return these options reading another file}
         *
         * @param file the file, or {@code null} for the sample
         */
        public Options withDataset(Path file) {
            return new Options(file, outputTokens, maxEntries, maxPromptTokens, maxTotalTokens);
        }

        /**
         * {@return these options with another fixed output length}
         *
         * @param tokens the fixed {@code max_tokens}, 0 for the data's lengths
         */
        public Options withOutput(int tokens) {
            return new Options(dataset, tokens, maxEntries, maxPromptTokens, maxTotalTokens);
        }
    }

    /** One usable conversation: its id, prompt and answer ({@code null} with a fixed output length). */
    private record Entry(String id, String prompt, String answer) {
    }

    private final String datasetName;
    private final List<Entry> entries;
    private final int skippedWhileReading;
    // lazily counted lengths, -1 until counted; guarded by this
    private final int[] promptTokens;
    private final int[] answerTokens;

    /**
     * Reads a ShareGPT file (or the bundled sample when the options name none).
     *
     * @param options the options
     * @param lengths what counts the lengths
     * @throws IOException              when the file cannot be read, is too big, breaks a limit or is not ShareGPT
     *                                  (the message names the file, one line)
     * @throws IllegalArgumentException when no conversation of the file is usable
     */
    public ShareGptWorkload(Options options, TokenLengths lengths) throws IOException {
        super(NAME, options, lengths);
        List<Entry> read = new ArrayList<>();
        int[] skipped = {0};
        if (options.dataset() == null) {
            datasetName = SAMPLE_NAME;
            try (InputStream in = ShareGptWorkload.class.getResourceAsStream(SAMPLE_RESOURCE)) {
                if (in == null) {
                    throw new IOException(SAMPLE_NAME + ": the bundled sample is missing");
                }
                parse(in, datasetName, read, skipped);
            }
        } else {
            Path file = options.dataset();
            datasetName = file.toString();
            if (!Files.isRegularFile(file)) {
                throw new IOException(datasetName + ": not a readable file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new IOException(datasetName + ": the file is " + size + " bytes, larger than the limit of "
                        + MAX_FILE_BYTES + " bytes (256 MB)");
            }
            try (InputStream in = Files.newInputStream(file)) {
                parse(in, datasetName, read, skipped);
            }
        }
        entries = List.copyOf(read);
        skippedWhileReading = skipped[0];
        promptTokens = new int[entries.size()];
        answerTokens = new int[entries.size()];
        Arrays.fill(promptTokens, -1);
        Arrays.fill(answerTokens, -1);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(datasetName + ": no conversation has a human turn followed by an answer");
        }
        boolean any = false;
        for (int i = 0; i < entries.size() && !any; i++) {
            any = valid(i);
        }
        if (!any) {
            throw new IllegalArgumentException(datasetName + ": no conversation fits the lengths (prompt and answer at"
                    + " least " + MIN_TOKENS + " tokens, max_prompt_len " + options.maxPromptTokens()
                    + ", max_total_len " + options.maxTotalTokens() + ")");
        }
        LOG.debug("{}: {} conversations read, {} skipped", datasetName, entries.size(), skippedWhileReading);
    }

    /**
     * The bundled sample with the default options.
     *
     * @param lengths what counts the lengths
     * @return the workload
     */
    public static ShareGptWorkload sample(TokenLengths lengths) {
        try {
            return new ShareGptWorkload(Options.defaults(), lengths);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Copies the bundled sample to a file (replacing it), e.g. to start a dataset of one's own.
     *
     * @param target the file
     * @throws IOException when it cannot be written
     */
    public static void writeSample(Path target) throws IOException {
        try (InputStream in = ShareGptWorkload.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IOException(SAMPLE_NAME + ": the bundled sample is missing");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** {@return how many usable conversations were read} */
    public int size() {
        return entries.size();
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dataset", datasetName);
        p.put("output_len", Integer.toString(options.outputTokens()));
        p.put("max_entries", Integer.toString(options.maxEntries()));
        p.put("max_prompt_len", Integer.toString(options.maxPromptTokens()));
        p.put("max_total_len", Integer.toString(options.maxTotalTokens()));
        p.put("entries", Integer.toString(entries.size()));
        return p;
    }

    @Override
    public Session start(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[entries.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Session() {
            private int cursor;

            @Override
            public Request next() {
                for (int k = 0; k < order.length; k++) {
                    int e = order[cursor];
                    cursor = (cursor + 1) % order.length;
                    if (valid(e)) {
                        Entry entry = entries.get(e);
                        int out = options.outputTokens() > 0 ? options.outputTokens() : answerTokens(e);
                        return new Request(entry.prompt(), out, entry.id(), 0, promptTokens(e));
                    }
                }
                // not reached: the constructor found a valid entry, and validity never changes
                throw new IllegalStateException(datasetName + ": no conversation fits the lengths");
            }
        };
    }

    private synchronized int promptTokens(int e) {
        if (promptTokens[e] < 0) {
            promptTokens[e] = lengths.count(entries.get(e).prompt());
        }
        return promptTokens[e];
    }

    private synchronized int answerTokens(int e) {
        if (answerTokens[e] < 0) {
            answerTokens[e] = lengths.count(entries.get(e).answer());
        }
        return answerTokens[e];
    }

    /** vLLM's {@code is_valid_sequence}. */
    private synchronized boolean valid(int e) {
        int prompt = promptTokens(e);
        boolean fixed = options.outputTokens() > 0;
        int out = fixed ? options.outputTokens() : answerTokens(e);
        if (prompt < MIN_TOKENS || (!fixed && out < MIN_TOKENS)) {
            return false;
        }
        if (options.maxPromptTokens() > 0 && prompt > options.maxPromptTokens()) {
            return false;
        }
        return options.maxTotalTokens() <= 0 || (long) prompt + out <= options.maxTotalTokens();
    }

    private void parse(InputStream in, String name, List<Entry> out, int[] skipped) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            try {
                parseArray(p, name, out, skipped);
            } catch (StreamConstraintsException e) {
                throw new IOException(name + ": refused, the file breaks a limit: " + reason(e, p), e);
            }
        } catch (JsonProcessingException e) {
            throw new IOException(name + ": not a ShareGPT file: " + reason(e, null), e);
        }
    }

    private void parseArray(JsonParser p, String name, List<Entry> out, int[] skipped) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw fail(name, p, "not a JSON array of conversations");
        }
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw fail(name, p, "the file ends inside the array");
            }
            if (t != JsonToken.START_OBJECT) {
                throw fail(name, p, "entry " + index + " is not an object");
            }
            Entry entry = entry(p, name, index);
            if (entry == null) {
                skipped[0]++;
            } else {
                out.add(entry);
                if (out.size() >= options.maxEntries()) {
                    LOG.info("{}: read the first {} conversations (max_entries), not the rest", name, out.size());
                    return;
                }
            }
            index++;
        }
        if (p.nextToken() != null) {
            throw fail(name, p, "text after the array");
        }
    }

    /** Reads one entry (the parser on its START_OBJECT); {@code null} when it is not usable. */
    private Entry entry(JsonParser p, String name, int index) throws IOException {
        String id = null;
        String[] turn = null; // prompt, answer
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            if ("id".equals(field) && t != null && t.isScalarValue()) {
                id = SafeText.oneLine(p.getText(), 100);
            } else if ("conversations".equals(field)) {
                if (t != JsonToken.START_ARRAY) {
                    throw fail(name, p, "'conversations' of entry " + index + " is not an array");
                }
                turn = turns(p, name, index);
            } else {
                p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw fail(name, p, "entry " + index + " is not an object");
        }
        if (turn == null || turn[0] == null || turn[1] == null) {
            return null;
        }
        String prompt = SafeText.clean(turn[0]);
        if (prompt.isBlank()) {
            return null;
        }
        if (id == null || id.isBlank()) {
            id = "entry-" + index;
        }
        return new Entry(id, prompt, options.outputTokens() > 0 ? null : SafeText.clean(turn[1]));
    }

    /** Reads the turns (the parser on their START_ARRAY): the first human turn and the answer right after it. */
    private String[] turns(JsonParser p, String name, int index) throws IOException {
        String[] pair = new String[2];
        int count = 0;
        int promptAt = -1;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                throw fail(name, p, "a turn of entry " + index + " is not an object");
            }
            String from = null;
            String value = null;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                t = p.nextToken();
                if ("from".equals(field) && t == JsonToken.VALUE_STRING) {
                    from = p.getText().toLowerCase(Locale.ROOT);
                } else if ("value".equals(field) && t == JsonToken.VALUE_STRING) {
                    value = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw fail(name, p, "a turn of entry " + index + " is not an object");
            }
            if (promptAt < 0 && from != null && HUMAN.contains(from) && value != null) {
                pair[0] = value;
                promptAt = count;
            } else if (promptAt >= 0 && count == promptAt + 1 && value != null
                    && (from == null || !NOT_ANSWER.contains(from))) {
                pair[1] = value;
            }
            count++;
        }
        return count < 2 ? null : pair;
    }

    private static IOException fail(String name, JsonParser p, String reason) {
        JsonLocation at = p.currentLocation();
        String line = at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ")" : "";
        return new IOException(name + ": not a ShareGPT file: " + reason + line);
    }

    private static String reason(JsonProcessingException e, JsonParser parser) {
        JsonLocation at = e.getLocation() != null || parser == null ? e.getLocation() : parser.currentLocation();
        String line = at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ")" : "";
        return SafeText.oneLine(e.getOriginalMessage(), 200) + line;
    }
}
