package com.tallytrack.carrier;

import java.time.Instant;

/**
 * The answer of {@link CarrierService#track}: either a result or an error code with its friendly message key,
 * and where it came from.
 *
 * @param cached    served from the carrier-result cache, not from a carrier call made for this request
 * @param stale     a cached result past its time to live, served because the carrier failed
 * @param fetchedAt when the carrier produced the served result or error ({@code null} if no call was made)
 * @param source    {@code push} when the result is a stored subscription push (no real-time query was made),
 *                  {@code query} for a real-time query's result, {@code null} for a failure
 */
public record CarrierLookup(
        CarrierResult result,
        CarrierErrorCode errorCode,
        String errorMessageKey,
        boolean cached,
        boolean stale,
        Instant fetchedAt,
        boolean simulated,
        String source) {

    public CarrierLookup(CarrierResult result, CarrierErrorCode errorCode, String errorMessageKey, boolean cached,
            boolean stale, Instant fetchedAt, boolean simulated) {
        this(result, errorCode, errorMessageKey, cached, stale, fetchedAt, simulated,
                result == null ? null : "query");
    }

    public boolean success() {
        return result != null;
    }
}
