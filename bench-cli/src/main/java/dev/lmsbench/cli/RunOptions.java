package dev.lmsbench.cli;

import dev.lmsbench.core.hardware.HardwareSampler;
import dev.lmsbench.hardware.HardwareMonitors;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The option groups of {@code lmsbench run}, one class per help section. {@link RunCommand} declares each as an
 * {@code @ArgGroup} field, which sets the section's heading and place; the {@code order} of each option sets its
 * place within the section.
 */
final class RunOptions {

    private RunOptions() {
    }

    static final class Basic {
        @Option(names = "--runs", paramLabel = "N", order = 1,
                description = "Measured runs per model (default 3; config num_runs).")
        Integer runs;

        @Option(names = "--context", paramLabel = "TOKENS", order = 2, description = {
                "Context length models are loaded with (default 4096; config context_length). Applied through "
                        + "LM Studio's native API (Ollama's: num_ctx); plain OpenAI-compatible servers keep their own setting."})
        Integer context;

        @Option(names = "--prompt", paramLabel = "TEXT", order = 3,
                description = "The prompt sent in every request (config prompt).")
        String prompt;

        @Option(names = "--limit", paramLabel = "N", order = 4,
                description = "Benchmark at most N models (0 = all, the default).")
        int limit = 0;

        @Option(names = "--dev-mode", order = 5, description = {
                "Developer smoke test: only the smallest model, 1 run, no warmup, 32 tokens."})
        boolean devMode;

        @Option(names = "--warmup", paramLabel = "N", order = 6,
                description = "Warmup requests per model, excluded from summaries (default 1; config warmup_runs).")
        Integer warmup;

        @Option(names = "--stream-only", order = 7,
                description = "Skip the non-streaming request of each measured run.")
        boolean streamOnly;

        @Option(names = "--prompt-cache", paramLabel = "MODE", order = 8, description = {
                "off (default): start every request with a unique line so the server's prompt cache cannot answer "
                        + "it (llama.cpp also gets cache_prompt false); reuse: send the identical prompt every "
                        + "time, to measure cached TTFT (config prompt_cache)."})
        String promptCache;
    }

    static final class PresetOptions {
        @Option(names = "--list-presets", order = 1, description = "List built-in and user presets and exit.")
        boolean list;

        @Option(names = "--preset", paramLabel = "NAME", order = 2, description = {
                "Apply a preset: its values sit between the config files and explicit flags."})
        String name;

        @Option(names = "--save-preset", paramLabel = "NAME", order = 3, description = {
                "Save the configuration flags given on this command line as user preset NAME and exit."})
        String save;
    }

    static final class Filters {
        @Option(names = "--only-vision", order = 1, description = "Only models with vision.")
        boolean onlyVision;

        @Option(names = "--only-tools", order = 2, description = "Only models trained for tool use.")
        boolean onlyTools;

        @Option(names = "--quants", paramLabel = "LIST", order = 3, split = ",",
                description = "Only these quantizations, by prefix (e.g. q4,q8_0).")
        List<String> quants;

        @Option(names = "--arch", paramLabel = "LIST", order = 4, split = ",",
                description = "Only these architectures (e.g. llama,qwen3).")
        List<String> arch;

        @Option(names = "--params", paramLabel = "LIST", order = 5, split = ",",
                description = "Only these parameter counts (e.g. 7B,8B).")
        List<String> params;

        @Option(names = "--min-context", paramLabel = "TOKENS", order = 6,
                description = "Only models supporting at least this context length.")
        int minContext;

        @Option(names = "--max-size", paramLabel = "GB", order = 7,
                description = "Only models no larger than this many GB (10^9 bytes) on disk.")
        double maxSizeGb;

        @Option(names = "--include-models", paramLabel = "REGEX", order = 8,
                description = "Only models whose id matches (case-insensitive, anywhere in the id).")
        String include;

        @Option(names = "--exclude-models", paramLabel = "REGEX", order = 9,
                description = "Skip models whose id matches.")
        String exclude;

        @Option(names = {"-m", "--model"}, paramLabel = "ID", order = 10, description = {
                "Benchmark this model without asking the server for its list (repeatable)."})
        List<String> models;
    }

    static final class Cache {
        @Option(names = "--retest", order = 1, description = {
                "Benchmark models even when the database already has a result with the same settings."})
        boolean retest;

        @Option(names = "--list-cache", order = 2, description = "Print the stored results as a table and exit.")
        boolean listCache;

        @Option(names = "--export-cache", paramLabel = "FILE", order = 3,
                description = "Write the stored results to FILE as JSON and exit.")
        Path exportCache;

        @Option(names = "--export-only", order = 4, description = {
                "Write reports (--format) from the database's latest result per model, without benchmarking: "
                        + "the original run's reports when they all come from one run, else under the newest run's"
                        + " header (docs/cli.md)."})
        boolean exportOnly;
    }

    static final class Profiling {
        @Option(names = "--enable-profiling", order = 1, description = {
                "Sample GPU/CPU/RAM while each model is loaded and measured; figures go to results.json, "
                        + "summary.csv and the database."})
        boolean enable;

        @Option(names = "--profile-interval-ms", paramLabel = "MS", order = 2,
                description = "Time between hardware samples (default: 250).")
        Integer intervalMs;

        @Option(names = "--max-temp", paramLabel = "CELSIUS", order = 3,
                description = "Pause between runs until the GPU is cooler (implies --enable-profiling).")
        Double maxTemp;

        @Option(names = "--max-power", paramLabel = "WATTS", order = 4,
                description = "Pause between runs until GPU power drops (implies --enable-profiling).")
        Double maxPower;

        @Option(names = "--disable-gtt", order = 5, description = "Exclude AMD GTT memory from VRAM figures.")
        boolean disableGtt;

        @Option(names = "--gpu-backend", paramLabel = "NAME", order = 6, description = {
                "GPU backend to read: auto (default: the first available by priority), none (CPU and RAM only), "
                        + "or one of nvml, nvidia-smi, rocm-smi, rocm-smi-cli, sysfs, intel_gpu_top "
                        + "(lmsbench hw lists them)."})
        String gpuBackend;

        /** The backend for the monitor factory. */
        String backend() {
            return gpuBackend == null ? HardwareMonitors.AUTO : gpuBackend;
        }

        /** Whether a monitor is needed: profiling, or a limit the guard must watch. */
        boolean requested() {
            return enable || maxTemp != null || maxPower != null;
        }

        /** The sampling interval. */
        Duration interval() {
            return intervalMs == null ? HardwareSampler.DEFAULT_INTERVAL : Duration.ofMillis(intervalMs);
        }
    }

    static final class Inference {
        @Option(names = "--temperature", paramLabel = "T", order = 1,
                description = "Sampling temperature, 0-2 (default 0.1; config inference.temperature).")
        Double temperature;

        @Option(names = "--top-k", paramLabel = "K", order = 2, description = "Top-k sampling (server default).")
        Integer topK;

        @Option(names = "--top-p", paramLabel = "P", order = 3, description = "Top-p sampling, 0-1.")
        Double topP;

        @Option(names = "--min-p", paramLabel = "P", order = 4, description = "Min-p sampling, 0-1.")
        Double minP;

        @Option(names = "--repeat-penalty", paramLabel = "X", order = 5, description = "Repeat penalty.")
        Double repeatPenalty;

        @Option(names = "--max-tokens", paramLabel = "N", order = 6,
                description = "max_tokens per request (default 256; config inference.max_tokens).")
        Integer maxTokens;
    }

    static final class Load {
        @Option(names = "--n-gpu-layers", paramLabel = "N", order = 1, description = "GPU layers, -1 = all.")
        Integer nGpuLayers;

        @Option(names = "--n-batch", paramLabel = "N", order = 2, description = "Evaluation batch size.")
        Integer nBatch;

        @Option(names = "--n-threads", paramLabel = "N", order = 3, description = "CPU threads, -1 = automatic.")
        Integer nThreads;

        @Option(names = "--flash-attention", negatable = true, order = 4, description = "Flash attention on/off.")
        Boolean flashAttention;

        @Option(names = "--rope-freq-base", paramLabel = "X", order = 5, description = "RoPE frequency base.")
        Double ropeFreqBase;

        @Option(names = "--rope-freq-scale", paramLabel = "X", order = 6, description = "RoPE frequency scale.")
        Double ropeFreqScale;

        @Option(names = "--use-mmap", negatable = true, order = 7, description = "Memory-map the model file.")
        Boolean useMmap;

        @Option(names = "--use-mlock", negatable = true, order = 8, description = "Lock the model in RAM.")
        Boolean useMlock;

        @Option(names = "--kv-cache-quant", paramLabel = "TYPE", order = 9,
                description = "KV-cache quantization: f32, f16, bf16, q8_0, q5_1, q5_0, q4_1, q4_0, iq4_nl.")
        String kvCacheQuant;

        @Option(names = "--num-experts", paramLabel = "N", order = 10,
                description = "Experts used per token by mixture-of-experts models.")
        Integer numExperts;

        @Option(names = "--offload-kv-cache", negatable = true, order = 11,
                description = "Keep the KV cache in GPU memory (--no-offload-kv-cache: in RAM).")
        Boolean offloadKvCache;

        @Option(names = "--gpu-offload", paramLabel = "RATIO", order = 12, converter = GpuOffload.class,
                description = {"Share of the model on the GPU: max, off, or 0-1 (LM Studio: lms load --gpu; "
                        + "needs lms; config load.gpu_offload)."})
        Double gpuOffload;

        @Option(names = "--ttl", paramLabel = "SECONDS", order = 13, description = {
                "Let LM Studio unload the model after this many idle seconds (lms load --ttl, and the ttl of "
                        + "every chat request; config load.ttl_s)."})
        Integer ttl;
    }

    /** {@code max}, {@code off} or a number from 0 to 1, as {@code lms load --gpu} takes it. */
    static final class GpuOffload implements picocli.CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String v = value.strip().toLowerCase(java.util.Locale.ROOT);
            if (v.equals("max")) {
                return 1.0;
            }
            if (v.equals("off")) {
                return 0.0;
            }
            double ratio;
            try {
                ratio = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not max, off or a number"
                        + " from 0 to 1");
            }
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not between 0 and 1");
            }
            return ratio;
        }
    }

    static final class Server {
        @Option(names = "--use-rest-api", negatable = true, order = 1, description = {
                "Use LM Studio's native REST API (config lmstudio.use_rest_api)."})
        Boolean useRestApi;

        @Option(names = "--api-token", paramLabel = "TOKEN", order = 2,
                description = "Bearer token sent with every request (config lmstudio.api_token).")
        String apiToken;

        @Option(names = "--n-parallel", paramLabel = "N", order = 3, description = {
                "Requests in flight together in each measured run (default 1). Above 1, LM Studio models are "
                        + "loaded with N parallel slots (lms load --parallel N where lms is installed)."})
        int parallel = 1;

        @Option(names = "--unified-kv-cache", order = 4, description = {
                "Refused: neither LM Studio's REST load nor lms load can set its unified KV cache (set it in the "
                        + "app's load settings)."})
        boolean unifiedKvCache;

        @Option(names = "--base-url", paramLabel = "URL", order = 5, description = {
                "Server to benchmark (default http://<lmstudio.host>:<first lmstudio.ports>). A URL with a path "
                        + "is used as given; without one /v1 is tried, then the root."})
        String baseUrl;

        @Option(names = "--request-timeout", paramLabel = "SECONDS", order = 6,
                description = "Longest one request may take, end to end (default 300; config request_timeout_s).")
        Integer requestTimeoutSeconds;

        @Option(names = "--backend", paramLabel = "KIND", order = 7, description = {
                "The server's API (config backend): auto (default: LM Studio's native API when it answers, else "
                        + "Ollama's when GET /api/version answers or the port is 11434, else OpenAI-compatible), "
                        + "lmstudio, ollama, openai or llamacpp (both OpenAI-compatible)."})
        String backend;

        @Option(names = "--lmstudio-chat", paramLabel = "API", order = 10, description = {
                "LM Studio endpoint of measured requests: v0 (default) /api/v0/chat/completions; v1 /api/v1/chat, "
                        + "whose stats come on streamed answers too, with the prompt-processing time (config "
                        + "lmstudio.chat_api)."})
        String lmstudioChat;

        @Option(names = "--draft-model", paramLabel = "ID", order = 9, description = {
                "Speculative decoding: every request names this draft model (LM Studio's draft_model); reports "
                        + "show the draft acceptance rate beside tok/s (config draft_model)."})
        String draftModel;

        @Option(names = "--tokenizer", paramLabel = "FILE", order = 8, description = {
                "A Hugging Face tokenizer.json that counts tokens when the server sends no usage and has no "
                        + "POST /tokenize (config tokenizer_file); without it such counts are estimated."})
        String tokenizer;
    }

    static final class Comparison {
        @Option(names = "--compare-with", paramLabel = "PATH_OR_RUN_ID", order = 1, description = {
                "After the run, compare it per model with an earlier one: a results.json (or its directory) or a"
                        + " run id in the results database (see lmsbench compare, docs/reports.md)."})
        String compareWith;

        @Option(names = "--rank-by", paramLabel = "METRIC", order = 2, description = {
                "Order the summary table (and the comparison) best first by decode, ttft, total, prefill, load or"
                        + " vram (profiling); default: the run's order."})
        String rankBy;
    }

    static final class Output {
        @Option(names = "--output-dir", paramLabel = "DIR", order = 1,
                description = "Where reports and the run log go (default: results/<timestamp>).")
        Path outputDir;

        @Option(names = "--db", paramLabel = "FILE", order = 2, description = {
                "SQLite results database (default: $XDG_DATA_HOME/lm-studio-bench/results/benchmark_cache.db, "
                        + "i.e. ~/.local/share/... when XDG_DATA_HOME is unset)."})
        Path db;

        @Option(names = "--format", paramLabel = "LIST", order = 3, split = ",", description = {
                "Report formats to write, comma-separated (default json,csv,html; valid: json, csv, md, png, pdf, html). "
                        + "--export-only writes the same ones."})
        List<String> formats;

        @Option(names = "--paper", paramLabel = "SIZE", order = 4, description = {
                "Paper of the PDF report: A4 (default) or LETTER (US Letter), case-insensitive."})
        dev.lmsbench.report.PdfReportWriter.Paper paper;

        @Option(names = "--save-responses", order = 5, description = {
                "Write every generated answer (and its reasoning) to responses/<model>/ in the output directory, "
                        + "one file per request, as each request completes."})
        boolean saveResponses;
    }

    static final class Sim extends SimCommand.SimOptions {
        @Option(names = "--sim", order = 0, description = {
                "Benchmark the built-in simulator, started on a free loopback port (no GPU or LM Studio needed)."})
        boolean enabled;
    }
}
