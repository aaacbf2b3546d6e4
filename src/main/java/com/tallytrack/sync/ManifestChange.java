package com.tallytrack.sync;

import java.time.Instant;

/**
 * One change-log entry: a committed change of one manifest, or a cluster-wide {@code invalidate_all}.
 *
 * @param sequence               strictly increasing, in commit order
 * @param operation              {@code insert}, {@code update}, {@code delete} or {@code invalidate_all}
 * @param trackingNumber         the manifest's tracking number (after an update, the new one)
 * @param previousTrackingNumber the old tracking number when an update changed it, else {@code null}
 * @param packageNumber          the package number after the change ({@code null} after a delete)
 * @param previousPackageNumber  the package number before the change ({@code null} after an insert)
 * @param manifestId             the row id
 * @param nodeId                 the node (or external program) that wrote it
 * @param changedAt              when the database recorded it
 */
public record ManifestChange(long sequence, String operation, String trackingNumber, String previousTrackingNumber,
        String packageNumber, String previousPackageNumber, Long manifestId, String nodeId, Instant changedAt) {

    public static final String INSERT = "insert";
    public static final String UPDATE = "update";
    public static final String DELETE = "delete";
    public static final String INVALIDATE_ALL = "invalidate_all";

    /** True for a cluster-wide invalidation: every cached manifest and carrier result may be out of date. */
    public boolean invalidatesAll() {
        return INVALIDATE_ALL.equals(operation);
    }
}
