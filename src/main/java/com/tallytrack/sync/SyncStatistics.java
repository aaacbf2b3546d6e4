package com.tallytrack.sync;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.tallytrack.carrier.CarrierCache;

/**
 * The figures of the sync mechanism on this node (同步统计). The first eight are the seed's fields.
 *
 * @param cacheSize           manifest-cache entries (negative lookups included)
 * @param cacheHits           manifest lookups answered by the cache since start
 * @param cacheMisses         manifest lookups that read the database since start
 * @param cacheHitRate        hits / (hits + misses), 0 before the first lookup
 * @param syncOperations      change-log entries applied on this node since start
 * @param activeListeners     registered change listeners
 * @param pendingOperations   change-log entries after the last acknowledgement (cluster-wide)
 * @param lastSyncTime        when pending operations were last acknowledged (cluster-wide), or {@code null}
 * @param appliedSequence     the last change-log sequence this node applied
 * @param latestSequence      the latest sequence in the change log
 * @param lag                 entries this node has yet to apply
 * @param carrierCache        the carrier-result cache figures
 * @param horizon             this node's durable checkpoint: on PostgreSQL the transaction id below which every
 *                            transaction had finished when it last applied the log; on H2 the applied sequence
 * @param horizonHeldSince    since when one running transaction holds that horizon back (PostgreSQL), or null
 * @param horizonHolder       that transaction (xid; pid, application, database, state, start where visible), or
 *                            null
 * @param caughtUp            false from a failed resume catch-up until the tailer caught up (readiness is down)
 * @param lastFullResyncAt    when this node last resynchronised fully (it fell behind the pruned log), or null
 * @param lastFullResyncReason why, or null
 * @param abandonedTailers    tailer threads abandoned because they did not stop in time (they apply nothing)
 */
public record SyncStatistics(
        long cacheSize,
        long cacheHits,
        long cacheMisses,
        double cacheHitRate,
        long syncOperations,
        int activeListeners,
        long pendingOperations,
        Instant lastSyncTime,
        String nodeId,
        long appliedSequence,
        long latestSequence,
        long lag,
        long acknowledgedSequence,
        Instant lastAppliedAt,
        Map<String, Long> operationsByType,
        long cacheMaxSize,
        long cacheTtlSeconds,
        long pollIntervalMillis,
        boolean tailerRunning,
        List<WakeupStatus> wakeupChannels,
        long readFailures,
        long fullResyncs,
        long listenerDeliveries,
        long listenerFailures,
        long listenerOverflows,
        long slowListenerDeliveries,
        CarrierCache.Stats carrierCache,
        long horizon,
        Instant horizonHeldSince,
        HorizonHolder horizonHolder,
        boolean caughtUp,
        Instant lastFullResyncAt,
        String lastFullResyncReason,
        long abandonedTailers) {

    /** The transaction holding the safe horizon back; fields other than {@code xid} may be null. */
    public record HorizonHolder(long xid, Integer pid, String applicationName, String database, String state,
            Instant transactionStart) {
    }

    /** One wake-up channel and whether it is connected now. */
    public record WakeupStatus(String name, boolean connected) {
    }
}
