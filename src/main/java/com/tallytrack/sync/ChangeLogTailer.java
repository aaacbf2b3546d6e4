package com.tallytrack.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.tallytrack.carrier.CarrierCache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Applies the change log to this node: reads the entries after the last applied sequence (sequences are handed
 * out in commit order, see V11, so nothing below the last applied one can still appear), invalidates the manifest
 * cache and the carrier-result cache in bulk per step, and hands the step's entries to the listeners.
 *
 * <p>Runs on its own thread — woken by a wake-up channel or every poll interval — and synchronously in a writer's
 * thread right after its commit, so the writer's call returns only after this node applied its change.
 */
final class ChangeLogTailer {

    private static final Logger log = LoggerFactory.getLogger(ChangeLogTailer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ChangeLog changeLog;
    private final ManifestCache manifestCache;
    private final CarrierCache carrierCache;
    private final ListenerRegistry listeners;
    private final SyncProperties properties;
    private final Clock clock;
    private final String nodeId;
    private final MeterRegistry meters;
    private final Timer propagation;

    private final ReentrantLock applyLock = new ReentrantLock();
    private final Semaphore wakeups = new Semaphore(0);
    private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();
    private final LongAdder applied = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder fullResyncs = new LongAdder();

    private volatile long appliedSeq = -1;
    private volatile long latestSeenSeq = -1;
    private volatile Instant lastAppliedAt;
    private volatile Instant lastHeartbeat = Instant.EPOCH;
    private volatile Instant lastPrune;
    private volatile Instant lastSuccess;
    private volatile String lastError;
    private volatile int consecutiveFailures;
    private volatile Instant startedAt;
    private volatile boolean running;
    private volatile Thread thread;

    ChangeLogTailer(ChangeLog changeLog, ManifestCache manifestCache, CarrierCache carrierCache,
            ListenerRegistry listeners, SyncProperties properties, Clock clock, String nodeId, MeterRegistry meters) {
        this.changeLog = changeLog;
        this.manifestCache = manifestCache;
        this.carrierCache = carrierCache;
        this.listeners = listeners;
        this.properties = properties;
        this.clock = clock;
        this.nodeId = nodeId;
        this.meters = meters;
        this.propagation = Timer.builder("tallytrack.sync.propagation.delay")
                .description("commit of a manifest change (as recorded by the database) to applied on this node")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    /**
     * First start: positions this node at the latest sequence. Its caches are empty, so nothing before that can be
     * stale here: the history is skipped, not replayed. Runs before the node serves queries.
     *
     * <p>Restart (the context was stopped and started again — {@code Lifecycle} stop/start, or the test framework
     * pausing a cached context): the caches kept what they held, so the history since the stop is applied before
     * this returns (or, if it was pruned meanwhile, everything is invalidated); skipping it would leave the manifests
     * changed meanwhile stale in the cache.
     */
    void start() {
        start(-1);
    }

    /** Starts at {@code fromSeq} (tests of a lagging node), or as {@link #start()} when negative. */
    void start(long fromSeq) {
        boolean resume = fromSeq < 0 && appliedSeq >= 0;
        applyLock.lock();
        try {
            startedAt = clock.instant();
            changeLog.registerLocalNode(nodeId);
            if (!resume) {
                appliedSeq = fromSeq < 0 ? changeLog.latestSeq() : fromSeq;
            }
            latestSeenSeq = Math.max(latestSeenSeq, appliedSeq);
            lastSuccess = clock.instant();
            lastPrune = clock.instant();
            if (resume) {
                lastHeartbeat = Instant.EPOCH; // the catch-up checks the pruned horizon, then records the heartbeat
            } else {
                heartbeat();
            }
        } finally {
            applyLock.unlock();
        }
        if (resume) {
            try {
                catchUp();
            } catch (RuntimeException e) {
                // counted and logged by catchUp; the tailer thread retries with backoff
            }
        }
        running = true;
        Thread t = new Thread(this::loop, "sync-tailer");
        t.setDaemon(true);
        thread = t;
        t.start();
        log.info("sync started on node {} at sequence {}", nodeId, appliedSeq);
    }

    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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

    private void loop() {
        boolean retry = false;
        long lastCycle = System.nanoTime();
        while (running) {
            if (!retry) {
                try {
                    // poll at a fixed rate: the time a catch-up takes does not stretch the interval
                    long wait = properties.pollInterval().toNanos() - (System.nanoTime() - lastCycle);
                    wakeups.tryAcquire(Math.max(0, wait), TimeUnit.NANOSECONDS);
                    wakeups.drainPermits();
                } catch (InterruptedException e) {
                    if (!running) {
                        return;
                    }
                    Thread.interrupted();
                }
            }
            retry = false;
            if (!running) {
                return;
            }
            lastCycle = System.nanoTime();
            try {
                catchUp();
                pruneIfDue();
            } catch (RuntimeException e) {
                // catchUp already counted and logged it. Back off so a database outage is not hammered (a wake-up,
                // e.g. the LISTEN connection coming back, ends the pause early), then retry without waiting.
                sleep(backoff());
                retry = true;
            }
        }
    }

    /**
     * Applies everything committed so far (tailer thread, admin actions); returns the number of entries applied.
     * The connection is taken before the apply lock (see {@link ChangeLog#withConnection}).
     */
    int catchUp() {
        return changeLog.withConnection(() -> catchUp(true));
    }

    /**
     * Applies everything committed so far. A writer's thread calls it right after its commit with
     * {@code maintenance = false}: it may still hold the finished transaction's connection, so it only reads;
     * the heartbeat (a write) is left to the tailer thread.
     */
    int catchUp(boolean maintenance) {
        applyLock.lock();
        try {
            if (appliedSeq < 0) {
                return 0; // not started yet: caches are empty and start() positions us
            }
            int total = 0;
            if (Duration.between(lastHeartbeat, clock.instant()).compareTo(properties.heartbeatInterval()) >= 0) {
                checkHorizon();
                if (maintenance) {
                    heartbeat();
                }
            }
            while (true) {
                List<ManifestChange> batch = changeLog.after(appliedSeq, properties.batchSize());
                if (batch.isEmpty()) {
                    break;
                }
                apply(batch);
                total += batch.size();
                if (batch.size() < properties.batchSize()) {
                    break;
                }
            }
            latestSeenSeq = Math.max(latestSeenSeq, appliedSeq);
            consecutiveFailures = 0;
            lastSuccess = clock.instant();
            lastError = null;
            return total;
        } catch (RuntimeException e) {
            failures.increment();
            consecutiveFailures++;
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (consecutiveFailures == 1 || consecutiveFailures % 30 == 0) {
                log.warn("sync could not read the change log ({} failures in a row); retrying", consecutiveFailures,
                        e);
            }
            throw e;
        } finally {
            applyLock.unlock();
        }
    }

    /**
     * A node that stayed silent longer than the node timeout no longer holds back pruning; if entries it had not
     * applied were pruned, it cannot know what changed and resynchronises fully.
     */
    private void checkHorizon() {
        long prunedThrough = changeLog.prunedThrough();
        if (appliedSeq < prunedThrough) {
            log.warn("sync on node {} fell behind the pruned change log ({} < {}): invalidating all caches", nodeId,
                    appliedSeq, prunedThrough);
            fullResyncs.increment();
            long latest = changeLog.latestSeq();
            manifestCache.invalidateAll();
            invalidateCarrierAll();
            listeners.publish(List.of(new ManifestChange(latest, ManifestChange.INVALIDATE_ALL, null, null, null,
                    null, null, nodeId, clock.instant())));
            appliedSeq = Math.max(latest, prunedThrough);
        }
    }

    private void heartbeat() {
        Instant now = clock.instant();
        changeLog.heartbeat(nodeId, appliedSeq, startedAt, now);
        lastHeartbeat = now;
    }

    private void apply(List<ManifestChange> batch) {
        boolean all = false;
        Set<String> manifestKeys = new LinkedHashSet<>();
        Set<String> carrierKeys = new LinkedHashSet<>();
        for (ManifestChange c : batch) {
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
        // One bulk invalidation per step: an import batch of thousands of rows costs one call per cache.
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
        for (ManifestChange c : batch) {
            operations.computeIfAbsent(c.operation(), op -> new LongAdder()).increment();
            Counter.builder("tallytrack.sync.operations").tag("operation", c.operation())
                    .description("change-log entries applied on this node").register(meters).increment();
            if (c.changedAt() != null && c.changedAt().isBefore(now)) {
                propagation.record(Duration.between(c.changedAt(), now));
            } else {
                propagation.record(Duration.ZERO);
            }
        }
        applied.add(batch.size());
        appliedSeq = batch.get(batch.size() - 1).sequence();
        lastAppliedAt = now;
        listeners.publish(batch);
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

    /** True while the thread runs and the last read of the log succeeded recently enough. */
    boolean tailing() {
        Thread t = thread;
        return running && t != null && t.isAlive() && consecutiveFailures < 3;
    }

    /** True while the tailer thread is alive. */
    boolean running() {
        Thread t = thread;
        return running || (t != null && t.isAlive());
    }

    long appliedSeq() {
        return appliedSeq;
    }

    long latestSeenSeq() {
        return latestSeenSeq;
    }

    Instant lastAppliedAt() {
        return lastAppliedAt;
    }

    Instant lastSuccess() {
        return lastSuccess;
    }

    String lastError() {
        return lastError;
    }

    long appliedCount() {
        return applied.sum();
    }

    long failures() {
        return failures.sum();
    }

    long fullResyncs() {
        return fullResyncs.sum();
    }

    Map<String, Long> operationsByType() {
        Map<String, Long> out = new java.util.TreeMap<>();
        operations.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
