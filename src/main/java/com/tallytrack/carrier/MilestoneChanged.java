package com.tallytrack.carrier;

import java.time.Instant;

/**
 * Published synchronously, inside the writing transaction, exactly once for the cluster whenever the stored
 * result of a query number gets a different milestone (by a real-time query, a push or an admin refresh).
 * Listeners that persist something (the webhook outbox) therefore write in the same transaction.
 *
 * @param previous        the milestone before, {@code null} when the number had no stored result
 * @param lastEventTime   the carrier's newest event time, {@code null} when the route is empty
 */
public record MilestoneChanged(
        String queryNumber,
        String companyCode,
        Milestone previous,
        Milestone current,
        Instant lastEventTime,
        String lastEvent,
        Instant occurredAt) {
}
