package com.tallytrack.sync;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * {@code tallytrack.sync.*}: the data-sync mechanism (PRODUCT §5, §8).
 *
 * @param manifestCacheTtl       how long a manifest lookup (also "no manifest") stays cached
 * @param manifestCacheMaxSize   most entries of the manifest cache
 * @param cacheWarningSize       health turns {@code warning} above this many cached manifests
 * @param pollInterval           how often a node reads the change log without a wake-up
 * @param wakeup                 {@code auto} (every channel available), {@code postgres}, {@code redis} or {@code none}
 * @param nodeId                 this node's id in the change log; default host name, process id and a random suffix
 * @param lagWarning             health turns {@code warning} when this node is more entries behind
 * @param batchSize              change-log entries read (and invalidated in bulk) per tail step
 * @param retention              change-log entries older than this are pruned…
 * @param retentionMaxEntries    …as are all but this many newest entries — never what a live node still needs
 * @param pruneInterval          how often a node prunes
 * @param heartbeatInterval      how often a node records its applied sequence
 * @param nodeTimeout            a node silent for longer no longer holds back pruning (it resynchronises fully)
 * @param listenerThreads        threads delivering to listeners
 * @param listenerQueueCapacity  batches queued per listener before overflow
 * @param slowListenerThreshold  a delivery taking longer is counted and logged as slow
 * @param preloadWindow          a number queried within this window is re-warmed after it changes (预加载)
 * @param preloadMaxNumbers      most numbers remembered for preloading
 */
@Validated
@ConfigurationProperties("tallytrack.sync")
public record SyncProperties(
        @DefaultValue("30m") @NotNull Duration manifestCacheTtl,
        @DefaultValue("100000") @Min(1) long manifestCacheMaxSize,
        @DefaultValue("80000") @Min(1) long cacheWarningSize,
        @DefaultValue("1s") @NotNull Duration pollInterval,
        @DefaultValue("auto") @NotNull Wakeup wakeup,
        String nodeId,
        @DefaultValue("1000") @Min(1) long lagWarning,
        @DefaultValue("1000") @Min(1) @Max(100000) int batchSize,
        @DefaultValue("7d") @NotNull Duration retention,
        @DefaultValue("1000000") @Min(1) long retentionMaxEntries,
        @DefaultValue("10m") @NotNull Duration pruneInterval,
        @DefaultValue("10s") @NotNull Duration heartbeatInterval,
        @DefaultValue("2m") @NotNull Duration nodeTimeout,
        @DefaultValue("4") @Min(1) @Max(64) int listenerThreads,
        @DefaultValue("1000") @Min(1) int listenerQueueCapacity,
        @DefaultValue("5s") @NotNull Duration slowListenerThreshold,
        @DefaultValue("10m") @NotNull Duration preloadWindow,
        @DefaultValue("10000") @Min(0) long preloadMaxNumbers) {

    /** The wake-up channel that makes a change on one node visible on the others at once. */
    public enum Wakeup {
        AUTO, POSTGRES, REDIS, NONE
    }

    public SyncProperties {
        positive("manifest-cache-ttl", manifestCacheTtl);
        positive("poll-interval", pollInterval);
        positive("retention", retention);
        positive("prune-interval", pruneInterval);
        positive("heartbeat-interval", heartbeatInterval);
        positive("slow-listener-threshold", slowListenerThreshold);
        positive("preload-window", preloadWindow);
        if (nodeTimeout != null && heartbeatInterval != null
                && nodeTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("tallytrack.sync.node-timeout (" + nodeTimeout
                    + ") must be at least twice tallytrack.sync.heartbeat-interval (" + heartbeatInterval + ")");
        }
        if (nodeId != null && (nodeId.isBlank() || nodeId.length() > 60)) {
            throw new IllegalArgumentException("tallytrack.sync.node-id must be 1 to 60 characters, was '" + nodeId
                    + "'");
        }
    }

    private static void positive(String name, Duration value) {
        if (value != null && (value.isZero() || value.isNegative())) {
            throw new IllegalArgumentException("tallytrack.sync." + name + " must be positive, was " + value);
        }
    }
}
