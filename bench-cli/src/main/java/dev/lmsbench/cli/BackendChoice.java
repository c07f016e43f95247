package dev.lmsbench.cli;

import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.LmStudioClient;
import dev.lmsbench.client.LmsCli;
import dev.lmsbench.client.OllamaClient;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.InferenceBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Picks the client for {@code --backend} (config key {@code backend}): detected ({@code auto}) or forced. Every probe
 * is bounded by the client configuration's request timeout, which {@link ServerDiscovery#clientConfig} caps at the
 * discovery timeout.
 *
 * <ul>
 *   <li>{@code auto}: LM Studio's native API when it answers (and {@code lmstudio.use_rest_api} is on), else
 *       Ollama's when the URL names port 11434 or {@code GET /api/version} answers as Ollama does, else the
 *       OpenAI-compatible API. When LM Studio's probe found nothing answering at all (connect failure or timeout),
 *       Ollama's is skipped, so an unreachable server costs no extra timeout.</li>
 *   <li>{@code lmstudio}, {@code ollama}: that native API, or a one-line failure (exit 1) naming what answers
 *       instead.</li>
 *   <li>{@code llamacpp}: the OpenAI-compatible API of llama.cpp's server, checked with its model list
 *       ({@code owned_by: llamacpp}); anything else stops the run with what answers instead.</li>
 *   <li>{@code openai}: the OpenAI-compatible API, without a probe (every server named here speaks
 *       it).</li>
 * </ul>
 */
final class BackendChoice {

    /** Logs under {@link RunCommand}'s name, as the run log always has. */
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    private BackendChoice() {
    }

    /**
     * The client for a server.
     *
     * @param clientConfig where the server is, with the discovery bounds
     * @param backend      {@code auto}, {@code lmstudio}, {@code openai}, {@code llamacpp} or {@code ollama}
     * @param useRestApi   whether {@code auto} may pick LM Studio's native API
     * @return the client; the caller closes it
     * @throws CliException a failure (exit 1) when a forced API does not answer
     */
    static InferenceBackend open(ClientConfig clientConfig, String backend, boolean useRestApi) {
        return open(clientConfig, backend, useRestApi, null, LmStudioClient.ChatApi.V0_COMPLETIONS);
    }

    /**
     * The client for a server; an LM Studio client loads through {@code lms} (when given) the settings LM Studio's
     * REST load cannot set (parallel slots, GPU offload, TTL).
     *
     * @param clientConfig where the server is, with the discovery bounds
     * @param backend      {@code auto}, {@code lmstudio}, {@code openai}, {@code llamacpp} or {@code ollama}
     * @param useRestApi   whether {@code auto} may pick LM Studio's native API
     * @param lms          LM Studio's CLI, or {@code null}
     * @param chatApi      the LM Studio endpoint measured requests go to
     * @return the client; the caller closes it
     * @throws CliException a failure (exit 1) when a forced API does not answer
     */
    static InferenceBackend open(ClientConfig clientConfig, String backend, boolean useRestApi, LmsCli lms,
                                 LmStudioClient.ChatApi chatApi) {
        String kind = backend == null ? "auto" : backend.strip().toLowerCase(Locale.ROOT);
        String url = clientConfig.baseUrl();
        return switch (kind) {
            case "openai" -> {
                LOG.info("--backend openai: using the OpenAI-compatible API at {}", url);
                yield OpenAiClient.create(clientConfig);
            }
            case "llamacpp" -> {
                OpenAiClient client = OpenAiClient.create(clientConfig);
                String said = client.server().kind();
                if (!"llama.cpp".equals(said)) {
                    client.close();
                    throw CliException.failure("--backend llamacpp: " + url + " is not llama.cpp's server ("
                            + (said.isEmpty() ? "its model list does not say owned_by llamacpp"
                            : "it says it is " + Main.oneLine(said)) + "); " + whatAnswers(clientConfig, kind), null);
                }
                LOG.info("--backend llamacpp: llama.cpp's server at {} (OpenAI-compatible API, its timings and "
                        + "cache_prompt)", url);
                yield client;
            }
            case "lmstudio" -> {
                String why = lmStudioFailure(clientConfig);
                if (why != null) {
                    throw CliException.failure("--backend lmstudio: " + url + " does not speak LM Studio's native"
                            + " REST API (" + Main.oneLine(why) + "); " + whatAnswers(clientConfig, kind), null);
                }
                LOG.info("--backend lmstudio: using LM Studio's native REST API at {}", url);
                yield lmStudio(clientConfig, lms, chatApi);
            }
            case "ollama" -> {
                if (!OllamaClient.isOllama(clientConfig)) {
                    throw CliException.failure("--backend ollama: " + url + " does not answer Ollama's"
                            + " GET /api/version; " + whatAnswers(clientConfig, kind), null);
                }
                LOG.info("--backend ollama: using Ollama's native API at {}", url);
                yield OllamaClient.create(clientConfig);
            }
            case "auto" -> auto(clientConfig, useRestApi, lms, chatApi);
            default -> throw CliException.usage("--backend must be one of auto, lmstudio, openai, llamacpp, ollama,"
                    + " got '" + Main.oneLine(backend) + "'");
        };
    }

    private static LmStudioClient lmStudio(ClientConfig clientConfig, LmsCli lms, LmStudioClient.ChatApi chatApi) {
        LmStudioClient.Builder builder = LmStudioClient.builder(clientConfig).chatApi(chatApi);
        if (lms != null) {
            LOG.info("LM Studio's CLI {} loads models whose settings the REST load cannot set", lms.executable());
            builder.lms(lms);
        }
        return builder.build();
    }

    private static InferenceBackend auto(ClientConfig clientConfig, boolean useRestApi, LmsCli lms,
                                         LmStudioClient.ChatApi chatApi) {
        String url = clientConfig.baseUrl();
        boolean answers = true;
        if (useRestApi) {
            BackendException why = lmStudioProbe(clientConfig);
            if (why == null) {
                LOG.info("{} speaks LM Studio's native REST API: using it", url);
                return lmStudio(clientConfig, lms, chatApi);
            }
            LOG.info("no LM Studio native API at {} ({})", url, Main.oneLine(why.getMessage()));
            // nothing answered at all: another probe would only wait as long again before the model list says so
            answers = why.kind() != BackendException.Kind.CONNECTION && why.kind() != BackendException.Kind.TIMEOUT;
        }
        if (OllamaClient.usesDefaultPort(url) || (answers && OllamaClient.isOllama(clientConfig))) {
            LOG.info("{} is Ollama (port {} or GET /api/version): using Ollama's native API", url,
                    OllamaClient.DEFAULT_PORT);
            return OllamaClient.create(clientConfig);
        }
        LOG.info("using the OpenAI-compatible API at {}", url);
        return OpenAiClient.create(clientConfig);
    }

    /** Why LM Studio's native API does not answer, or {@code null} when it does. */
    private static String lmStudioFailure(ClientConfig clientConfig) {
        BackendException why = lmStudioProbe(clientConfig);
        return why == null ? null : why.getMessage();
    }

    /** The failure of LM Studio's native model list, or {@code null} when it answers. */
    private static BackendException lmStudioProbe(ClientConfig clientConfig) {
        try (LmStudioClient probe = LmStudioClient.create(clientConfig)) {
            probe.nativeModels();
            return null;
        } catch (BackendException e) {
            return e;
        }
    }

    /** What answers at the URL instead of the forced API, as the end of a one-line message. */
    private static String whatAnswers(ClientConfig clientConfig, String forced) {
        if (!forced.equals("lmstudio") && lmStudioFailure(clientConfig) == null) {
            return "LM Studio's native REST API answers there: use --backend lmstudio or auto";
        }
        if (!forced.equals("ollama") && OllamaClient.isOllama(clientConfig)) {
            return "Ollama answers there: use --backend ollama or auto";
        }
        try (OpenAiClient probe = OpenAiClient.create(clientConfig)) {
            probe.listModels();
            return "an OpenAI-compatible server answers there: use --backend openai or auto";
        } catch (BackendException e) {
            if (e.kind() == BackendException.Kind.CONNECTION || e.kind() == BackendException.Kind.TIMEOUT) {
                return "nothing answers there (" + Main.oneLine(e.getMessage()) + ")";
            }
            return "a server answers there, but neither with that API nor an OpenAI-compatible model list ("
                    + Main.oneLine(e.getMessage()) + ")";
        }
    }
}
