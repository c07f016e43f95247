package dev.lmsbench.cache;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.model.ModelSummary;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;

/**
 * The JSON form of {@link ModelSummary} kept in {@code model_results.summary_json}, and of token offset arrays.
 *
 * <p>Records map by their components. {@code NaN} and infinities are written as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"} and read back as such; {@link Instant} is an ISO-8601 string (no JSR-310
 * module needed). Unknown properties are ignored so rows written by a newer minor version stay readable.
 * The mapper is immutable once built and thread-safe.
 */
final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // derived is-getters such as Distribution.isEmpty() are not data
            .visibility(PropertyAccessor.IS_GETTER, Visibility.NONE)
            // the raw hardware samples have their own table (hardware_samples), not a copy in summary_json
            .addMixIn(ModelSummary.class, WithoutHardwareSamples.class)
            // a load stage's arrival pattern is one of a sealed set: its kind names the record
            .addMixIn(dev.lmsbench.core.load.ArrivalPattern.class, PatternKinds.class)
            .addModule(new SimpleModule("lmsbench-time")
                    .addSerializer(Instant.class, new InstantSerializer())
                    .addDeserializer(Instant.class, new InstantDeserializer()))
            .build();

    private Json() {
    }

    @JsonIgnoreProperties({"hardwareSamples"})
    private abstract static class WithoutHardwareSamples {
    }

    @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME,
            property = "type")
    @com.fasterxml.jackson.annotation.JsonSubTypes({
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(
                    value = dev.lmsbench.core.load.ArrivalPattern.Synchronous.class, name = "synchronous"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(
                    value = dev.lmsbench.core.load.ArrivalPattern.Concurrency.class, name = "concurrency"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(
                    value = dev.lmsbench.core.load.ArrivalPattern.ConstantRate.class, name = "constant"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(
                    value = dev.lmsbench.core.load.ArrivalPattern.Poisson.class, name = "poisson"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(
                    value = dev.lmsbench.core.load.ArrivalPattern.Gamma.class, name = "gamma"),
            @com.fasterxml.jackson.annotation.JsonSubTypes.Type(
                    value = dev.lmsbench.core.load.ArrivalPattern.MaxThroughput.class, name = "max")})
    private abstract static class PatternKinds {
    }

    static String writeGpus(List<GpuSample> gpus) throws JsonProcessingException {
        return MAPPER.writeValueAsString(gpus);
    }

    static List<GpuSample> readGpus(String json) throws JsonProcessingException {
        return List.of(MAPPER.readValue(json, GpuSample[].class));
    }

    static String write(ModelSummary summary) throws JsonProcessingException {
        return MAPPER.writeValueAsString(summary);
    }

    /**
     * A summary from its JSON. Figures a summary written before they existed lacks are {@code NaN} (not the
     * {@code 0} a missing primitive would otherwise become); missing error fields are derived by the record.
     */
    static ModelSummary readSummary(String json) throws JsonProcessingException {
        com.fasterxml.jackson.databind.JsonNode tree = MAPPER.readTree(json);
        if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            for (String figure : NAN_WHEN_MISSING) {
                if (!object.has(figure)) {
                    object.put(figure, "NaN");
                }
            }
        }
        return MAPPER.treeToValue(tree, ModelSummary.class);
    }

    /** Double components of {@link ModelSummary} added after its first release. */
    private static final List<String> NAN_WHEN_MISSING =
            List.of("systemOutputTokensPerSecond", "systemRequestsPerSecond");

    /**
     * Text that came from a server, made safe for the database: control characters and escape sequences removed,
     * one line.
     */
    static String safe(String text) {
        return dev.lmsbench.core.text.SafeText.oneLine(text, SAFE_MAX_CHARS);
    }

    /** Long enough for any id or message the engine records; only a safety bound. */
    private static final int SAFE_MAX_CHARS = 4096;

    /** Every string value of the summary's JSON passed through {@link #safe} (defence in depth). */
    static String writeSafe(ModelSummary summary) throws JsonProcessingException {
        com.fasterxml.jackson.databind.JsonNode tree = MAPPER.valueToTree(summary);
        sanitize(tree);
        return MAPPER.writeValueAsString(tree);
    }

    private static void sanitize(com.fasterxml.jackson.databind.JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            List<String> names = new java.util.ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                com.fasterxml.jackson.databind.JsonNode child = object.get(name);
                if (child.isTextual()) {
                    object.put(name, safe(child.textValue()));
                } else {
                    sanitize(child);
                }
            }
        } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                com.fasterxml.jackson.databind.JsonNode child = array.get(i);
                if (child.isTextual()) {
                    array.set(i, safe(child.textValue()));
                } else {
                    sanitize(child);
                }
            }
        }
    }

    /** A request's server statistics with every string value passed through {@link #safe} (text from a server). */
    static String writeServerStats(dev.lmsbench.core.model.ServerStats stats) throws JsonProcessingException {
        com.fasterxml.jackson.databind.JsonNode tree = MAPPER.valueToTree(stats);
        sanitize(tree);
        return MAPPER.writeValueAsString(tree);
    }

    /** Any value (a summary, a list of requests) with every string value passed through {@link #safe}. */
    static String writeSafeValue(Object value) throws JsonProcessingException {
        com.fasterxml.jackson.databind.JsonNode tree = MAPPER.valueToTree(value);
        sanitize(tree);
        return MAPPER.writeValueAsString(tree);
    }

    static List<dev.lmsbench.core.model.RequestResult> readRequests(String json) throws JsonProcessingException {
        return json == null ? List.of()
                : List.of(MAPPER.readValue(json, dev.lmsbench.core.model.RequestResult[].class));
    }

    static List<dev.lmsbench.core.hardware.HardwareSample> readSamples(String json) throws JsonProcessingException {
        return json == null ? List.of()
                : List.of(MAPPER.readValue(json, dev.lmsbench.core.hardware.HardwareSample[].class));
    }

    static String writeValue(Object value) throws JsonProcessingException {
        return MAPPER.writeValueAsString(value);
    }

    static <T> T read(String json, Class<T> type) throws JsonProcessingException {
        return MAPPER.readValue(json, type);
    }

    static String write(long[] values) throws JsonProcessingException {
        return MAPPER.writeValueAsString(values);
    }

    static long[] readLongs(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, long[].class);
    }

    private static final class InstantSerializer extends StdScalarSerializer<Instant> {
        InstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
        }
    }

    private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            String text = p.getText();
            try {
                return Instant.parse(text);
            } catch (DateTimeException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
            }
        }
    }
}
