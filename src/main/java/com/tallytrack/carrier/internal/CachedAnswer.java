package com.tallytrack.carrier.internal;

import java.time.Duration;
import java.time.Instant;

import com.tallytrack.carrier.CarrierErrorCode;
import com.tallytrack.carrier.CarrierResult;

/**
 * A carrier answer worth keeping: a result, or a "not found" (which the carrier's 30-minute rule also covers).
 * Served as fresh until {@code freshUntil}; kept after that only as a stale fallback for when the carrier fails.
 * {@code source} is {@code query} or {@code push} (the stored result it came from), {@code null} for older entries.
 */
public record CachedAnswer(
        CarrierResult result,
        CarrierErrorCode errorCode,
        String errorMessageKey,
        Instant fetchedAt,
        Instant freshUntil,
        String source) {

    /** An answer of a real-time query (or a cache entry written before answers had a source). */
    public CachedAnswer(CarrierResult result, CarrierErrorCode errorCode, String errorMessageKey, Instant fetchedAt,
            Instant freshUntil) {
        this(result, errorCode, errorMessageKey, fetchedAt, freshUntil, null);
    }

    /** True when the answer is a stored subscription push: it stays current without a real-time query. */
    public boolean pushed() {
        return "push".equals(source);
    }

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
