package com.tallytrack.sync.tail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.tallytrack.carrier.CarrierCache;
import com.tallytrack.sync.ManifestChange;
import com.tallytrack.sync.SyncProperties;
import com.tallytrack.sync.SyncTailerProperties;
import com.tallytrack.sync.cache.ManifestCache;
import com.tallytrack.sync.listen.ListenerRegistry;
import com.tallytrack.sync.log.ChangeLog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Applies the change log to this node: each step reads the entries committed since the previous step (by snapshot
 * visibility on PostgreSQL, by sequence on H2, see {@link ChangeLog}), invalidates the manifest cache and the
 * carrier-result cache in bulk per batch, and hands the batch's manifest changes to the listeners.
 *
 * <p>Runs on its own thread — woken by a wake-up channel or every poll interval — and synchronously in a writer's
 * thread right after its commit, so the writer's call returns only after this node applied its change.
 *
 * <p>Lifecycle: one tailer thread per node. Each {@link #start} opens a new generation; a thread of an older
 * generation (one that {@link #stop} had to abandon, stuck in I/O) checks its generation under the apply lock
 * before every batch and leaves without applying. A failure of any kind — an {@code Error} too — fails the step,
 * health says {@code error} meanwhile, and the thread retries with backoff.
 */
public final class ChangeLogTailer {

    private static final Logger log = LoggerFactory.getLogger(ChangeLogTailer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ChangeLog changeLog;
    private final ManifestCache manifestCache;
    private final CarrierCache carrierCache;
    private final ListenerRegistry listeners;
    private final SyncProperties properties;
    private final SyncTailerProperties bounds;
    private final Clock clock;
    private final String nodeId;
    private final MeterRegistry meters;
    private final Timer propagation;

    private final ReentrantLock applyLock = new ReentrantLock();
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicInteger generation = new AtomicInteger();
    private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();
    private final LongAdder applied = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder fullResyncs = new LongAdder();
    private final LongAdder abandonedThreads = new LongAdder();

    /** Guarded by applyLock for writes; null until the first start positioned this node. */
    private volatile ChangeLog.Position position;
    private volatile long appliedSeq = -1;
    private volatile long latestSeenSeq = -1;
    private volatile Instant lastAppliedAt;
    private volatile Instant lastHeartbeat = Instant.EPOCH;
    private volatile Instant lastPrune;
    private volatile Instant lastSuccess;
    private volatile String lastError;
    private volatile boolean lastFailureFatal;
    private volatile int consecutiveFailures;
    private volatile Instant startedAt;
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile boolean readinessRefused;
    private volatile Thread thread;
    private volatile long heldXid = -1;
    private volatile Instant heldSince;
    private volatile Instant lastFullResyncAt;
    private volatile String lastFullResyncReason;
    private volatile Consumer<Boolean> readiness = ready -> {
    };

    ChangeLogTailer(ChangeLog changeLog, ManifestCache manifestCache, CarrierCache carrierCache,
            ListenerRegistry listeners, SyncProperties properties, Clock clock, String nodeId, MeterRegistry meters) {
        this(changeLog, manifestCache, carrierCache, listeners, properties, SyncTailerProperties.defaults(), clock,
                nodeId, meters);
    }

    public ChangeLogTailer(ChangeLog changeLog, ManifestCache manifestCache, CarrierCache carrierCache,
            ListenerRegistry listeners, SyncProperties properties, SyncTailerProperties bounds, Clock clock,
            String nodeId, MeterRegistry meters) {
        this.changeLog = changeLog;
        this.manifestCache = manifestCache;
        this.carrierCache = carrierCache;
        this.listeners = listeners;
        this.properties = properties;
        this.bounds = bounds;
        this.clock = clock;
        this.nodeId = nodeId;
        this.meters = meters;
        this.propagation = Timer.builder("tallytrack.sync.propagation.delay")
                .description("commit of a manifest change (as recorded by the database) to applied on this node")
                .publishPercentiles(0.5, 0.99).register(meters);
        FunctionCounter.builder("tallytrack.sync.full.resyncs", fullResyncs, LongAdder::sum)
                .description("full resynchronisations of this node (it fell behind the pruned change log)")
                .register(meters);
    }

    /** Called with false when a resume catch-up failed, with true once a catch-up succeeded afterwards. */
    void onReadinessChange(Consumer<Boolean> hook) {
        this.readiness = hook;
    }

    /**
     * First start: positions this node at the head of the log. Its caches are empty, so nothing before that can be
     * stale here: the history is skipped, not replayed. Runs before the node serves queries; a failure fails start.
     *
     * <p>Restart (the context was stopped and started again — {@code Lifecycle} stop/start, or the test framework
     * pausing a cached context): the caches kept what they held, so the history since the stop is applied before
     * this returns (or, if it was pruned meanwhile, everything is invalidated). If that catch-up fails, the caches
     * are emptied (reads go to the database), readiness is refused and health says {@code error} until the tailer
     * thread's retry succeeds.
     */
    void start() {
        start(null);
    }

    /** Starts at {@code from} (tests of a lagging node), or as {@link #start()} when null. */
    void start(ChangeLog.Position from) {
        int gen = generation.incrementAndGet();
        boolean resume = from == null && position != null;
        startedAt = clock.instant();
        lastPrune = clock.instant();
        if (!resume) {
            applyLock.lock();
            try {
                changeLog.registerLocalNode(nodeId);
                position = from == null ? changeLog.head() : from;
                appliedSeq = Math.max(appliedSeq, from == null ? changeLog.latestSeq() : from.checkpoint());
                latestSeenSeq = Math.max(latestSeenSeq, appliedSeq);
                heartbeat();
                caughtUp = true;
                lastSuccess = clock.instant();
            } finally {
                applyLock.unlock();
            }
        } else {
            caughtUp = false;
            lastHeartbeat = Instant.EPOCH; // the catch-up checks the pruned horizon, then records the heartbeat
            try {
                resumeCatchUp();
            } catch (RuntimeException | Error e) {
                // Not swallowed: whatever this node cached may be stale now and nothing says how stale. Empty the
                // caches (reads go to the database), refuse readiness; the tailer thread retries with backoff.
                log.warn("sync on node {} could not catch up on restart; caches emptied, not ready until the "
                        + "tailer catches up", nodeId, e);
                manifestCache.invalidateAll();
                invalidateCarrierAll();
                readinessRefused = true;
                readiness.accept(false);
            }
        }
        running = true;
        Thread t = new Thread(() -> loop(gen), "sync-tailer-" + gen);
        t.setDaemon(true);
        thread = t;
        t.start();
        log.info("sync started on node {} at {} (generation {})", nodeId, position, gen);
    }

    private void resumeCatchUp() {
        changeLog.withConnection(() -> {
            try {
                // an abandoned thread of the previous generation may still hold the lock, stuck in I/O that its
                // timeouts bound: wait that long at most, then leave the catch-up to the new thread
                long wait = bounds.socketTimeout().plus(bounds.statementTimeout()).toMillis();
                if (!applyLock.tryLock(wait, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("the apply lock is still held by an abandoned tailer");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while resuming sync", e);
            }
            try {
                return step(true, generation.get());
            } finally {
                applyLock.unlock();
            }
        });
    }

    void stop() {
        running = false;
        generation.incrementAndGet(); // whatever thread still runs is abandoned: it cannot apply any more
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(bounds.stopTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                abandonedThreads.increment();
                log.warn("sync tailer thread {} did not stop within {}; abandoned (it applies nothing more)",
                        t.getName(), bounds.stopTimeout());
            }
        }
        try {
            changeLog.removeNode(nodeId);
        } catch (RuntimeException e) {
            log.debug("could not remove node {} from sync_node", nodeId, e);
        }
    }

    /** Wakes the tailer thread (a wake-up channel saw a commit). */
    void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    private void loop(int gen) {
        boolean retry = false;
        long lastCycle = System.nanoTime();
        while (current(gen)) {
            if (!retry) {
                try {
                    // poll at a fixed rate: the time a catch-up takes does not stretch the interval
                    long wait = properties.pollInterval().toNanos() - (System.nanoTime() - lastCycle);
                    wakeups.tryAcquire(Math.max(0, wait), TimeUnit.NANOSECONDS);
                    wakeups.drainPermits();
                } catch (InterruptedException e) {
                    if (!current(gen)) {
                        return;
                    }
                    Thread.interrupted();
                }
            }
            retry = false;
            if (!current(gen)) {
                return;
            }
            lastCycle = System.nanoTime();
            try {
                changeLog.withConnection(() -> catchUp(true, gen));
                pruneIfDue();
            } catch (RuntimeException | Error e) {
                // catchUp already counted and logged it (an Error too: the thread must not die of it). Back off so
                // a database outage is not hammered (a wake-up, e.g. the LISTEN connection coming back, ends the
                // pause early), then retry without waiting.
                if (!current(gen)) {
                    return;
                }
                sleep(backoff());
                retry = true;
            }
        }
    }

    private boolean current(int gen) {
        return running && generation.get() == gen;
    }

    /**
     * Applies everything committed so far (admin actions, tests); returns the number of entries applied.
     * The connection is taken before the apply lock (see {@link ChangeLog#withConnection}).
     */
    public int catchUp() {
        return changeLog.withConnection(() -> catchUp(true, -1));
    }

    /**
     * Applies everything committed so far. A writer's thread calls it right after its commit with
     * {@code maintenance = false}: it may still hold the finished transaction's connection, so it only reads;
     * the heartbeat (a write) is left to the tailer thread.
     */
    int catchUp(boolean maintenance) {
        return changeLog.bounded(() -> catchUp(maintenance, -1));
    }

    /**
     * Like {@code catchUp(false)}, for a caller that must not be held up by a long catch-up of this node (a push
     * callback answers within a second): gives up, returning false, when the apply lock is not free within
     * {@code wait}. The connection is taken before the lock, as everywhere (no pool starvation).
     */
    boolean tryCatchUp(java.time.Duration wait) {
        return changeLog.bounded(() -> {
            try {
                if (!applyLock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                step(false, generation.get());
                return true;
            } finally {
                applyLock.unlock();
            }
        });
    }

    /** {@code gen}: the tailer thread's generation (it stops applying once abandoned), or -1 for other callers. */
    private int catchUp(boolean maintenance, int gen) {
        applyLock.lock();
        try {
            return step(maintenance, gen < 0 ? generation.get() : gen);
        } finally {
            applyLock.unlock();
        }
    }

    /** One step, under the apply lock: from this node's position to the current snapshot. */
    private int step(boolean maintenance, int gen) {
        if (position == null) {
            return 0; // not started yet: caches are empty and start() positions us
        }
        try {
            ChangeLog.Position from = position;
            String target = changeLog.stepTarget();
            ChangeLog.Entry last = null;
            int total = 0;
            while (true) {
                List<ChangeLog.Entry> batch = changeLog.read(from, target, last, properties.batchSize());
                if (generation.get() != gen) {
                    return total; // abandoned while reading: a newer tailer owns this node's position now
                }
                if (!batch.isEmpty()) {
                    apply(batch);
                    last = batch.get(batch.size() - 1);
                    total += batch.size();
                    if (generation.get() != gen) {
                        // abandoned while applying (stuck in I/O): invalidation is idempotent, so what it did is
                        // harmless, but the position and the state belong to the newer tailer now
                        return total;
                    }
                }
                // Re-checked after every read: a prune that ran before or during this read may have deleted
                // entries of this step that the read therefore never saw.
                if (changeLog.prunedPast(from)) {
                    fullResync("the change log was pruned past this node's position " + from.checkpoint());
                    if (maintenance) {
                        heartbeat();
                    }
                    break;
                }
                if (maintenance && heartbeatDue()) {
                    heartbeat(); // per batch: a long catch-up must not make this node look dead to a pruner
                }
                if (batch.size() < properties.batchSize()) {
                    position = changeLog.advance(from, target, last);
                    break;
                }
            }
            trackHorizon(position);
            if (maintenance && heartbeatDue()) {
                heartbeat();
            }
            latestSeenSeq = Math.max(latestSeenSeq, appliedSeq);
            consecutiveFailures = 0;
            lastFailureFatal = false;
            lastSuccess = clock.instant();
            lastError = null;
            if (!caughtUp) {
                caughtUp = true;
                if (readinessRefused) {
                    readinessRefused = false;
                    log.info("sync on node {} caught up at {}; ready again", nodeId, position);
                    readiness.accept(true);
                }
            }
            return total;
        } catch (RuntimeException | Error e) {
            failures.increment();
            consecutiveFailures++;
            lastFailureFatal = e instanceof Error;
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (consecutiveFailures == 1 || consecutiveFailures % 30 == 0) {
                log.warn("sync could not apply the change log ({} failures in a row); retrying", consecutiveFailures,
                        e);
            }
            throw e;
        }
    }

    private boolean heartbeatDue() {
        return Duration.between(lastHeartbeat, clock.instant()).compareTo(properties.heartbeatInterval()) >= 0;
    }

    /**
     * Entries this node had not applied were pruned: it cannot know what changed, so it invalidates everything. The
     * new position is taken first, so whatever commits after it is still read by the next step.
     */
    private void fullResync(String why) {
        ChangeLog.Position head = changeLog.head();
        long latest = changeLog.latestSeq();
        log.warn("sync on node {}: {}; resynchronising fully (all caches invalidated, listeners told invalidate_all)",
                nodeId, why);
        fullResyncs.increment();
        lastFullResyncAt = clock.instant();
        lastFullResyncReason = why;
        manifestCache.invalidateAll();
        invalidateCarrierAll();
        listeners.publish(List.of(new ManifestChange(latest, ManifestChange.INVALIDATE_ALL, null, null, null,
                null, null, nodeId, clock.instant())));
        position = head;
        appliedSeq = Math.max(appliedSeq, latest);
    }

    /** Remembers since when the same running transaction holds this node's horizon (PostgreSQL). */
    private void trackHorizon(ChangeLog.Position p) {
        if (p.snapshot() == null) {
            return;
        }
        String[] parts = p.snapshot().split(":", 3);
        long xmin = Long.parseLong(parts[0]);
        if (xmin < Long.parseLong(parts[1])) {
            if (heldXid != xmin) {
                heldXid = xmin;
                heldSince = clock.instant();
            }
        } else {
            heldXid = -1;
            heldSince = null;
        }
    }

    private void heartbeat() {
        Instant now = clock.instant();
        changeLog.heartbeat(nodeId, appliedSeq, position, startedAt, now);
        lastHeartbeat = now;
    }

    private void apply(List<ChangeLog.Entry> entries) {
        boolean all = false;
        Set<String> manifestKeys = new LinkedHashSet<>();
        Set<String> carrierKeys = new LinkedHashSet<>();
        List<ManifestChange> manifestChanges = new ArrayList<>(entries.size());
        long maxSeq = appliedSeq;
        for (ChangeLog.Entry e : entries) {
            ManifestChange c = e.change();
            maxSeq = Math.max(maxSeq, c.sequence());
            if (c.carrierResult()) {
                addIfPresent(carrierKeys, c.trackingNumber()); // a stored carrier result: not a manifest change
                continue;
            }
            manifestChanges.add(c);
            if (c.invalidatesAll()) {
                all = true;
                continue;
            }
            addIfPresent(manifestKeys, c.trackingNumber());
            addIfPresent(manifestKeys, c.previousTrackingNumber());
            addIfPresent(carrierKeys, c.trackingNumber());
            addIfPresent(carrierKeys, c.previousTrackingNumber());
            addIfPresent(carrierKeys, c.packageNumber());
            addIfPresent(carrierKeys, c.previousPackageNumber());
        }
        // One bulk invalidation per batch: an import batch of thousands of rows costs one call per cache.
        if (all) {
            manifestCache.invalidateAll();
            invalidateCarrierAll();
        } else {
            manifestCache.invalidate(manifestKeys);
            if (!carrierKeys.isEmpty()) {
                try {
                    carrierCache.invalidate(carrierKeys);
                } catch (RuntimeException e) {
                    log.warn("could not invalidate {} numbers in the carrier-result cache", carrierKeys.size(), e);
                }
            }
        }
        Instant now = clock.instant();
        // counted per operation and batch: a registry lookup per entry (tags, meter id, map) cost more than the entry
        Map<String, Integer> perOperation = new HashMap<>(4);
        for (ChangeLog.Entry e : entries) {
            ManifestChange c = e.change();
            perOperation.merge(c.operation(), 1, Integer::sum);
            if (c.changedAt() != null && c.changedAt().isBefore(now)) {
                propagation.record(Duration.between(c.changedAt(), now));
            } else {
                propagation.record(Duration.ZERO);
            }
        }
        perOperation.forEach((operation, count) -> {
            operations.computeIfAbsent(operation, op -> new LongAdder()).add(count);
            Counter.builder("tallytrack.sync.operations").tag("operation", operation)
                    .description("change-log entries applied on this node").register(meters).increment(count);
        });
        applied.add(entries.size());
        appliedSeq = maxSeq;
        lastAppliedAt = now;
        if (!manifestChanges.isEmpty()) {
            listeners.publish(manifestChanges);
        }
    }

    private void invalidateCarrierAll() {
        try {
            carrierCache.invalidateAll();
        } catch (RuntimeException e) {
            log.warn("could not clear the carrier-result cache", e);
        }
    }

    private void pruneIfDue() {
        Instant now = clock.instant();
        if (lastPrune != null && Duration.between(lastPrune, now).compareTo(properties.pruneInterval()) < 0) {
            return;
        }
        lastPrune = now;
        prune(now);
    }

    int prune(Instant now) {
        int deleted = changeLog.prune(now.minus(properties.retention()), properties.retentionMaxEntries(),
                now.minus(properties.nodeTimeout()), now.minus(properties.nodeTimeout().multipliedBy(10)));
        if (deleted > 0) {
            log.info("sync pruned {} change-log entries", deleted);
        }
        return deleted;
    }

    /** 100 ms after the first failure, doubling up to 30 s: quick recovery from a blip, no hammering in an outage. */
    private Duration backoff() {
        long factor = 1L << Math.min(Math.max(consecutiveFailures - 1, 0), 9);
        Duration d = Duration.ofMillis(100).multipliedBy(factor);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private void sleep(Duration d) {
        try {
            wakeups.tryAcquire(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.interrupted();
        }
    }

    private static void addIfPresent(Set<String> set, String value) {
        if (value != null && !value.isEmpty()) {
            set.add(value);
        }
    }

    /**
     * True while the thread runs, the last step did not fail with an {@code Error}, fewer than three steps failed
     * in a row, and (after a restart) the resume catch-up has succeeded.
     */
    public boolean tailing() {
        Thread t = thread;
        return running && t != null && t.isAlive() && consecutiveFailures < 3 && !lastFailureFatal && caughtUp;
    }

    /** False from a failed resume catch-up until a later catch-up succeeded. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** This node's position (null before the first start). */
    public ChangeLog.Position position() {
        return position;
    }

    /** The durable checkpoint: a transaction id on PostgreSQL, the applied sequence on H2; -1 before start. */
    public long checkpoint() {
        ChangeLog.Position p = position;
        return p == null ? -1 : p.checkpoint();
    }

    /** The running transaction holding this node's horizon back and since when this node sees it, or null. */
    public Instant horizonHeldSince() {
        return heldXid < 0 ? null : heldSince;
    }

    public Instant lastFullResyncAt() {
        return lastFullResyncAt;
    }

    public String lastFullResyncReason() {
        return lastFullResyncReason;
    }

    public long abandonedThreads() {
        return abandonedThreads.sum();
    }

    /** Tailer threads of this node that are alive (the current one and any abandoned one still stuck). */
    int generation() {
        return generation.get();
    }

    /** True while the tailer thread is alive. */
    public boolean running() {
        Thread t = thread;
        return running || (t != null && t.isAlive());
    }

    public long appliedSeq() {
        return appliedSeq;
    }

    long latestSeenSeq() {
        return latestSeenSeq;
    }

    public Instant lastAppliedAt() {
        return lastAppliedAt;
    }

    Instant lastSuccess() {
        return lastSuccess;
    }

    public String lastError() {
        return lastError;
    }

    public long appliedCount() {
        return applied.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long fullResyncs() {
        return fullResyncs.sum();
    }

    public Map<String, Long> operationsByType() {
        Map<String, Long> out = new java.util.TreeMap<>();
        operations.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
