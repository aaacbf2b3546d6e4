package com.tallytrack.carrier;

/** The failures a caller of the carrier can tell apart (the {@code error_code} of a failed query). */
public enum CarrierErrorCode {
    /** The carrier has no record of the number (yet), or not for this company / phone. */
    NOT_FOUND,
    /** The carrier cannot be reached or failed: timeouts, server errors, an open circuit, too many calls queued. */
    CARRIER_UNAVAILABLE,
    /** The carrier is busy or the number's daily query budget is used up. */
    RATE_LIMITED,
    /** Our account or request is refused: bad credentials or sign, expired key, no quota. An operator must act. */
    CARRIER_CONFIG_ERROR
}
