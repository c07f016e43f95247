package dev.lmsbench.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lmsbench.core.hardware.HardwareAggregates;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.ResultStore;
import dev.lmsbench.core.spi.StoreException;
import dev.lmsbench.core.spi.StoredResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ResultStore} in a SQLite file. Each {@link #save} is one transaction, committed before it returns, so a
 * crash right after keeps the result; the file is in WAL mode with {@code synchronous=NORMAL}, which survives any
 * process crash (a power loss may drop the last commits, never corrupt the file). Other processes may read and write
 * the same file at once; they wait up to the busy timeout for each other.
 *
 * <pre>{@code
 * try (SqliteResultStore store = SqliteResultStore.open(ResultStorePaths.defaultDatabase())) {
 *     store.save(run, summary, requests);
 *     for (StoredResult r : store.list()) { ... }
 * }
 * }</pre>
 *
 * <p>Thread-safe: one connection, used by one thread at a time. Every failure is a {@link StoreException} with a
 * one-line message naming the file.
 *
 * <p>Every string that may have come from a server (model ids and metadata, error messages, finish reasons, the
 * server's identity) is written through {@link dev.lmsbench.core.text.SafeText} (no control characters, no escape
 * sequences, one line), whatever the caller already did.
 */
public final class SqliteResultStore implements ResultStore {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteResultStore.class);

    /** How long to wait for another connection's write lock. */
    static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);

    private static final double NANOS_PER_SECOND = 1e9;

    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection; // null once closed; guarded by lock

    private SqliteResultStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens the database, creating its parent directories and the file when missing and migrating an older schema.
     *
     * @param dbFile the database file
     * @return the open store; close it when done
     * @throws StoreException when the directory or file cannot be created or opened, the file is not a results
     *                        database, or its schema is newer than this code supports
     */
    public static SqliteResultStore open(Path dbFile) throws StoreException {
        return open(dbFile, SchemaMigrator.current());
    }

    static SqliteResultStore open(Path dbFile, SchemaMigrator migrator) throws StoreException {
        Path file = Objects.requireNonNull(dbFile, "dbFile").toAbsolutePath().normalize();
        createParent(file);
        Connection c = null;
        try {
            c = DriverManager.getConnection("jdbc:sqlite:" + file);
            configure(c, file);
            int found = migrator.migrate(c, file);
            LOG.debug("Opened results database {} (schema version {}, found {})", file, migrator.targetVersion(),
                    found);
            return new SqliteResultStore(file, c);
        } catch (SQLException e) {
            closeQuietly(c, file);
            throw new StoreException("cannot open results database " + file + ": " + oneLine(e), e);
        } catch (StoreException | RuntimeException e) {
            closeQuietly(c, file);
            throw e;
        }
    }

    private static void createParent(Path file) throws StoreException {
        Path parent = file.getParent();
        if (parent == null) {
            return;
        }
        try {
            Files.createDirectories(parent);
        } catch (FileAlreadyExistsException e) {
            throw new StoreException("cannot create the directory of results database " + file + ": "
                    + e.getFile() + " exists and is not a directory", e);
        } catch (IOException | SecurityException e) {
            throw new StoreException("cannot create the directory of results database " + file + ": "
                    + oneLine(e), e);
        }
    }

    private static void configure(Connection c, Path file) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT.toMillis());
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : "";
                if (!"wal".equalsIgnoreCase(mode)) {
                    // e.g. a file system without shared memory: still correct, only less concurrent
                    LOG.warn("Results database {} is not in WAL mode (journal mode {})", file, mode);
                }
            }
            st.execute("PRAGMA synchronous = NORMAL");
            st.execute("PRAGMA foreign_keys = ON");
        }
    }

    /**
     * The database file.
     *
     * @return its absolute path
     */
    public Path file() {
        return file;
    }

    /**
     * Saves one model's result and its requests in one transaction, committed before this returns. The run row is
     * inserted or updated.
     *
     * @param run      the run
     * @param summary  the model's summary
     * @param requests the model's requests, warmups included
     * @throws StoreException when it could not be written; nothing was written then
     */
    @Override
    public void save(RunInfo run, ModelSummary summary, List<RequestResult> requests) throws StoreException {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(requests, "requests");
        String what = "cannot save the result of " + summary.model().id() + " to results database " + file;
        lock.lock();
        try {
            Connection c = openConnection();
            long id = Transactions.inTransaction(c, tx -> {
                upsertRun(tx, run);
                boolean anyCacheKnown = requests.stream()
                        .anyMatch(r -> !r.warmup() && r.success() && r.usage().promptCacheKnown());
                long modelResultId = insertModelResult(tx, run.runId(), summary, anyCacheKnown);
                insertRequests(tx, modelResultId, requests);
                insertHardwareSamples(tx, modelResultId, summary.hardwareSamples());
                return modelResultId;
            });
            LOG.debug("Saved model result {} ({}, {} requests) to {}", id, summary.model().id(), requests.size(),
                    file);
        } catch (SQLException e) {
            throw new StoreException(what + ": " + oneLine(e), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lists every stored model result, oldest first, each with its run (settings, server, profiling flag and
     * measurement version).
     *
     * @return the results, each with its run and the id for {@link #listRequests}
     * @throws StoreException when the database cannot be read or a row cannot be decoded
     */
    @Override
    public List<StoredResult> list() throws StoreException {
        return select(null);
    }

    /**
     * Lists the stored model results that ended with one status, oldest first, each with its run: for the result
     * cache, which reuses {@link RunStatus#COMPLETED} results only (failed models are stored too, for their errors).
     *
     * @param status the status, e.g. {@link RunStatus#COMPLETED}
     * @return the results with that status
     * @throws StoreException when the database cannot be read or a row cannot be decoded
     */
    public List<StoredResult> list(RunStatus status) throws StoreException {
        return select(Objects.requireNonNull(status, "status"));
    }

    private List<StoredResult> select(RunStatus status) throws StoreException {
        String sql = """
                SELECT m.id, m.summary_json, r.run_id, r.started_at, r.endpoint, r.tool_version, r.prompt,
                       r.max_tokens, r.context_length, r.runs, r.warmup_runs, r.parallel, r.temperature,
                       r.request_timeout_s, r.non_streaming, r.sampling_json, r.load_json, r.server_base_url,
                       r.server_kind, r.server_version, r.server_runtime, r.profiling, r.measurement_version,
                       r.prompt_cache, r.draft_model
                FROM model_results m JOIN runs r ON r.run_id = m.run_id
                """ + (status == null ? "" : "WHERE m.status = ?\n") + "ORDER BY m.id";
        lock.lock();
        try (PreparedStatement ps = openConnection().prepareStatement(sql)) {
            if (status != null) {
                ps.setString(1, status.label());
            }
            Map<String, RunInfo> runs = new HashMap<>();
            List<StoredResult> results = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong("id");
                    RunInfo run = runs.get(rs.getString("run_id"));
                    if (run == null) {
                        run = readRun(rs);
                        runs.put(run.runId(), run);
                    }
                    results.add(new StoredResult(id, run, readSummary(id, rs.getString("summary_json"))));
                }
            }
            return List.copyOf(results);
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("cannot read results database " + file + ": " + oneLine(e), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The requests saved with one model result, in the order they were saved, with their usage checks and server
     * statistics (draft figures and model load time included); requests stored before schema version 7 read back
     * unchecked and without server statistics, and before version 9 with one attempt each.
     *
     * @param modelResultId a {@link StoredResult#id()}
     * @return the requests, empty when there is no such result
     * @throws StoreException when the database cannot be read or a row cannot be decoded
     */
    public List<RequestResult> listRequests(long modelResultId) throws StoreException {
        String sql = """
                SELECT model, ctx, par, idx, warmup, run_mode, started_at, prompt_tokens, completion_tokens,
                       reasoning_tokens, tokens_estimated, finish_reason, error, sent_nanos, headers_nanos,
                       first_byte_nanos, first_token_nanos, first_content_nanos, last_token_nanos, end_nanos,
                       token_nanos, error_type, http_status, prompt_tokens_cached, token_count_source,
                       usage_check, streamed_chunks, reported_completion_tokens, server_stats_json, attempts
                FROM request_results WHERE model_result_id = ? ORDER BY id""";
        lock.lock();
        try (PreparedStatement ps = openConnection().prepareStatement(sql)) {
            ps.setLong(1, modelResultId);
            List<RequestResult> results = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    results.add(readRequest(rs));
                }
            }
            return List.copyOf(results);
        } catch (SQLException | JsonProcessingException | RuntimeException e) {
            throw new StoreException("cannot read the requests of model result " + modelResultId
                    + " from results database " + file + ": " + oneLine(e), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The raw hardware samples saved with one model result ({@code --enable-profiling}), in time order. Their
     * {@link HardwareSample#nanoTime()} is the offset from the model's first sample, not the original clock value.
     *
     * @param modelResultId a {@link StoredResult#id()}
     * @return the samples, empty without profiling or when there is no such result
     * @throws StoreException when the database cannot be read or a row cannot be decoded
     */
    public List<HardwareSample> listHardwareSamples(long modelResultId) throws StoreException {
        String sql = """
                SELECT offset_nanos, cpu_load_pct, ram_used_bytes, swap_used_bytes, rss_bytes, gpus_json
                FROM hardware_samples WHERE model_result_id = ? ORDER BY seq""";
        lock.lock();
        try (PreparedStatement ps = openConnection().prepareStatement(sql)) {
            ps.setLong(1, modelResultId);
            List<HardwareSample> samples = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    samples.add(new HardwareSample(rs.getLong("offset_nanos"), getReal(rs, "cpu_load_pct"),
                            getCount(rs, "ram_used_bytes"), -1, getCount(rs, "swap_used_bytes"),
                            getCount(rs, "rss_bytes"), Json.readGpus(rs.getString("gpus_json"))));
                }
            }
            return List.copyOf(samples);
        } catch (SQLException | JsonProcessingException | RuntimeException e) {
            throw new StoreException("cannot read the hardware samples of model result " + modelResultId
                    + " from results database " + file + ": " + oneLine(e), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records how a run ended, once its report is final: its status, end time and the machine profiling detected,
     * and the report's models in order, so {@link #report(String)} rebuilds the same report. Each model is a
     * reference to a stored result: this run's (matched by model id, context length and parallelism, in the order
     * saved) or, for a {@link RunStatus#CACHED} model, the stored result it was taken from; a model with no stored
     * result (skipped, cancelled, or one whose save failed) is kept whole, with its requests and hardware samples.
     * One transaction; recording the same run again replaces what was recorded.
     *
     * @param report          the run's final report
     * @param cachedResultIds for each cached model's id, the {@link StoredResult#id()} it was taken from
     * @throws StoreException when it could not be written; nothing was written then
     */
    public void saveRunOutcome(BenchmarkReport report, Map<String, Long> cachedResultIds) throws StoreException {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(cachedResultIds, "cachedResultIds");
        String runId = report.run().runId();
        lock.lock();
        try {
            Connection c = openConnection();
            Transactions.inTransaction(c, tx -> {
                upsertRun(tx, report.run());
                try (PreparedStatement ps = tx.prepareStatement(
                        "UPDATE runs SET finished_at = ?, status = ?, hardware_json = ? WHERE run_id = ?")) {
                    ps.setString(1, report.finishedAt().toString());
                    ps.setString(2, report.status().label());
                    ps.setString(3, report.hardware() == null ? null : encode(report.hardware()));
                    ps.setString(4, runId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = tx.prepareStatement("DELETE FROM run_models WHERE run_id = ?")) {
                    ps.setString(1, runId);
                    ps.executeUpdate();
                }
                List<Long> unused = new ArrayList<>(); // this run's stored results not yet matched, in saved order
                List<String> keys = new ArrayList<>();
                try (PreparedStatement ps = tx.prepareStatement(
                        "SELECT id, model, ctx, par FROM model_results WHERE run_id = ? ORDER BY id")) {
                    ps.setString(1, runId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            unused.add(rs.getLong("id"));
                            keys.add(rs.getString("model") + "\u0000" + rs.getInt("ctx") + "\u0000"
                                    + rs.getInt("par"));
                        }
                    }
                }
                String sql = """
                        INSERT INTO run_models (run_id, seq, model_result_id, cached, summary_json, requests_json,
                                                samples_json)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""";
                try (PreparedStatement ps = tx.prepareStatement(sql)) {
                    int seq = 0;
                    for (ModelSummary m : report.models()) {
                        Long cachedFrom = m.status() == RunStatus.CACHED ? cachedResultIds.get(m.model().id()) : null;
                        int found = cachedFrom != null ? -1 : keys.indexOf(Json.safe(m.model().id()) + "\u0000"
                                + m.contextLength() + "\u0000" + m.parallel());
                        ps.setString(1, runId);
                        ps.setInt(2, seq++);
                        if (cachedFrom != null || found >= 0) {
                            ps.setLong(3, cachedFrom != null ? cachedFrom : unused.get(found));
                            ps.setInt(4, cachedFrom != null ? 1 : 0);
                            ps.setNull(5, Types.VARCHAR);
                            ps.setNull(6, Types.VARCHAR);
                            ps.setNull(7, Types.VARCHAR);
                            if (found >= 0) {
                                unused.remove(found);
                                keys.remove(found);
                            }
                        } else {
                            List<RequestResult> own = report.requests().stream()
                                    .filter(r -> r.model().equals(m.model().id())
                                            && r.contextLength() == m.contextLength() && r.parallel() == m.parallel())
                                    .toList();
                            ps.setNull(3, Types.INTEGER);
                            ps.setInt(4, m.status() == RunStatus.CACHED ? 1 : 0);
                            ps.setString(5, encodeSafe(m));
                            ps.setString(6, encodeSafe(own));
                            ps.setString(7, encode(m.hardwareSamples()));
                        }
                        ps.executeUpdate();
                    }
                }
                return null;
            });
            LOG.debug("Recorded the outcome of run {} ({}, {} models) in {}", runId, report.status().label(),
                    report.models().size(), file);
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("cannot record the end of run " + runId + " in results database " + file + ": "
                    + oneLine(e), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The report of one stored run, as {@link #saveRunOutcome} recorded it: the run, its status, end and machine, its
     * models in order (cached ones as {@link RunStatus#CACHED} with the requests of the result they came from but
     * no samples, as the run reported them), every request of its measured models, every hardware sample (offsets
     * from the model's first sample).
     * A run whose outcome was not recorded (stored before schema version 8, or it crashed) is rebuilt from its stored
     * models in the order saved, with their requests and samples: status {@link RunStatus#FAILED} when every model
     * failed, else {@link RunStatus#COMPLETED}; the latest model's end as its end; no machine details.
     *
     * @param runId the run id
     * @return the report, empty when no run has that id
     * @throws StoreException when the database cannot be read or a row cannot be decoded
     */
    public java.util.Optional<BenchmarkReport> report(String runId) throws StoreException {
        Objects.requireNonNull(runId, "runId");
        lock.lock();
        try {
            Connection c = openConnection();
            RunInfo run;
            String status;
            String finished;
            String hardware;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT run_id, started_at, endpoint, tool_version, prompt, max_tokens, context_length, runs,
                           warmup_runs, parallel, temperature, request_timeout_s, non_streaming, sampling_json,
                           load_json, server_base_url, server_kind, server_version, server_runtime, profiling,
                           measurement_version, prompt_cache, draft_model, finished_at, status, hardware_json
                    FROM runs WHERE run_id = ?""")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return java.util.Optional.empty();
                    }
                    run = readRun(rs);
                    status = rs.getString("status");
                    finished = rs.getString("finished_at");
                    hardware = rs.getString("hardware_json");
                }
            }
            List<ModelSummary> models = new ArrayList<>();
            List<RequestResult> requests = new ArrayList<>();
            boolean recorded = false;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT m.model_result_id, m.cached, m.summary_json, m.requests_json, m.samples_json,
                           r.summary_json AS stored_json
                    FROM run_models m LEFT JOIN model_results r ON r.id = m.model_result_id
                    WHERE m.run_id = ? ORDER BY m.seq""")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        recorded = true;
                        long id = rs.getLong("model_result_id");
                        boolean ref = !rs.wasNull();
                        boolean cached = rs.getInt("cached") != 0;
                        if (ref && rs.getString("stored_json") == null) {
                            throw new SQLException("run " + runId + " names model result " + id + ", which is gone");
                        }
                        if (ref && cached) {
                            // as the cache handed it to the run: the summary and its requests, no samples
                            models.add(readSummary(id, rs.getString("stored_json")).asCached());
                            requests.addAll(listRequests(id));
                        } else if (ref) {
                            models.add(readSummary(id, rs.getString("stored_json"))
                                    .withHardwareSamples(listHardwareSamples(id)));
                            requests.addAll(listRequests(id));
                        } else {
                            models.add(Json.readSummary(rs.getString("summary_json"))
                                    .withHardwareSamples(Json.readSamples(rs.getString("samples_json"))));
                            requests.addAll(Json.readRequests(rs.getString("requests_json")));
                        }
                    }
                }
            }
            if (!recorded) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, summary_json FROM model_results WHERE run_id = ? ORDER BY id")) {
                    ps.setString(1, runId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long id = rs.getLong("id");
                            models.add(readSummary(id, rs.getString("summary_json")));
                        }
                    }
                }
                // the samples and requests of each, read after the result set above is closed
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM model_results WHERE run_id = ? ORDER BY id")) {
                    ps.setString(1, runId);
                    List<Long> ids = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                    for (int i = 0; i < ids.size(); i++) {
                        models.set(i, models.get(i).withHardwareSamples(listHardwareSamples(ids.get(i))));
                        requests.addAll(listRequests(ids.get(i)));
                    }
                }
            }
            RunStatus runStatus = status != null ? label(status)
                    : !models.isEmpty() && models.stream().allMatch(m -> m.status() == RunStatus.FAILED)
                    ? RunStatus.FAILED : RunStatus.COMPLETED;
            Instant end = finished != null ? Instant.parse(finished)
                    : models.stream().map(ModelSummary::finishedAt).max(Instant::compareTo).orElse(run.startedAt());
            return java.util.Optional.of(new BenchmarkReport(run, runStatus, end, models, requests,
                    hardware == null ? null : Json.read(hardware, dev.lmsbench.core.hardware.HardwareInfo.class)));
        } catch (SQLException | JsonProcessingException | RuntimeException e) {
            throw new StoreException("cannot read run " + runId + " from results database " + file + ": "
                    + oneLine(e), e);
        } finally {
            lock.unlock();
        }
    }

    private static RunStatus label(String status) throws SQLException {
        for (RunStatus s : RunStatus.values()) {
            if (s.label().equals(status)) {
                return s;
            }
        }
        throw new SQLException("unknown run status '" + status + "'");
    }

    private static String encode(Object value) throws SQLException {
        try {
            return Json.writeValue(value);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot encode " + value.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String encodeSafe(Object value) throws SQLException {
        try {
            return Json.writeSafeValue(value);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot encode " + value.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Closes the connection; later calls fail with a {@link StoreException}. Idempotent, never throws. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                closeQuietly(connection, file);
                connection = null;
                LOG.debug("Closed results database {}", file);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The schema version recorded in the file. */
    int schemaVersion() throws StoreException {
        lock.lock();
        try {
            return SchemaMigrator.userVersion(openConnection());
        } catch (SQLException e) {
            throw new StoreException("cannot read results database " + file + ": " + oneLine(e), e);
        } finally {
            lock.unlock();
        }
    }

    /** The value of a read-only {@code PRAGMA} on this store's connection, e.g. {@code synchronous}. */
    String pragma(String name) throws StoreException {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a pragma name: " + name);
        }
        lock.lock();
        try (Statement st = openConnection().createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getString(1) : "";
        } catch (SQLException e) {
            throw new StoreException("cannot read results database " + file + ": " + oneLine(e), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SqliteResultStore[" + file + "]";
    }

    private Connection openConnection() throws SQLException {
        if (connection == null) {
            throw new SQLException("the store is closed");
        }
        return connection;
    }

    // --- writing -------------------------------------------------------------------------------------------------

    private static void upsertRun(Connection c, RunInfo run) throws SQLException {
        String sql = """
                INSERT INTO runs (run_id, started_at, endpoint, tool_version, prompt, max_tokens, context_length,
                                  runs, warmup_runs, parallel, temperature, request_timeout_s, non_streaming,
                                  sampling_json, load_json, server_base_url, server_kind, server_version,
                                  server_runtime, profiling, measurement_version, prompt_cache, draft_model)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (run_id) DO UPDATE SET
                  started_at = excluded.started_at, endpoint = excluded.endpoint,
                  tool_version = excluded.tool_version, prompt = excluded.prompt,
                  max_tokens = excluded.max_tokens, context_length = excluded.context_length,
                  runs = excluded.runs, warmup_runs = excluded.warmup_runs, parallel = excluded.parallel,
                  temperature = excluded.temperature, request_timeout_s = excluded.request_timeout_s,
                  non_streaming = excluded.non_streaming, sampling_json = excluded.sampling_json,
                  load_json = excluded.load_json, server_base_url = excluded.server_base_url,
                  server_kind = excluded.server_kind, server_version = excluded.server_version,
                  server_runtime = excluded.server_runtime, profiling = excluded.profiling,
                  measurement_version = excluded.measurement_version, prompt_cache = excluded.prompt_cache,
                  draft_model = excluded.draft_model""";
        BenchmarkSettings s = run.settings();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 0;
            ps.setString(++i, run.runId());
            ps.setString(++i, run.startedAt().toString());
            ps.setString(++i, run.endpoint());
            ps.setString(++i, run.toolVersion());
            ps.setString(++i, s.prompt());
            ps.setInt(++i, s.maxTokens());
            ps.setInt(++i, s.contextLength());
            ps.setInt(++i, s.runs());
            ps.setInt(++i, s.warmupRuns());
            ps.setInt(++i, s.parallel());
            setReal(ps, ++i, s.temperature());
            setReal(ps, ++i, s.requestTimeout().toNanos() / NANOS_PER_SECOND);
            ps.setInt(++i, s.nonStreaming() ? 1 : 0);
            try {
                ps.setString(++i, Json.writeValue(s.sampling()));
                ps.setString(++i, Json.writeValue(s.load()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("cannot encode the run settings: " + e.getOriginalMessage(), e);
            }
            ServerInfo server = run.server();
            ps.setString(++i, Json.safe(server.baseUrl()));
            ps.setString(++i, Json.safe(server.kind()));
            ps.setString(++i, Json.safe(server.version()));
            ps.setString(++i, Json.safe(server.runtime()));
            ps.setInt(++i, run.profiling() ? 1 : 0);
            ps.setInt(++i, run.measurementVersion());
            ps.setString(++i, s.promptCache().label());
            ps.setString(++i, Json.safe(s.draftModel()));
            ps.executeUpdate();
        }
    }

    private static long insertModelResult(Connection c, String runId, ModelSummary s, boolean anyCacheKnown)
            throws SQLException {
        String sql = """
                INSERT INTO model_results (run_id, created_at, model, type, publisher, architecture, quantization,
                    size_bytes, max_context_length, ctx, par, status, error, request_count, success_count,
                    error_count, ttft_s_p50, ttft_s_p90, decode_toks_per_s_p50, prefill_toks_per_s_p50,
                    completion_toks_per_s_total, tokens_estimated, load_time_s, started_at, finished_at,
                    summary_json, vram_peak_gb, power_mean_w, temp_peak_c, error_type, errors_by_type,
                    system_output_toks_per_s, system_requests_per_s, prompt_tokens_cached, prompt_cache_unknown,
                    token_count_source, load_memory_bytes, load_vram_bytes, load_method, instance_id,
                    instance_parallel, instance_context_length, draft_acceptance_p50, usage_corrected,
                    usage_mismatched, duplicate_instances, target_prompt_tokens, chars_per_token,
                    calibrated_prompt_tokens, calibration_calls, calibration_within_tolerance, calibration_source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                        ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
        ModelInfo m = s.model();
        String json;
        String errorsByType;
        try {
            json = Json.writeSafe(s);
            Map<String, Integer> byLabel = new LinkedHashMap<>();
            s.errorsByType().forEach((type, n) -> byLabel.put(type.label(), n));
            errorsByType = Json.writeValue(byLabel);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot encode the summary as JSON: " + e.getOriginalMessage(), e);
        }
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            int i = 0;
            ps.setString(++i, runId);
            ps.setString(++i, Instant.now().toString());
            ps.setString(++i, Json.safe(m.id()));
            ps.setString(++i, Json.safe(m.type()));
            ps.setString(++i, Json.safe(m.publisher()));
            ps.setString(++i, Json.safe(m.architecture()));
            ps.setString(++i, Json.safe(m.quantization()));
            ps.setLong(++i, m.sizeBytes());
            ps.setInt(++i, m.maxContextLength());
            ps.setInt(++i, s.contextLength());
            ps.setInt(++i, s.parallel());
            ps.setString(++i, s.status().label());
            ps.setString(++i, Json.safe(s.error()));
            ps.setInt(++i, s.requestCount());
            ps.setInt(++i, s.successCount());
            ps.setInt(++i, s.errorCount());
            setReal(ps, ++i, s.ttft().p50());
            setReal(ps, ++i, s.ttft().p90());
            setReal(ps, ++i, s.decodeTokensPerSecond().p50());
            setReal(ps, ++i, s.prefillTokensPerSecond().p50());
            setReal(ps, ++i, s.completionTokensPerSecondTotal());
            ps.setInt(++i, s.tokens().estimated() ? 1 : 0);
            setReal(ps, ++i, s.loadSeconds());
            ps.setString(++i, s.startedAt().toString());
            ps.setString(++i, s.finishedAt().toString());
            ps.setString(++i, json);
            setReal(ps, ++i, side(s, "gpu.vram.used", SideMetric.Aggregation.MAX) / 1e9);
            setReal(ps, ++i, side(s, "gpu.power", SideMetric.Aggregation.MEAN));
            setReal(ps, ++i, side(s, "gpu.temp", SideMetric.Aggregation.MAX));
            ps.setString(++i, s.errorType().label());
            ps.setString(++i, errorsByType);
            setReal(ps, ++i, s.systemOutputTokensPerSecond());
            setReal(ps, ++i, s.systemRequestsPerSecond());
            // NULL when no measured request said how many prompt tokens were cached
            setCount(ps, ++i, anyCacheKnown ? s.tokens().promptCached() : -1);
            ps.setInt(++i, s.tokens().promptCacheUnknown());
            ps.setString(++i, s.tokens().source().label());
            setCount(ps, ++i, s.loadMemory().totalBytes());
            setCount(ps, ++i, s.loadMemory().vramBytes());
            dev.lmsbench.core.model.LoadDetails load = s.loadDetails();
            ps.setString(++i, Json.safe(load.method()));
            ps.setString(++i, Json.safe(load.instanceId()));
            setCount(ps, ++i, load.parallel());
            setCount(ps, ++i, load.contextLength());
            setReal(ps, ++i, s.draftAcceptance().p50());
            ps.setInt(++i, s.usageCorrected());
            ps.setInt(++i, s.usageMismatched());
            ps.setInt(++i, load.duplicateInstances().size());
            dev.lmsbench.core.model.PromptCalibration cal = s.calibration();
            ps.setInt(++i, cal.targetTokens());
            setReal(ps, ++i, cal.sized() ? cal.charsPerToken() : Double.NaN);
            setCount(ps, ++i, cal.sized() ? cal.promptTokens() : -1);
            ps.setInt(++i, cal.calls());
            setCount(ps, ++i, cal.sized() ? (cal.withinTolerance() ? 1 : 0) : -1);
            ps.setString(++i, Json.safe(cal.source()));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no id was generated for the model result");
                }
                return keys.getLong(1);
            }
        }
    }

    private static void insertRequests(Connection c, long modelResultId, List<RequestResult> requests)
            throws SQLException {
        if (requests.isEmpty()) {
            return;
        }
        String sql = """
                INSERT INTO request_results (model_result_id, model, ctx, par, idx, warmup, run_mode, started_at,
                    wall_s, ttft_s, first_content_s, decode_toks_per_s, prompt_tokens, completion_tokens,
                    reasoning_tokens, tokens_estimated, finish_reason, error, sent_nanos, headers_nanos,
                    first_byte_nanos, first_token_nanos, first_content_nanos, last_token_nanos, end_nanos,
                    token_nanos, error_type, http_status, prompt_tokens_cached, token_count_source, usage_check,
                    streamed_chunks, reported_completion_tokens, draft_model, draft_total_tokens,
                    draft_accepted_tokens, draft_rejected_tokens, draft_ignored_tokens, server_model_load_s,
                    server_stats_json, attempts)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                        ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (RequestResult r : requests) {
                RequestTimings t = r.timings();
                TokenUsage u = r.usage();
                int i = 0;
                ps.setLong(++i, modelResultId);
                ps.setString(++i, Json.safe(r.model()));
                ps.setInt(++i, r.contextLength());
                ps.setInt(++i, r.parallel());
                ps.setInt(++i, r.index());
                ps.setInt(++i, r.warmup() ? 1 : 0);
                ps.setString(++i, r.mode().label());
                ps.setString(++i, r.startedAt().toString());
                setReal(ps, ++i, r.wallSeconds());
                setReal(ps, ++i, r.ttftSeconds());
                setReal(ps, ++i, r.firstContentSeconds());
                setReal(ps, ++i, r.decodeTokensPerSecond());
                ps.setInt(++i, u.promptTokens());
                ps.setInt(++i, u.completionTokens());
                ps.setInt(++i, u.reasoningTokens());
                ps.setInt(++i, u.estimated() ? 1 : 0);
                ps.setString(++i, Json.safe(r.finishReason()));
                ps.setString(++i, Json.safe(r.error()));
                ps.setLong(++i, t.sentNanos());
                setOffset(ps, ++i, t.headersNanos());
                setOffset(ps, ++i, t.firstByteNanos());
                setOffset(ps, ++i, t.firstTokenNanos());
                setOffset(ps, ++i, t.firstContentNanos());
                setOffset(ps, ++i, t.lastTokenNanos());
                setOffset(ps, ++i, t.endNanos());
                try {
                    ps.setString(++i, Json.write(t.tokenNanos()));
                } catch (JsonProcessingException e) {
                    throw new SQLException("cannot encode token offsets as JSON: " + e.getOriginalMessage(), e);
                }
                ps.setString(++i, r.errorType().label());
                ps.setInt(++i, r.httpStatus());
                setCount(ps, ++i, u.promptCachedTokens());
                ps.setString(++i, u.source().label());
                dev.lmsbench.core.model.UsageCheck check = r.usageCheck();
                ps.setString(++i, check.verdict().label());
                setCount(ps, ++i, check.streamedChunks());
                setCount(ps, ++i, check.reportedCompletionTokens());
                ServerStats stats = r.serverStats();
                dev.lmsbench.core.model.DraftStats draft = stats.draft();
                ps.setString(++i, Json.safe(draft.draftModel()));
                setCount(ps, ++i, draft.totalTokens());
                setCount(ps, ++i, draft.acceptedTokens());
                setCount(ps, ++i, draft.rejectedTokens());
                setCount(ps, ++i, draft.ignoredTokens());
                setReal(ps, ++i, stats.modelLoadSeconds());
                try {
                    ps.setString(++i, stats.equals(ServerStats.NONE) ? null : Json.writeServerStats(stats));
                } catch (JsonProcessingException e) {
                    throw new SQLException("cannot encode server statistics as JSON: " + e.getOriginalMessage(), e);
                }
                ps.setInt(++i, r.attempts());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A side metric's value, or NaN (stored as NULL) when it was not measured. */
    private static double side(ModelSummary s, String name, SideMetric.Aggregation aggregation) {
        return SideMetric.find(s.sideMetrics(), name, aggregation).map(SideMetric::value).orElse(Double.NaN);
    }

    /** {@code NaN} is stored as {@code NULL}. */
    private static void insertHardwareSamples(Connection c, long modelResultId, List<HardwareSample> samples)
            throws SQLException {
        if (samples.isEmpty()) {
            return;
        }
        String sql = """
                INSERT INTO hardware_samples (model_result_id, seq, offset_nanos, cpu_load_pct, ram_used_bytes,
                    swap_used_bytes, rss_bytes, vram_used_bytes, power_w, temp_c, gpus_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
        long first = samples.getFirst().nanoTime();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int seq = 0;
            for (HardwareSample h : samples) {
                int i = 0;
                ps.setLong(++i, modelResultId);
                ps.setInt(++i, seq++);
                ps.setLong(++i, h.nanoTime() - first);
                setReal(ps, ++i, h.cpuLoad());
                setCount(ps, ++i, h.ramUsedBytes());
                setCount(ps, ++i, h.swapUsedBytes());
                setCount(ps, ++i, h.processRssBytes());
                double vram = HardwareAggregates.vramUsed(h);
                setCount(ps, ++i, Double.isNaN(vram) ? -1 : (long) vram);
                setReal(ps, ++i, HardwareAggregates.power(h));
                setReal(ps, ++i, HardwareAggregates.temperature(h));
                try {
                    ps.setString(++i, Json.writeGpus(h.gpus()));
                } catch (JsonProcessingException e) {
                    throw new SQLException("cannot encode a hardware sample: " + e.getOriginalMessage(), e);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A byte count: -1 (unavailable) is stored as {@code NULL}. */
    private static void setCount(PreparedStatement ps, int index, long value) throws SQLException {
        if (value < 0) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, value);
        }
    }

    /** The stored token count source; a label this version does not know reads as the estimate. */
    private static dev.lmsbench.core.model.TokenCountSource source(String label) {
        try {
            return dev.lmsbench.core.model.TokenCountSource.ofLabel(label);
        } catch (IllegalArgumentException e) {
            return dev.lmsbench.core.model.TokenCountSource.ESTIMATE;
        }
    }

    private static long getCount(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? -1 : value;
    }

    private static double getReal(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : value;
    }

    private static void setReal(PreparedStatement ps, int index, double value) throws SQLException {
        if (Double.isNaN(value)) {
            ps.setNull(index, Types.REAL);
        } else {
            ps.setDouble(index, value);
        }
    }

    /** {@link RequestTimings#ABSENT} is stored as {@code NULL}. */
    private static void setOffset(PreparedStatement ps, int index, long offset) throws SQLException {
        if (offset == RequestTimings.ABSENT) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, offset);
        }
    }

    // --- reading -------------------------------------------------------------------------------------------------

    private static RunInfo readRun(ResultSet rs) throws SQLException {
        BenchmarkSettings settings = new BenchmarkSettings(
                rs.getString("prompt"),
                rs.getInt("max_tokens"),
                rs.getInt("context_length"),
                rs.getInt("runs"),
                rs.getInt("warmup_runs"),
                rs.getInt("parallel"),
                rs.getDouble("temperature"),
                Duration.ofNanos(Math.round(rs.getDouble("request_timeout_s") * NANOS_PER_SECOND)),
                rs.getInt("non_streaming") != 0);
        settings = settings.withPromptCache(
                dev.lmsbench.core.model.PromptCache.fromLabel(rs.getString("prompt_cache")))
                .withDraftModel(rs.getString("draft_model"));
        try {
            String sampling = rs.getString("sampling_json");
            String load = rs.getString("load_json");
            if (sampling != null) {
                settings = settings.withSampling(Json.read(sampling, dev.lmsbench.core.model.SamplingParams.class));
            }
            if (load != null) {
                settings = settings.withLoad(Json.read(load, dev.lmsbench.core.model.LoadConfig.class));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("cannot decode the settings of run " + rs.getString("run_id") + ": "
                    + e.getOriginalMessage(), e);
        }
        String endpoint = rs.getString("endpoint");
        String baseUrl = rs.getString("server_base_url");
        ServerInfo server = new ServerInfo(baseUrl == null || baseUrl.isEmpty() ? endpoint : baseUrl,
                rs.getString("server_kind"), rs.getString("server_version"), rs.getString("server_runtime"));
        return new RunInfo(rs.getString("run_id"), Instant.parse(rs.getString("started_at")), endpoint, settings,
                rs.getString("tool_version"), server, rs.getInt("profiling") != 0,
                rs.getInt("measurement_version"));
    }

    private static ModelSummary readSummary(long id, String json) throws SQLException {
        try {
            return Json.readSummary(json);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot decode model result " + id + ": " + e.getOriginalMessage(), e);
        }
    }

    private static RequestResult readRequest(ResultSet rs) throws SQLException, JsonProcessingException {
        RequestTimings timings = new RequestTimings(
                rs.getLong("sent_nanos"),
                getOffset(rs, "headers_nanos"),
                getOffset(rs, "first_byte_nanos"),
                getOffset(rs, "first_token_nanos"),
                getOffset(rs, "first_content_nanos"),
                getOffset(rs, "last_token_nanos"),
                getOffset(rs, "end_nanos"),
                Json.readLongs(rs.getString("token_nanos")));
        long cached = getCount(rs, "prompt_tokens_cached");
        int prompt = rs.getInt("prompt_tokens");
        TokenUsage usage = new TokenUsage(prompt, rs.getInt("completion_tokens"),
                rs.getInt("reasoning_tokens"), source(rs.getString("token_count_source")),
                cached < 0 || cached > prompt ? TokenUsage.UNKNOWN : (int) cached);
        String stats = rs.getString("server_stats_json");
        dev.lmsbench.core.model.UsageCheck check = new dev.lmsbench.core.model.UsageCheck(
                dev.lmsbench.core.model.UsageCheck.Verdict.fromLabel(rs.getString("usage_check")),
                (int) getCount(rs, "streamed_chunks"), (int) getCount(rs, "reported_completion_tokens"));
        return new RequestResult(
                rs.getString("model"),
                rs.getInt("ctx"),
                rs.getInt("par"),
                rs.getInt("idx"),
                rs.getInt("warmup") != 0,
                RunMode.valueOf(rs.getString("run_mode").toUpperCase(Locale.ROOT)),
                Instant.parse(rs.getString("started_at")),
                timings,
                usage,
                rs.getString("finish_reason"),
                rs.getString("error"),
                stats == null ? ServerStats.NONE : Json.read(stats, ServerStats.class),
                ErrorType.fromLabel(rs.getString("error_type")),
                rs.getInt("http_status"),
                check,
                rs.getInt("attempts"));
    }

    private static long getOffset(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? RequestTimings.ABSENT : value;
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static void closeQuietly(Connection c, Path file) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("Could not close results database {}: {}", file, oneLine(e));
        }
    }

    /** The message of {@code e} on one line, never empty. */
    static String oneLine(Throwable e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        }
        return msg.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
