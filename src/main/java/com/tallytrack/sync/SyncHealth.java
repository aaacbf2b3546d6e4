package com.tallytrack.sync;

import java.util.List;

/**
 * The sync component's health: {@code healthy}, {@code warning} (serving, but look: cache over its warning size,
 * lag over the threshold, a wake-up channel down) or {@code error} (the change log is not being tailed: this node
 * may serve stale manifests).
 */
public record SyncHealth(String status, List<Reason> reasons, String nodeId, long appliedSequence,
        long latestSequence, long lag, long cacheSize, boolean tailerRunning, String lastError) {

    public static final String HEALTHY = "healthy";
    public static final String WARNING = "warning";
    public static final String ERROR = "error";

    /** Why the status is not {@code healthy}: a stable code and a localized message. */
    public record Reason(String code, String message) {
    }
}
