package com.tallytrack.carrier;

import java.time.Instant;

/**
 * The answer of {@link CarrierService#track}: either a result or an error code with its friendly message key,
 * and where it came from.
 *
 * @param cached    served from the carrier-result cache, not from a carrier call made for this request
 * @param stale     a cached result past its time to live, served because the carrier failed
 * @param fetchedAt when the carrier produced the served result or error ({@code null} if no call was made)
 */
public record CarrierLookup(
        CarrierResult result,
        CarrierErrorCode errorCode,
        String errorMessageKey,
        boolean cached,
        boolean stale,
        Instant fetchedAt,
        boolean simulated) {

    public boolean success() {
        return result != null;
    }
}
