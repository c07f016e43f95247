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
 * first sample). Conventions of the tables: times are ISO-8601 UTC text ({@code Instant.toString()}); {@code REAL} figures are
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

    /** Every migration, in version order, without gaps. */
    static final List<Migration> MIGRATIONS = List.of(V1, V2);

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
