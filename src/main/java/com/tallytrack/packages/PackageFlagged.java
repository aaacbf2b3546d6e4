package com.tallytrack.packages;

import java.time.Instant;
import java.util.List;

/**
 * Published synchronously, inside the transaction that records the flag, exactly once for the cluster when a
 * consolidation package (集包) becomes flagged on the package board: no new carrier event for the configured number
 * of days ({@code stale}) or its stored result is in {@code exception}.
 *
 * @param reason          {@code stale} or {@code exception}
 * @param trackingNumbers every customer tracking number the package carries
 */
public record PackageFlagged(
        String packageNumber,
        String reason,
        Instant lastEventTime,
        List<String> trackingNumbers,
        Instant occurredAt) {

    public PackageFlagged {
        trackingNumbers = trackingNumbers == null ? List.of() : List.copyOf(trackingNumbers);
    }
}
