package com.tallytrack.sync;

import java.util.List;

/**
 * Receives committed manifest changes (同步监听器). Register with {@link SyncService#register}, or declare a Spring
 * bean implementing this interface: it is registered when initialised and unregistered when destroyed.
 *
 * <p>Delivery is asynchronous, on a bounded pool, in sequence order, one batch at a time per listener; a listener
 * that throws or is slow affects only itself. When a listener's queue overflows, its queued batches are replaced by
 * one {@code invalidate_all} change: it must then treat everything it derived from manifests as out of date.
 */
@FunctionalInterface
public interface ManifestChangeListener {

    /** The changes one tail step applied on this node, oldest first. */
    void onChanges(List<ManifestChange> changes);

    /** The name used in logs and statistics. */
    default String listenerName() {
        return getClass().getName();
    }
}
