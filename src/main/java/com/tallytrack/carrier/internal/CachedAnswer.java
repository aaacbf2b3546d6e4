package com.tallytrack.carrier.internal;

import java.time.Duration;
import java.time.Instant;

import com.tallytrack.carrier.CarrierErrorCode;
import com.tallytrack.carrier.CarrierResult;

/**
 * A carrier answer worth keeping: a result, or a "not found" (which the carrier's 30-minute rule also covers).
 * Served as fresh until {@code freshUntil}; kept after that only as a stale fallback for when the carrier fails.
 */
public record CachedAnswer(
        CarrierResult result,
        CarrierErrorCode errorCode,
        String errorMessageKey,
        Instant fetchedAt,
        Instant freshUntil) {

    public boolean freshAt(Instant now) {
        return now.isBefore(freshUntil);
    }

    /** How long the entry must be kept: while fresh, and as a stale fallback up to {@code staleWindow} old. */
    Duration retention(Instant now, Duration staleWindow) {
        Instant until = fetchedAt.plus(staleWindow);
        if (freshUntil.isAfter(until)) {
            until = freshUntil;
        }
        Duration left = Duration.between(now, until);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
