package com.tallytrack.importer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import com.tallytrack.common.ApiException;
import com.tallytrack.common.Messages;
import com.tallytrack.importer.ImportJobStore.StoredJob;
import com.tallytrack.importer.ImportReport.RowRange;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * Background import jobs as cluster state. Each node runs its own jobs on a bounded pool ({@code job-threads},
 * {@code job-queue}: limits per node) and keeps them in {@code import_job}: the state, the latest progress (at
 * most every 200 ms), the saved row ranges (in each batch's own transaction, see {@link JobBatchTransactions}) and
 * a heartbeat every {@code job-heartbeat}. Every node answers the job endpoint and its event stream: from memory
 * for its own jobs, from the table for the others' (read every {@code job-poll-interval} while someone follows).
 * Every node also looks for jobs whose node has not beaten for {@code job-timeout} (it died, kill -9 included)
 * and marks them {@code INTERRUPTED} with their exact saved row ranges; re-uploading the file completes them
 * (the upsert is idempotent). A node that shuts down interrupts its own running jobs at once. Finished jobs
 * stay readable for {@code job-retention}, at most {@code max-jobs} of them (oldest dropped first).
 */
@Component
class ImportJobs implements DisposableBean, ImportJob.Listener {

    private static final Logger log = LoggerFactory.getLogger(ImportJobs.class);
    private static final long PROGRESS_WRITE_INTERVAL_NANOS = 200_000_000L;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final TypeReference<List<Object>> LIST = new TypeReference<>() {
    };

    private final ImportProperties properties;
    private final ImportJobStore store;
    private final JobBatchTransactions batches;
    private final ObjectMapper json;
    private final Messages messages;
    private final Clock clock;
    private final String node = UUID.randomUUID().toString();
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService timer;
    private final Map<String, ImportJob> running = new ConcurrentHashMap<>();
    private final Map<String, Long> lastProgressWrite = new ConcurrentHashMap<>();
    private final Map<String, Follow> followed = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /** The subscribers, on this node, of a job another node runs, and the last state they were sent. */
    private static final class Follow {
        final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();
        volatile String lastSent;
    }

    /** Thrown from the progress callback of a job when its node shuts down; the job ends INTERRUPTED. */
    static final class NodeStopping extends RuntimeException {
        NodeStopping() {
            super("the node is shutting down", null, false, false);
        }
    }

    ImportJobs(ImportProperties properties, ImportJobStore store, JobBatchTransactions batches, ObjectMapper json,
            Messages messages, Optional<Clock> clock) {
        this.properties = properties;
        this.store = store;
        this.batches = batches;
        this.json = json;
        this.messages = messages;
        this.clock = clock.orElse(Clock.systemUTC());
        BlockingQueue<Runnable> queue = properties.jobQueue() == 0 ? new SynchronousQueue<>()
                : properties.jobQueue() > 10_000 ? new LinkedBlockingQueue<>(properties.jobQueue())
                : new ArrayBlockingQueue<>(properties.jobQueue());
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(properties.jobThreads(), properties.jobThreads(), 60, TimeUnit.SECONDS,
                queue, r -> {
                    Thread t = new Thread(r, "import-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.executor.allowCoreThreadTimeOut(true);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "import-jobs-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long beat = properties.jobHeartbeat().toMillis();
        timer.scheduleWithFixedDelay(() -> guarded(this::beat), beat, beat, TimeUnit.MILLISECONDS);
        long poll = properties.jobPollInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> guarded(this::pollFollowed), poll, poll, TimeUnit.MILLISECONDS);
    }

    /** Registers a job (in the database too) and queues its work; refused with 503 when pool and queue are full. */
    ImportJob submit(String fileName, String mode, Consumer<ImportJob> work, Runnable onRejected) {
        Locale locale = LocaleContextHolder.getLocale();
        ImportJob job = new ImportJob(UUID.randomUUID().toString(), fileName, mode, clock.instant(), locale, this);
        if (stopping) {
            onRejected.run();
            throw new ImportBusyException();
        }
        store.insert(job.id, node, mode, fileName, locale.toLanguageTag(), job.createdAt, write(job.view(false)));
        running.put(job.id, job);
        try {
            executor.execute(() -> work.accept(job));
        } catch (RejectedExecutionException e) {
            running.remove(job.id);
            store.delete(job.id);
            onRejected.run();
            throw new ImportBusyException();
        }
        return job;
    }

    /** The job endpoint's data, from whichever node runs (or ran) the job. */
    Optional<Object> view(String id) {
        ImportJob local = running.get(id);
        if (local != null) {
            return Optional.of(local.view(true));
        }
        return stored(id).map(s -> read(s.viewJson(), MAP));
    }

    /** Server-sent events of a job on any node: progress while it runs, then one {@code done}. */
    Optional<SseEmitter> subscribe(String id, long timeoutMillis) {
        ImportJob local = running.get(id);
        if (local != null) {
            return Optional.of(local.subscribe(timeoutMillis));
        }
        Optional<StoredJob> stored = stored(id);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        SseEmitter emitter = new SseEmitter(timeoutMillis);
        StoredJob s = stored.get();
        if (s.finished()) {
            sendRaw(emitter, "done", s.viewJson());
            emitter.complete();
            return Optional.of(emitter);
        }
        Follow follow = followed.computeIfAbsent(id, k -> new Follow());
        Runnable drop = () -> follow.emitters.remove(emitter);
        emitter.onCompletion(drop);
        emitter.onTimeout(drop);
        emitter.onError(t -> drop.run());
        if (sendRaw(emitter, "progress", s.viewJson())) {
            follow.emitters.add(emitter);
        }
        return Optional.of(emitter);
    }

    /** The local job, while it runs on this node. */
    Optional<ImportJob> find(String id) {
        return Optional.ofNullable(running.get(id));
    }

    Instant now() {
        return clock.instant();
    }

    /** Runs the write of one batch of a job with its saved ranges in the batch's transaction. */
    <T> T writeBatch(ImportJob job, List<RowRange> savedIfCommitted, Supplier<T> write) {
        return batches.write(job.id, write(savedIfCommitted), write);
    }

    // ---- the job's steps (ImportJob.Listener) -------------------------------------------------------------

    @Override
    public void progressed(ImportJob job) {
        if (stopping && !job.finished()) {
            throw new NodeStopping();
        }
        long now = System.nanoTime();
        Long last = lastProgressWrite.get(job.id);
        if (last != null && now - last < PROGRESS_WRITE_INTERVAL_NANOS) {
            return;
        }
        lastProgressWrite.put(job.id, now);
        try {
            store.progress(job.id, job.state().name(), write(job.view(false)), clock.instant());
        } catch (DataAccessException e) {
            // the import itself goes on; the other nodes see the next step (or the heartbeat keeps it alive)
            log.warn("could not store the progress of import job {}: {}", job.id, e.toString());
        }
    }

    @Override
    public void finished(ImportJob job) {
        lastProgressWrite.remove(job.id);
        try {
            if (!store.finish(job.id, job.state().name(), write(job.view(true)), write(job.savedRanges()),
                    clock.instant())) {
                log.warn("import job {} ended {} after another node had marked it interrupted", job.id, job.state());
            }
            running.remove(job.id);
        } catch (DataAccessException e) {
            // kept in memory, so this node still answers with the result
            log.warn("could not store the end of import job {}: {}", job.id, e.toString());
        }
    }

    /** The report of a job stopped by its node's shutdown: what is saved, exactly, and the counts so far. */
    ImportReport interruptedReport(ImportJob job, String format) {
        ImportJob.View sofar = job.view(true);
        return new ImportReport(job.id, "INTERRUPTED", job.mode, job.fileName, format, null, sofar.statistics(),
                List.of(), sofar.errors() == null ? List.of() : sofar.errors(), sofar.errorsTruncated(),
                new ImportReport.Failure("JOB_INTERRUPTED", messages.get(job.locale, "error.JOB_INTERRUPTED"), null,
                        null),
                job.savedRanges(), Duration.between(job.createdAt, clock.instant()).toMillis());
    }

    boolean stopping() {
        return stopping;
    }

    // ---- heartbeat, dead nodes, retention, followers --------------------------------------------------------

    private void beat() {
        Instant now = clock.instant();
        // the heartbeat carries the latest progress too: a throttled progress write is never the last word
        for (ImportJob job : running.values()) {
            if (!job.finished()) {
                store.progress(job.id, job.state().name(), write(job.view(false)), now);
            }
        }
        Instant cutoff = now.minus(properties.jobTimeout());
        for (StoredJob dead : store.stale(cutoff)) {
            if (dead.node().equals(node) && running.containsKey(dead.id())) {
                continue; // ours and alive: the database was slow, not the node
            }
            if (store.interrupt(dead.id(), cutoff, write(interruptedView(dead, now)), now)) {
                log.warn("import job {} ({}) lost its node {} (no heartbeat since {}); marked interrupted",
                        dead.id(), dead.fileName(), dead.node(), dead.heartbeatAt());
            }
        }
        evict();
    }

    /** Drops finished jobs past their retention, then the oldest finished ones beyond {@code max-jobs}. */
    void evict() {
        store.prune(clock.instant().minus(properties.jobRetention()), properties.maxJobs());
    }

    /** The final state of a job whose node died: its last progress, now INTERRUPTED, with the exact saved rows. */
    private Map<String, Object> interruptedView(StoredJob dead, Instant now) {
        Map<String, Object> view = dead.viewJson() == null ? new LinkedHashMap<>() : read(dead.viewJson(), MAP);
        List<Object> ranges = dead.rangesJson() == null ? List.of() : read(dead.rangesJson(), LIST);
        long savedRows = 0;
        for (Object r : ranges) {
            Map<?, ?> range = (Map<?, ?>) r;
            savedRows += ((Number) range.get("to")).longValue() - ((Number) range.get("from")).longValue() + 1;
        }
        Map<String, Object> statistics = view.get("statistics") instanceof Map<?, ?> m
                ? new LinkedHashMap<>(castMap(m)) : new LinkedHashMap<>();
        statistics.put("saved_rows", savedRows);
        Locale locale = dead.locale() == null ? Locale.getDefault() : Locale.forLanguageTag(dead.locale());
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("code", "JOB_INTERRUPTED");
        failure.put("message", messages.get(locale, "error.JOB_INTERRUPTED"));
        failure.put("first_unsaved_row", null);
        failure.put("details", Map.of("node", dead.node(), "last_heartbeat", String.valueOf(dead.heartbeatAt())));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("job_id", dead.id());
        result.put("state", "INTERRUPTED");
        result.put("mode", dead.mode());
        result.put("file_name", dead.fileName());
        result.put("statistics", statistics);
        result.put("errors", view.getOrDefault("errors", List.of()));
        result.put("errors_truncated", view.getOrDefault("errors_truncated", false));
        result.put("failure", failure);
        result.put("saved_row_ranges", ranges);
        result.put("duration_ms", Duration.between(dead.createdAt(), now).toMillis());
        view.put("state", "INTERRUPTED");
        view.put("statistics", statistics);
        view.put("percent", null);
        view.put("errors", result.get("errors"));
        view.put("result", result);
        view.put("finished_at", now.toString());
        return view;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private void pollFollowed() {
        for (Map.Entry<String, Follow> entry : followed.entrySet()) {
            Follow follow = entry.getValue();
            if (follow.emitters.isEmpty()) {
                followed.remove(entry.getKey(), follow);
                continue;
            }
            Optional<StoredJob> stored = stored(entry.getKey());
            if (stored.isEmpty() || stored.get().finished()) {
                for (SseEmitter e : follow.emitters) {
                    stored.ifPresent(s -> sendRaw(e, "done", s.viewJson()));
                    e.complete();
                }
                followed.remove(entry.getKey());
            } else if (!stored.get().viewJson().equals(follow.lastSent)) {
                follow.lastSent = stored.get().viewJson();
                follow.emitters.removeIf(e -> !sendRaw(e, "progress", follow.lastSent));
            }
        }
    }

    private Optional<StoredJob> stored(String id) {
        return id == null || id.length() > 36 ? Optional.empty() : store.find(id);
    }

    private static boolean sendRaw(SseEmitter emitter, String name, String viewJson) {
        try {
            // already JSON: written as it is, the same shape as the running node's events
            emitter.send(SseEmitter.event().name(name).data(viewJson, MediaType.APPLICATION_JSON));
            return true;
        } catch (java.io.IOException | IllegalStateException e) {
            log.debug("event stream closed by the client: {}", e.toString());
            return false;
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JacksonException e) {
            throw new IllegalStateException("could not write an import job as JSON", e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        return json.readValue(text, type);
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // the next round tries again; a database outage must not kill the timer thread
            log.warn("import job upkeep failed: {}", e.toString());
        }
    }

    /**
     * Stops the node's part: no new jobs, running ones end INTERRUPTED at their next step (their saved rows
     * stay; their stored state says so), then the heartbeat ends.
     */
    @Override
    public void destroy() throws InterruptedException {
        stopping = true;
        executor.shutdown();
        if (!executor.awaitTermination(20, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
        timer.shutdownNow();
        for (Follow f : followed.values()) {
            f.emitters.forEach(SseEmitter::complete);
        }
        followed.clear();
        List<ImportJob> left = new ArrayList<>(running.values());
        if (!left.isEmpty()) {
            log.info("{} import job(s) still unfinished at shutdown; other nodes will mark them interrupted",
                    left.size());
        }
    }

    /** 503 with {@code Retry-After}: every import thread is busy and the queue is full. */
    static final class ImportBusyException extends ApiException {

        ImportBusyException() {
            super(HttpStatus.SERVICE_UNAVAILABLE, "IMPORT_BUSY", null);
        }

        @Override
        public Map<String, String> headers() {
            return Map.of("Retry-After", "30");
        }
    }
}
