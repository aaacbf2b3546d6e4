package com.tallytrack.packages;

import java.time.Instant;

/**
 * One row of the package board: a consolidation package (集包) with how many parcels it carries and its latest
 * stored carrier result. {@code milestone} is {@code unknown} for a package never queried.
 *
 * @param checkedAt  when the carrier last answered for the package (the stored result's time)
 * @param flagReason {@code exception} or {@code stale} when flagged, else {@code null}
 */
public record PackageSummary(
        String packageNumber,
        long parcelCount,
        String milestone,
        Instant lastEventTime,
        String lastEvent,
        Instant checkedAt,
        boolean flagged,
        String flagReason) {
}
