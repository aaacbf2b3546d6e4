package com.tallytrack.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import com.tallytrack.carrier.CarrierCache;
import com.tallytrack.common.Messages;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.TrackingNumbers;
import com.tallytrack.sync.cache.ManifestCache;
import com.tallytrack.sync.listen.ListenerRegistry;
import com.tallytrack.sync.log.ChangeLog;
import com.tallytrack.sync.tail.ChangeLogTailer;
import com.tallytrack.sync.tail.CommitCatchUp;
import com.tallytrack.sync.wakeup.WakeupChannel;

/**
 * The sync module's Java API (开发者使用) for other modules and embedders: statistics, the manifest cache
 * (look up, put, force-sync), cluster-wide invalidation, pending operations, and listener registration.
 * One instance per application context (a Spring bean).
 */
public class SyncService {

    private final ManifestCache cache;
    private final ChangeLog changeLog;
    private final ChangeLogTailer tailer;
    private final ListenerRegistry listeners;
    private final List<WakeupChannel> wakeups;
    private final CarrierCache carrierCache;
    private final SyncProperties properties;
    private final SyncTailerProperties tailerProperties;
    private final Messages messages;
    private final Clock clock;
    private final String nodeId;
    private final CommitCatchUp commitCatchUp;

    SyncService(ManifestCache cache, ChangeLog changeLog, ChangeLogTailer tailer, ListenerRegistry listeners,
            List<WakeupChannel> wakeups, CarrierCache carrierCache, SyncProperties properties,
            SyncTailerProperties tailerProperties, Messages messages, Clock clock, String nodeId,
            CommitCatchUp commitCatchUp) {
        this.cache = cache;
        this.changeLog = changeLog;
        this.tailer = tailer;
        this.listeners = listeners;
        this.wakeups = wakeups;
        this.carrierCache = carrierCache;
        this.properties = properties;
        this.tailerProperties = tailerProperties;
        this.messages = messages;
        this.clock = clock;
        this.nodeId = nodeId;
        this.commitCatchUp = commitCatchUp;
    }

    /** This node's id in the change log. */
    public String nodeId() {
        return nodeId;
    }

    /** The manifest of a tracking number through the cache (cleaned here), as the query uses it. */
    public Optional<Manifest> resolve(String trackingNumber) {
        String cleaned = TrackingNumbers.clean(trackingNumber);
        return cleaned == null || cleaned.isEmpty() ? Optional.empty() : cache.get(cleaned);
    }

    /**
     * Caches the manifest of this number (the seed's {@code cache_manifest}). The caller's copy may be older than
     * the database's (read before a change that this node already applied), and caching it would serve a stale
     * association until the TTL; so the row is read from the database and cached with the cache's stamps (see
     * {@link ManifestCache}), whatever the caller's copy says. Returns what is cached now.
     */
    public Optional<Manifest> cacheManifest(Manifest manifest) {
        return cache.load(manifest.trackingNumber());
    }

    /** Reloads one manifest from the database into this node's cache; empty (and nothing cached) when none. */
    public Optional<Manifest> forceSync(String trackingNumber) {
        String cleaned = TrackingNumbers.clean(trackingNumber);
        if (cleaned == null || cleaned.isEmpty()) {
            return Optional.empty();
        }
        Optional<Manifest> manifest = cache.load(cleaned);
        if (manifest.isEmpty()) {
            cache.invalidate(List.of(cleaned));
        }
        return manifest;
    }

    /** What this node's cache holds for a number, without loading it. */
    public CachedManifest cached(String trackingNumber) {
        String cleaned = TrackingNumbers.clean(trackingNumber);
        return cache.peek(cleaned == null ? "" : cleaned)
                .map(e -> new CachedManifest(cleaned, true, e.manifest().isPresent(), e.manifest().orElse(null),
                        e.cachedAt(), cache.expiresAt(e)))
                .orElseGet(() -> new CachedManifest(cleaned, false, false, null, null, null));
    }

    /**
     * Invalidates the manifest and carrier-result caches of every node: appends an {@code invalidate_all} entry to
     * the change log and applies it here before returning; the other nodes apply it when they tail the log.
     */
    public void invalidateAll() {
        changeLog.appendInvalidateAll(nodeId, clock.instant());
        tailer.catchUp();
        wakeups.forEach(WakeupChannel::announce);
    }

    /** Applies what was committed so far on this node now, instead of at the next wake-up or poll. */
    public int catchUp() {
        return tailer.catchUp();
    }

    /**
     * Runs a write made of many transactions — an import's batches — so that its commits do not each wait for this
     * node to apply them: inside, a commit only wakes this node's tailer thread, which applies it while the work goes
     * on; when the work ends (normally or by an exception) this thread applies whatever is still unapplied before
     * this returns. So, as after any write, every query on this node sees what the work committed once this returns
     * (PRODUCT §5); during the work this node shows a commit once its tailer thread applied it (normally within
     * milliseconds). If that last apply fails (the database went away), this node drops from its manifest cache the
     * numbers the work wrote (everything, when it does not know them all) and those numbers from its carrier-result
     * cache, and the tailer applies the entries when it can. A scope inside a scope joins the outer one.
     */
    public <T> T applyAfter(Supplier<T> work) {
        return commitCatchUp.applyAfter(work);
    }

    /** Registers a listener until the returned registration is closed. */
    public Registration register(ManifestChangeListener listener) {
        return listeners.register(listener);
    }

    /** Change-log entries after the last acknowledgement, oldest first. */
    public List<ManifestChange> pendingOperations(int limit) {
        return changeLog.after(changeLog.acknowledgement().sequence(), limit);
    }

    public long pendingCount() {
        return changeLog.countAfter(changeLog.acknowledgement().sequence());
    }

    /** The result of acknowledging: how many entries were pending, up to which sequence, and when. */
    public record Acknowledgement(long cleared, long acknowledgedSequence, Instant lastSyncTime) {
    }

    /** Acknowledges every entry up to the latest sequence (cluster-wide) and sets {@code last_sync_time}. */
    public Acknowledgement clearPendingOperations(String by) {
        ChangeLog.Acknowledged a = changeLog.acknowledgeAll(by, clock.instant());
        return new Acknowledgement(a.count(), a.acknowledgement().sequence(), a.acknowledgement().at());
    }

    public SyncStatistics statistics() {
        ChangeLog.Acknowledgement ack = changeLog.acknowledgement();
        long latest = changeLog.latestSeq();
        long applied = tailer.appliedSeq();
        long lag = lag(() -> latest, applied);
        Optional<ChangeLog.HorizonHolder> holder = horizonHolder();
        ListenerRegistry.Figures figures = listeners.figures();
        return new SyncStatistics(cache.size(), cache.hits(), cache.misses(), cache.hitRate(),
                tailer.appliedCount(), listeners.active(), changeLog.countAfter(ack.sequence()), ack.at(),
                nodeId, applied, latest, lag, ack.sequence(), tailer.lastAppliedAt(),
                tailer.operationsByType(), properties.manifestCacheMaxSize(),
                properties.manifestCacheTtl().toSeconds(), properties.pollInterval().toMillis(), tailer.tailing(),
                wakeups.stream().map(w -> new SyncStatistics.WakeupStatus(w.name(), w.connected())).toList(),
                tailer.failures(), tailer.fullResyncs(), figures.delivered(), figures.failures(),
                figures.overflows(), figures.slow(), carrierStats(), tailer.checkpoint(), tailer.horizonHeldSince(),
                holder.map(h -> new SyncStatistics.HorizonHolder(h.xid(), h.pid(), h.applicationName(), h.database(),
                        h.state(), h.transactionStart())).orElse(null),
                tailer.caughtUp(), tailer.lastFullResyncAt(), tailer.lastFullResyncReason(), tailer.abandonedThreads());
    }

    /**
     * Committed entries this node has not applied. PostgreSQL: counted by visibility against its last snapshot
     * (a sequence difference would count entries of transactions still open and miss lower ones committed late).
     */
    private long lag(LongSupplier latest, long applied) {
        ChangeLog.Position p = tailer.position();
        if (changeLog.postgres() && p != null) {
            return changeLog.pending(p);
        }
        return Math.max(0, latest.getAsLong() - applied);
    }

    /** {@link #lag(LongSupplier, long)} now (the {@code tallytrack.sync.lag} gauge). */
    long lag() {
        return lag(changeLog::latestSeq, tailer.appliedSeq());
    }

    private Optional<ChangeLog.HorizonHolder> horizonHolder() {
        ChangeLog.Position p = tailer.position();
        return tailer.horizonHeldSince() == null || p == null ? Optional.empty() : changeLog.horizonHolder(p.snapshot());
    }

    /** Health with reasons; never throws (a database failure is a reason). */
    public SyncHealth health() {
        List<SyncHealth.Reason> errors = new ArrayList<>();
        List<SyncHealth.Reason> warnings = new ArrayList<>();
        long latest = -1;
        long applied = tailer.appliedSeq();
        if (!tailer.tailing()) {
            errors.add(reason("TAILER_NOT_RUNNING", tailer.lastError() == null ? "-" : tailer.lastError()));
        }
        long lag = 0;
        try {
            latest = changeLog.latestSeq();
            long read = latest;
            lag = lag(() -> read, applied);
        } catch (RuntimeException e) {
            errors.add(reason("CHANGE_LOG_UNREADABLE", e.getClass().getSimpleName()));
        }
        if (!tailer.caughtUp()) {
            errors.add(reason("CATCH_UP_PENDING"));
        }
        Instant heldSince = tailer.horizonHeldSince();
        Instant now = clock.instant();
        if (heldSince != null && Duration.between(heldSince, now).compareTo(tailerProperties.horizonWarning()) > 0) {
            Optional<ChangeLog.HorizonHolder> holder = Optional.empty();
            try {
                holder = horizonHolder();
            } catch (RuntimeException e) {
                // the reason is still given, without the session's details
            }
            ChangeLog.HorizonHolder h = holder.orElse(null);
            // strings, so MessageFormat does not group the digits of an id
            warnings.add(reason("HORIZON_HELD_BACK", String.valueOf(h == null ? tailer.checkpoint() : h.xid()),
                    h == null || h.pid() == null ? "-" : String.valueOf(h.pid()),
                    h == null || h.applicationName() == null ? "-" : h.applicationName(),
                    String.valueOf(h == null || h.transactionStart() == null ? heldSince : h.transactionStart()),
                    tailerProperties.horizonWarning().toString()));
        }
        Instant resync = tailer.lastFullResyncAt();
        if (resync != null && Duration.between(resync, now).compareTo(tailerProperties.resyncNotice()) <= 0) {
            warnings.add(reason("FULL_RESYNC", resync.toString(), tailer.lastFullResyncReason()));
        }
        if (lag > properties.lagWarning()) {
            warnings.add(reason("LAG_OVER_THRESHOLD", lag, properties.lagWarning()));
        }
        if (cache.size() > properties.cacheWarningSize()) {
            warnings.add(reason("CACHE_OVER_WARNING_SIZE", cache.size(), properties.cacheWarningSize()));
        }
        for (WakeupChannel w : wakeups) {
            if (!w.connected()) {
                warnings.add(reason("WAKEUP_DISCONNECTED", w.name()));
            }
        }
        List<SyncHealth.Reason> reasons = new ArrayList<>(errors);
        reasons.addAll(warnings);
        String status = !errors.isEmpty() ? SyncHealth.ERROR : !warnings.isEmpty() ? SyncHealth.WARNING
                : SyncHealth.HEALTHY;
        return new SyncHealth(status, reasons, nodeId, applied, latest, lag, cache.size(), tailer.tailing(),
                tailer.lastError());
    }

    private SyncHealth.Reason reason(String code, Object... args) {
        return new SyncHealth.Reason(code, messages.get("sync.health." + code, args));
    }

    private CarrierCache.Stats carrierStats() {
        try {
            return carrierCache.stats();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
