package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Whether an answer came from the model asked for: the {@code model} field of an OpenAI-shaped answer (in a stream,
 * every chunk that carries one), Ollama's {@code model}, LM Studio's {@code model_instance_id}. A measurement of
 * another model than the one asked for is never a result: it fails as {@code WRONG_MODEL}.
 *
 * <p>The same model is, compared without regard to case ({@link Locale#ROOT}):
 * <ul>
 *   <li>the same name;</li>
 *   <li>{@link Rule#INSTANCE_SUFFIX}: an LM Studio instance of it: {@code <asked>:<digits>} answering for
 *       {@code <asked>}, or {@code <key>} answering for {@code <key>:<n>} (two different instance numbers are two
 *       different instances);</li>
 *   <li>{@link Rule#PUBLISHER_PREFIX}: the name with the publisher on one side only ({@code qwen/qwen3-8b} and
 *       {@code qwen3-8b}: LM Studio's {@code /api/v0} ids carry none, its model keys do);</li>
 *   <li>{@link Rule#LATEST_TAG}: Ollama's implicit tag: {@code llama3.2} and {@code llama3.2:latest};</li>
 *   <li>{@link Rule#DATED_SNAPSHOT}: a dated snapshot answering for its alias, as OpenAI does ({@code gpt-4.1}
 *       answered by {@code gpt-4.1-2025-04-14}, {@code gpt-4} by {@code gpt-4-0613});</li>
 *   <li>whatever the client adds for its server (llama.cpp serves one model: the model its own {@code /v1/models}
 *       lists answers for any name).</li>
 * </ul>
 * An empty or missing model field cannot be checked: it is accepted and logged at debug.
 *
 * <p>Stateless and thread-safe.
 */
final class ModelCheck {

    /** A way a server may name the model asked for differently. */
    enum Rule {
        /** LM Studio's instance ids: {@code key:2} is an instance of {@code key}. */
        INSTANCE_SUFFIX,
        /** LM Studio's ids with or without the publisher: {@code qwen/qwen3-8b} is {@code qwen3-8b}. */
        PUBLISHER_PREFIX,
        /** Ollama's implicit tag: {@code name} is {@code name:latest}. */
        LATEST_TAG,
        /** OpenAI's dated snapshots: {@code gpt-4.1-2025-04-14} answers for {@code gpt-4.1}. */
        DATED_SNAPSHOT
    }

    /** LM Studio's native API: instance ids and publisher prefixes. */
    static final Set<Rule> LM_STUDIO = Collections.unmodifiableSet(EnumSet.of(Rule.INSTANCE_SUFFIX,
            Rule.PUBLISHER_PREFIX));
    /** Ollama's native API: the implicit {@code :latest}. */
    static final Set<Rule> OLLAMA = Collections.unmodifiableSet(EnumSet.of(Rule.LATEST_TAG));
    /** Any OpenAI-compatible server, LM Studio, Ollama and OpenAI itself among them: every rule. */
    static final Set<Rule> OPENAI_COMPATIBLE = Collections.unmodifiableSet(EnumSet.allOf(Rule.class));

    /** Builds the exception of a client for a wrong model. */
    @FunctionalInterface
    interface Failure {
        /**
         * @param message the one-line message naming both models and the URL
         * @param url     the URL that answered
         * @return the exception, of kind {@code WRONG_MODEL}
         */
        BackendException create(String message, String url);

        /** A plain {@link BackendException} of kind {@code WRONG_MODEL}. */
        Failure PLAIN = (message, url) -> new BackendException(BackendException.Kind.WRONG_MODEL, message, url, -1,
                null);
    }

    /** The longest model name quoted in a message. */
    static final int MAX_QUOTED_CHARS = 80;

    private static final Logger LOG = LoggerFactory.getLogger(ModelCheck.class);
    private static final Pattern INSTANCE = Pattern.compile(":\\d+$");
    private static final Pattern SNAPSHOT = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{4})");
    private static final String LATEST = ":latest";

    private ModelCheck() {
    }

    /**
     * Whether {@code answered} names the model {@code asked} names, by {@code rules} (see the class documentation).
     *
     * @param asked    the model the request named
     * @param answered the model the answer named, not empty
     * @param rules    how the server may name it differently
     * @return true for the same model
     */
    static boolean sameModel(String asked, String answered, Set<Rule> rules) {
        String a = asked.strip().toLowerCase(Locale.ROOT);
        String b = answered.strip().toLowerCase(Locale.ROOT);
        if (a.equals(b)) {
            return true;
        }
        if (rules.contains(Rule.INSTANCE_SUFFIX)) {
            String sa = suffix(a);
            String sb = suffix(b);
            if (!sa.isEmpty() && !sb.isEmpty()) {
                // both name an instance, and not the same one
                return false;
            }
            a = a.substring(0, a.length() - sa.length());
            b = b.substring(0, b.length() - sb.length());
        }
        if (rules.contains(Rule.LATEST_TAG)) {
            a = a.endsWith(LATEST) ? a.substring(0, a.length() - LATEST.length()) : a;
            b = b.endsWith(LATEST) ? b.substring(0, b.length() - LATEST.length()) : b;
        }
        if (a.equals(b)) {
            return true;
        }
        if (rules.contains(Rule.PUBLISHER_PREFIX) && (a.indexOf('/') < 0) != (b.indexOf('/') < 0)
                && a.substring(a.lastIndexOf('/') + 1).equals(b.substring(b.lastIndexOf('/') + 1))) {
            return true;
        }
        return rules.contains(Rule.DATED_SNAPSHOT) && b.startsWith(a)
                && SNAPSHOT.matcher(b.substring(a.length())).matches();
    }

    /**
     * The first model an answer named that is not the one asked for, or {@code null} when every named one is (or the
     * answer named none).
     *
     * @param asked     the model the request named
     * @param answered  the distinct model names the answer carried, in order (a stream may carry several)
     * @param rules     how the server may name it differently
     * @param alsoSame  what else the client's server answers for any name (llama.cpp's one model), or
     *                  {@code null}
     * @return the other model, or {@code null}
     */
    static String otherModel(String asked, List<String> answered, Set<Rule> rules, Predicate<String> alsoSame) {
        if (answered.isEmpty()) {
            LOG.debug("the answer for {} names no model; it cannot be checked", asked);
            return null;
        }
        for (String name : answered) {
            if (!sameModel(asked, name, rules) && (alsoSame == null || !alsoSame.test(name))) {
                return name;
            }
        }
        return null;
    }

    /**
     * Fails when the answer came from another model.
     *
     * @param asked    the model the request named
     * @param answered the distinct model names the answer carried, in order
     * @param rules    how the server may name it differently
     * @param alsoSame what else counts as the same model, or {@code null}
     * @param uri      the URL that answered
     * @param hint     what the user can do, for the end of the message
     * @param failure  how the client builds its exception
     * @throws BackendException of kind {@code WRONG_MODEL} naming both models
     */
    static void require(String asked, List<String> answered, Set<Rule> rules, Predicate<String> alsoSame, URI uri,
                        String hint, Failure failure) throws BackendException {
        String other = otherModel(asked, answered, rules, alsoSame);
        if (other != null) {
            throw failure.create(message(asked, other, uri, hint), uri.toString());
        }
    }

    /**
     * {@code asked for 'a' but 'b' answered (url): hint}, one line, the hint kept whole.
     *
     * @param asked    the model the request named
     * @param answered the model that answered
     * @param uri      the URL that answered
     * @param hint     what the user can do
     * @return the message
     */
    static String message(String asked, String answered, URI uri, String hint) {
        return LmStudioException.withHint("asked for '" + quote(asked) + "' but '" + quote(answered)
                + "' answered (" + uri + ")", hint);
    }

    /** A model name for a message: one line, at most {@value #MAX_QUOTED_CHARS} characters. */
    static String quote(String model) {
        return SafeText.oneLine(model, MAX_QUOTED_CHARS);
    }

    /** What LM Studio's native client suggests: LM Studio answers with the model it has loaded. */
    static String lmStudioHint(String asked) {
        return "LM Studio answered with the model it has loaded; load '" + quote(asked)
                + "' or turn on JIT loading";
    }

    /** {@code ":<digits>"} at the end of a name, or {@code ""}. */
    private static String suffix(String name) {
        var m = INSTANCE.matcher(name);
        return m.find() ? m.group() : "";
    }
}
