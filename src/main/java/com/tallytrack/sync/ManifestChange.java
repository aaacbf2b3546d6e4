package com.tallytrack.sync;

import java.time.Instant;

/**
 * One change-log entry: a committed change of one manifest, or a cluster-wide {@code invalidate_all}.
 *
 * @param sequence               unique and increasing in the order entries were written (on PostgreSQL not
 *                               necessarily in commit order: the tailer orders by transaction, see ChangeLog)
 * @param operation              {@code insert}, {@code update}, {@code delete}, {@code invalidate_all}, or
 *                               {@code carrier_result} (a stored carrier result of the number changed; the tailer
 *                               invalidates the carrier-result cache and does not hand it to listeners)
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
    public static final String CARRIER_RESULT = "carrier_result";

    /** True for a cluster-wide invalidation: every cached manifest and carrier result may be out of date. */
    public boolean invalidatesAll() {
        return INVALIDATE_ALL.equals(operation);
    }

    /** True for a stored carrier result: only the carrier-result cache of {@code trackingNumber} is affected. */
    public boolean carrierResult() {
        return CARRIER_RESULT.equals(operation);
    }
}
