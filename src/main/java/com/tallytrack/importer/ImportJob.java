package com.tallytrack.importer;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import com.tallytrack.importer.ImportReport.RowError;
import com.tallytrack.importer.ImportReport.Statistics;

/**
 * One upload running in the background on this node, with its live progress and, once done, its report. What
 * other nodes see of it is what {@link ImportJobs} stores in {@code import_job}; the listener is told of every
 * progress step and of the end.
 */
final class ImportJob {

    private static final Logger log = LoggerFactory.getLogger(ImportJob.class);

    enum State {
        QUEUED, RUNNING, COMPLETED, FAILED, INTERRUPTED;

        boolean finished() {
            return this == COMPLETED || this == FAILED || this == INTERRUPTED;
        }
    }

    /** What {@link ImportJobs} does with a job's steps: store them for the other nodes. */
    interface Listener {
        void progressed(ImportJob job);

        void finished(ImportJob job);
    }

    /** The JSON of the job endpoint and of every progress event. */
    record View(String jobId, State state, String mode, String fileName, long rowsProcessed, Long totalRows,
            Integer percent, Statistics statistics, List<RowError> errors, boolean errorsTruncated,
            ImportReport result, Instant createdAt, Instant finishedAt) {
    }

    private static final long PROGRESS_EVENT_INTERVAL_NANOS = 100_000_000L;

    final String id;
    final String fileName;
    final String mode;
    final Instant createdAt;
    final Locale locale;
    private final Listener listener;
    private volatile State state = State.QUEUED;
    private volatile ImportRun run;
    private volatile ImportReport report;
    private volatile Instant finishedAt;
    private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();
    private long lastEvent;

    ImportJob(String id, String fileName, String mode, Instant createdAt, Locale locale, Listener listener) {
        this.id = id;
        this.fileName = fileName;
        this.mode = mode;
        this.createdAt = createdAt;
        this.locale = locale;
        this.listener = listener;
    }

    State state() {
        return state;
    }

    Instant finishedAt() {
        return finishedAt;
    }

    boolean finished() {
        return state.finished();
    }

    void started(ImportRun run) {
        this.run = run;
        this.state = State.RUNNING;
        progress();
    }

    /** A progress event to every subscriber (at most every 100 ms), and the listener told. */
    void progress() {
        synchronized (this) {
            long now = System.nanoTime();
            if (!emitters.isEmpty() && now - lastEvent >= PROGRESS_EVENT_INTERVAL_NANOS) {
                lastEvent = now;
                View view = view(false);
                emitters.forEach(e -> send(e, "progress", view));
            }
        }
        // outside the lock: the listener writes to the database, and subscribers must not wait for that
        listener.progressed(this);
    }

    void finish(ImportReport report, Instant at) {
        end(report, at, "COMPLETED".equals(report.state()) ? State.COMPLETED : State.FAILED);
    }

    /** The node stops before the job is done: what is saved stays, a re-upload completes the rest. */
    void interrupt(ImportReport report, Instant at) {
        end(report, at, State.INTERRUPTED);
    }

    private void end(ImportReport report, Instant at, State end) {
        synchronized (this) {
            this.report = report;
            this.run = null; // the run's duplicate index can be large; the report is all a finished job needs
            this.finishedAt = at;
            this.state = end;
            View view = view(true);
            for (SseEmitter e : emitters) {
                send(e, "done", view);
                e.complete();
            }
            emitters.clear();
        }
        listener.finished(this);
    }

    /** Subscribes to progress; a finished job answers with its final state at once. */
    synchronized SseEmitter subscribe(long timeoutMillis) {
        SseEmitter emitter = new SseEmitter(timeoutMillis);
        if (finished()) {
            send(emitter, "done", view(true));
            emitter.complete();
            return emitter;
        }
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.onError(t -> emitters.remove(emitter));
        send(emitter, "progress", view(false));
        emitters.add(emitter);
        return emitter;
    }

    private void send(SseEmitter emitter, String name, View view) {
        try {
            emitter.send(SseEmitter.event().name(name).data(view, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            // the client went away: it can poll the job endpoint instead; nothing is wrong on our side
            log.debug("event stream of import job {} closed by the client: {}", id, e.toString());
            emitters.remove(emitter);
        }
    }

    /** The current state; with errors only when asked (progress events stay small). */
    View view(boolean withErrors) {
        ImportReport done = report;
        if (done != null) {
            long rows = done.statistics() == null ? 0 : done.statistics().totalRows();
            return new View(id, state, mode, fileName, rows, rows, state == State.INTERRUPTED ? null : 100,
                    done.statistics(), withErrors ? done.errors() : null, done.errorsTruncated(),
                    withErrors ? done : null, createdAt, finishedAt);
        }
        ImportRun current = run;
        if (current == null) {
            return new View(id, state, mode, fileName, 0, null, 0, null, withErrors ? List.of() : null, false,
                    null, createdAt, null);
        }
        long processed = current.rowsProcessed();
        long expected = current.expectedRows();
        Integer percent = expected <= 0 ? null : (int) Math.min(99, processed * 100 / expected);
        return new View(id, state, mode, fileName, processed, expected < 0 ? null : expected, percent,
                current.statistics(), withErrors ? current.errors() : null, current.errorsTruncated(), null,
                createdAt, null);
    }

    /** The saved row ranges so far (of the running import), for the job's stored record. */
    List<ImportReport.RowRange> savedRanges() {
        ImportRun current = run;
        ImportReport done = report;
        if (done != null) {
            return done.savedRowRanges() == null ? List.of() : done.savedRowRanges();
        }
        return current == null ? List.of() : current.savedRanges();
    }
}
