package dev.lmsbench.cache;

import java.util.List;

/**
 * The database layout: the ordered migrations that build it, and the optional columns checked at every open.
 *
 * <p>To change the schema, append a {@link Migration} with the next version; never edit a released one. A nullable or
 * defaulted column that code can live without may instead go to {@link #OPTIONAL_COLUMNS}, which adds it at open when
 * missing without raising the version (so older lmsbench builds keep opening the file).
 *
 * <p>Version 2 adds {@code hardware_samples}, the raw profiling samples ({@code offset_nanos} from the model's
 * first sample). Version 3 (issue 9) adds the typed errors ({@code request_results.error_type} and
 * {@code http_status}; {@code model_results.error_type} and {@code errors_by_type}, a JSON object
 * {@code {label: count}}), the system throughput ({@code model_results.system_output_toks_per_s},
 * {@code system_requests_per_s}) and the run's server identity, profiling flag and measurement version
 * ({@code runs.server_base_url}, {@code server_kind}, {@code server_version}, {@code server_runtime},
 * {@code profiling}, {@code measurement_version}); rows stored before it read back with error type {@code unknown} for
 * failures, no system figures and measurement version 1. Version 4 (issue 10) adds the prompt cache: the run's mode
 * ({@code runs.prompt_cache}, {@code off} or {@code reuse}; rows stored before it are {@code reuse}, since every
 * request then sent the identical prompt), the cached prompt tokens of each request
 * ({@code request_results.prompt_tokens_cached}, {@code NULL} when the server did not say: every older row) and per
 * model ({@code model_results.prompt_tokens_cached}, the sum over the measured requests that said, {@code NULL} when
 * none did; {@code prompt_cache_unknown}, the measured successful requests that did not say; older rows count all
 * of theirs). Version 5 records where token counts came from ({@code token_count_source}), version 6 the memory
 * a loaded model holds ({@code model_results.load_memory_bytes}, {@code load_vram_bytes}).
 *
 * <p>Version 7 (issue 11) adds, per request, the usage check of a streamed answer
 * ({@code request_results.usage_check}: {@code ''}, {@code agree}, {@code corrected_off_by_one} or {@code mismatch};
 * {@code streamed_chunks}, {@code reported_completion_tokens}, {@code NULL} when not checked), the server's draft
 * figures ({@code draft_model}, {@code draft_total_tokens}, {@code draft_accepted_tokens},
 * {@code draft_rejected_tokens}, {@code draft_ignored_tokens}, {@code NULL} when unknown), its model load time
 * ({@code server_model_load_s}) and every server statistic as JSON ({@code server_stats_json}, a {@code ServerStats}
 * record; {@code NULL} when the server reported none), so a report rewritten from the database keeps them; per model,
 * how it was loaded and the instance ({@code model_results.load_method}, {@code instance_id},
 * {@code instance_parallel}, {@code instance_context_length}), the median draft acceptance
 * ({@code draft_acceptance_p50}) and the counts {@code usage_corrected}, {@code usage_mismatched},
 * {@code duplicate_instances} (the whole {@code LoadDetails}, draft distribution and counts are in
 * {@code summary_json}); per run, the draft model ({@code runs.draft_model}, {@code ''} for none; the parallel
 * slots, GPU offload and TTL live in {@code load_json} with the rest of the load configuration). Rows stored before
 * it read back unchecked, without draft figures or server statistics, with unknown load details and zero counts.
 *
 * <p>Version 8 (issue 12) keeps what a run's report needs beyond its stored models, so {@code lmsbench report RUN_ID}
 * and {@code --export-only} rebuild the run's {@code results.json} byte for byte: how the run ended
 * ({@code runs.finished_at}, {@code runs.status}) and the machine profiling detected ({@code runs.hardware_json}, a
 * {@code HardwareInfo} record), written when the run ends; and {@code run_models}, the report's models in order,
 * each a reference to a stored result ({@code model_result_id}; {@code cached = 1} for a model the run took from an
 * earlier run's result) or, for a model the engine does not store (skipped or cancelled), its summary, requests and
 * hardware samples as JSON. Runs stored before it, and runs that crashed before the end, have none of these: their
 * report is rebuilt from their stored models in order, with the status derived and the latest model's end as the
 * end of the run.
 *
 * <p>Version 9 (issue 14, sweeps) adds the calls made per request ({@code request_results.attempts}, {@code 1}
 * without retries and in every older row) and, per model result, how the job's prompt was sized
 * ({@code model_results.target_prompt_tokens}, {@code 0} when not sized; {@code chars_per_token},
 * {@code calibrated_prompt_tokens}, {@code calibration_calls}, {@code calibration_within_tolerance},
 * {@code calibration_source}, {@code NULL}/{@code 0}/{@code ''} when not sized). The whole {@code PromptCalibration}
 * is in {@code summary_json}, which older rows lack: they read back not sized.
 *
 * <p>Conventions of the tables: times are ISO-8601 UTC text ({@code Instant.toString()}); {@code REAL} figures are
 * {@code NULL} where the model has {@code NaN}; timing offsets are nanoseconds from {@code sent_nanos}, {@code NULL} for
 * events that did not happen; booleans are {@code 0}/{@code 1}.
 */
final class Schema {

    private static final Migration V1 = Migration.sql(1, "create runs, model_results and request_results",
            """
            CREATE TABLE runs (
              run_id            TEXT PRIMARY KEY NOT NULL,
              started_at        TEXT NOT NULL,
              endpoint          TEXT NOT NULL,
              tool_version      TEXT NOT NULL,
              prompt            TEXT NOT NULL,
              max_tokens        INTEGER NOT NULL,
              context_length    INTEGER NOT NULL,
              runs              INTEGER NOT NULL,
              warmup_runs       INTEGER NOT NULL,
              parallel          INTEGER NOT NULL,
              temperature       REAL NOT NULL,
              request_timeout_s REAL NOT NULL,
              non_streaming     INTEGER NOT NULL
            )""",
            """
            CREATE TABLE model_results (
              id                          INTEGER PRIMARY KEY AUTOINCREMENT,
              run_id                      TEXT NOT NULL REFERENCES runs(run_id),
              created_at                  TEXT NOT NULL,
              model                       TEXT NOT NULL,
              type                        TEXT NOT NULL,
              publisher                   TEXT NOT NULL,
              architecture                TEXT NOT NULL,
              quantization                TEXT NOT NULL,
              size_bytes                  INTEGER NOT NULL,
              max_context_length          INTEGER NOT NULL,
              ctx                         INTEGER NOT NULL,
              par                         INTEGER NOT NULL,
              status                      TEXT NOT NULL,
              error                       TEXT NOT NULL,
              request_count               INTEGER NOT NULL,
              success_count               INTEGER NOT NULL,
              error_count                 INTEGER NOT NULL,
              ttft_s_p50                  REAL,
              ttft_s_p90                  REAL,
              decode_toks_per_s_p50       REAL,
              prefill_toks_per_s_p50      REAL,
              completion_toks_per_s_total REAL,
              tokens_estimated            INTEGER NOT NULL,
              load_time_s                 REAL,
              started_at                  TEXT NOT NULL,
              finished_at                 TEXT NOT NULL,
              summary_json                TEXT NOT NULL
            )""",
            "CREATE INDEX model_results_model ON model_results(model)",
            "CREATE INDEX model_results_run ON model_results(run_id)",
            """
            CREATE TABLE request_results (
              id                  INTEGER PRIMARY KEY,
              model_result_id     INTEGER NOT NULL REFERENCES model_results(id) ON DELETE CASCADE,
              model               TEXT NOT NULL,
              ctx                 INTEGER NOT NULL,
              par                 INTEGER NOT NULL,
              idx                 INTEGER NOT NULL,
              warmup              INTEGER NOT NULL,
              run_mode            TEXT NOT NULL,
              started_at          TEXT NOT NULL,
              wall_s              REAL,
              ttft_s              REAL,
              first_content_s     REAL,
              decode_toks_per_s   REAL,
              prompt_tokens       INTEGER NOT NULL,
              completion_tokens   INTEGER NOT NULL,
              reasoning_tokens    INTEGER NOT NULL,
              tokens_estimated    INTEGER NOT NULL,
              finish_reason       TEXT NOT NULL,
              error               TEXT NOT NULL,
              sent_nanos          INTEGER NOT NULL,
              headers_nanos       INTEGER,
              first_byte_nanos    INTEGER,
              first_token_nanos   INTEGER,
              first_content_nanos INTEGER,
              last_token_nanos    INTEGER,
              end_nanos           INTEGER,
              token_nanos         TEXT NOT NULL
            )""",
            "CREATE INDEX request_results_model_result ON request_results(model_result_id)",
            "CREATE INDEX request_results_model ON request_results(model)");

    private static final Migration V2 = Migration.sql(2, "create hardware_samples",
            // the raw samples of --enable-profiling, one row per sample; per-GPU figures as a JSON array of GpuSample
            // (NaN as the string "NaN", -1 for unavailable counts), the machine-wide sums/maxima as columns
            """
            CREATE TABLE hardware_samples (
              id               INTEGER PRIMARY KEY,
              model_result_id  INTEGER NOT NULL REFERENCES model_results(id) ON DELETE CASCADE,
              seq              INTEGER NOT NULL,
              offset_nanos     INTEGER NOT NULL,
              cpu_load_pct     REAL,
              ram_used_bytes   INTEGER,
              swap_used_bytes  INTEGER,
              rss_bytes        INTEGER,
              vram_used_bytes  INTEGER,
              power_w          REAL,
              temp_c           REAL,
              gpus_json        TEXT NOT NULL
            )""",
            "CREATE INDEX hardware_samples_model_result ON hardware_samples(model_result_id)");

    private static final Migration V3 = Migration.sql(3,
            "typed errors, system throughput, the run's server, profiling and measurement version",
            // requests: the error type label ('' on success) beside the message, and the HTTP status (-1 unless
            // http_status); rows stored before error types existed are 'unknown'
            "ALTER TABLE request_results ADD COLUMN error_type TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE request_results ADD COLUMN http_status INTEGER NOT NULL DEFAULT -1",
            "UPDATE request_results SET error_type = 'unknown' WHERE error <> ''",
            // model results: the model-level error type, the failed measured calls per type as a JSON object
            // {label: count}, the system-wide throughput over the measured window (NULL when undefined)
            "ALTER TABLE model_results ADD COLUMN error_type TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE model_results ADD COLUMN errors_by_type TEXT NOT NULL DEFAULT '{}'",
            "ALTER TABLE model_results ADD COLUMN system_output_toks_per_s REAL",
            "ALTER TABLE model_results ADD COLUMN system_requests_per_s REAL",
            "UPDATE model_results SET error_type = 'unknown' WHERE error <> ''",
            """
            UPDATE model_results SET errors_by_type = json_object('unknown', (
                SELECT count(*) FROM request_results q
                WHERE q.model_result_id = model_results.id AND q.warmup = 0 AND q.error <> ''))
            WHERE EXISTS (SELECT 1 FROM request_results q
                WHERE q.model_result_id = model_results.id AND q.warmup = 0 AND q.error <> '')""",
            // the same in the summary's JSON, so old rows read back with what the columns say
            """
            UPDATE model_results SET summary_json = json_set(summary_json,
                '$.errorType', CASE WHEN error <> '' THEN 'UNKNOWN' ELSE 'NONE' END,
                '$.errorsByType', json(replace(errors_by_type, '"unknown"', '"UNKNOWN"')),
                '$.systemOutputTokensPerSecond', 'NaN',
                '$.systemRequestsPerSecond', 'NaN')""",
            // runs: which server answered (old rows know only the endpoint), profiling (old rows: on when a model
            // of the run has side metrics, which only profiling records), the measurement version (old rows: 1)
            "ALTER TABLE runs ADD COLUMN server_base_url TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE runs ADD COLUMN server_kind TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE runs ADD COLUMN server_version TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE runs ADD COLUMN server_runtime TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE runs ADD COLUMN profiling INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE runs ADD COLUMN measurement_version INTEGER NOT NULL DEFAULT 1",
            "UPDATE runs SET server_base_url = endpoint",
            """
            UPDATE runs SET profiling = 1 WHERE run_id IN (
                SELECT run_id FROM model_results WHERE json_array_length(summary_json, '$.sideMetrics') > 0)""");

    private static final Migration V4 = Migration.sql(4, "the prompt cache: the run's mode, cached prompt tokens",
            // older runs sent the identical prompt in every request: the server's cache was reused
            "ALTER TABLE runs ADD COLUMN prompt_cache TEXT NOT NULL DEFAULT 'reuse'",
            // NULL: the server did not say (every request stored before this version)
            "ALTER TABLE request_results ADD COLUMN prompt_tokens_cached INTEGER",
            "ALTER TABLE model_results ADD COLUMN prompt_tokens_cached INTEGER",
            "ALTER TABLE model_results ADD COLUMN prompt_cache_unknown INTEGER NOT NULL DEFAULT 0",
            // every measured successful request of an older result has an unknown cache state
            """
            UPDATE model_results SET prompt_cache_unknown = (
                SELECT count(*) FROM request_results q
                WHERE q.model_result_id = model_results.id AND q.warmup = 0 AND q.error = '')""",
            // the same in the summary's JSON, so old rows read back with what the columns say
            """
            UPDATE model_results SET summary_json = json_set(summary_json,
                '$.tokens.promptCached', 0,
                '$.tokens.promptCacheUnknown', prompt_cache_unknown)""");

    private static final Migration V5 = Migration.sql(5, "where token counts came from",
            // usage, server_tokenizer, tokenizer_json or estimate; older rows knew only whether they were estimated
            "ALTER TABLE request_results ADD COLUMN token_count_source TEXT NOT NULL DEFAULT 'usage'",
            "UPDATE request_results SET token_count_source = 'estimate' WHERE tokens_estimated <> 0",
            "ALTER TABLE model_results ADD COLUMN token_count_source TEXT NOT NULL DEFAULT 'usage'",
            "UPDATE model_results SET token_count_source = 'estimate' WHERE tokens_estimated <> 0",
            // the same in the summary's JSON: TokenTotals has a source instead of the estimated flag
            """
            UPDATE model_results SET summary_json = json_set(json_remove(summary_json, '$.tokens.estimated'),
                '$.tokens.source', CASE WHEN tokens_estimated <> 0 THEN 'ESTIMATE' ELSE 'USAGE' END)""");

    private static final Migration V6 = Migration.sql(6, "the memory a loaded model holds",
            // Ollama's /api/ps size and size_vram right after the load; NULL when the server did not say (every
            // older row; their summary_json has no loadMemory, which reads back as unknown)
            "ALTER TABLE model_results ADD COLUMN load_memory_bytes INTEGER",
            "ALTER TABLE model_results ADD COLUMN load_vram_bytes INTEGER");

    private static final Migration V7 = Migration.sql(7,
            "usage check, draft figures and server statistics per request; load details per model; the draft model",
            // '' and NULL: not checked (non-streamed calls, failures, no usage, every older row)
            "ALTER TABLE request_results ADD COLUMN usage_check TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE request_results ADD COLUMN streamed_chunks INTEGER",
            "ALTER TABLE request_results ADD COLUMN reported_completion_tokens INTEGER",
            // what the server said about speculative decoding; '' and NULL when it said nothing
            "ALTER TABLE request_results ADD COLUMN draft_model TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE request_results ADD COLUMN draft_total_tokens INTEGER",
            "ALTER TABLE request_results ADD COLUMN draft_accepted_tokens INTEGER",
            "ALTER TABLE request_results ADD COLUMN draft_rejected_tokens INTEGER",
            "ALTER TABLE request_results ADD COLUMN draft_ignored_tokens INTEGER",
            "ALTER TABLE request_results ADD COLUMN server_model_load_s REAL",
            // the whole ServerStats record (NaN as "NaN"); NULL when the server reported none, as in every older row
            "ALTER TABLE request_results ADD COLUMN server_stats_json TEXT",
            // how the model was loaded and the instance the server reports; '' and NULL when unknown
            "ALTER TABLE model_results ADD COLUMN load_method TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE model_results ADD COLUMN instance_id TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE model_results ADD COLUMN instance_parallel INTEGER",
            "ALTER TABLE model_results ADD COLUMN instance_context_length INTEGER",
            "ALTER TABLE model_results ADD COLUMN draft_acceptance_p50 REAL",
            "ALTER TABLE model_results ADD COLUMN usage_corrected INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE model_results ADD COLUMN usage_mismatched INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE model_results ADD COLUMN duplicate_instances INTEGER NOT NULL DEFAULT 0",
            // older runs named no draft model
            "ALTER TABLE runs ADD COLUMN draft_model TEXT NOT NULL DEFAULT ''");

    private static final Migration V8 = Migration.sql(8, "the run's outcome and its models in report order",
            // how the run ended and what profiling detected; NULL while it runs, after a crash, and in older rows
            "ALTER TABLE runs ADD COLUMN finished_at TEXT",
            "ALTER TABLE runs ADD COLUMN status TEXT",
            "ALTER TABLE runs ADD COLUMN hardware_json TEXT",
            // the models of the run's report in its order: a stored result (this run's, or the one a cached model
            // was taken from, cached = 1), or a model the engine does not store (skipped, cancelled) with its
            // summary, requests and hardware samples as JSON
            """
            CREATE TABLE run_models (
              run_id          TEXT NOT NULL REFERENCES runs(run_id),
              seq             INTEGER NOT NULL,
              model_result_id INTEGER REFERENCES model_results(id) ON DELETE CASCADE,
              cached          INTEGER NOT NULL DEFAULT 0,
              summary_json    TEXT,
              requests_json   TEXT,
              samples_json    TEXT,
              PRIMARY KEY (run_id, seq)
            )""");

    private static final Migration V9 = Migration.sql(9, "sweeps: calls made per request, prompt calibration per model",
            // calls made for the row (retries); every older row was a single call
            "ALTER TABLE request_results ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1",
            // how the job's prompt was sized (the whole PromptCalibration is in summary_json); 0, NULL and '' when
            // it was not sized, as in every older row
            "ALTER TABLE model_results ADD COLUMN target_prompt_tokens INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE model_results ADD COLUMN chars_per_token REAL",
            "ALTER TABLE model_results ADD COLUMN calibrated_prompt_tokens INTEGER",
            "ALTER TABLE model_results ADD COLUMN calibration_calls INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE model_results ADD COLUMN calibration_within_tolerance INTEGER",
            "ALTER TABLE model_results ADD COLUMN calibration_source TEXT NOT NULL DEFAULT ''");

    /** Every migration, in version order, without gaps. */
    static final List<Migration> MIGRATIONS = List.of(V1, V2, V3, V4, V5, V6, V7, V8, V9);

    /**
     * Columns added at open when missing: databases written before a column existed gain it (as NULL) at start, so
     * old and new rows live side by side without a version bump.
     */
    static final List<OptionalColumn> OPTIONAL_COLUMNS = List.of(
            // the full sampling parameters and load configuration of a run (JSON); NULL in older rows, which
            // then read back as temperature-only sampling and context-only loading
            new OptionalColumn("runs", "sampling_json", "TEXT"),
            new OptionalColumn("runs", "load_json", "TEXT"),
            // hardware profiling figures for queries (issue 5): GB, W and °C, NULL without profiling or when the
            // figure was not measured; every side metric is also in summary_json
            new OptionalColumn("model_results", "vram_peak_gb", "REAL"),
            new OptionalColumn("model_results", "power_mean_w", "REAL"),
            new OptionalColumn("model_results", "temp_peak_c", "REAL"));

    private Schema() {
    }

    /** The schema version this code writes. */
    static int currentVersion() {
        return MIGRATIONS.getLast().version();
    }
}
