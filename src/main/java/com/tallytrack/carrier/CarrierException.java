package com.tallytrack.carrier;

/**
 * A carrier call that did not produce a result. {@code transientFailure} says whether trying again soon may
 * help (timeouts, server errors, "busy"); only those are retried and counted by the circuit breaker.
 * {@code messageKey} names the friendly text in {@code i18n/carrier*.properties}.
 */
public class CarrierException extends RuntimeException {

    private final CarrierErrorCode code;
    private final boolean transientFailure;
    private final String messageKey;

    public CarrierException(CarrierErrorCode code, boolean transientFailure, String detail) {
        this(code, transientFailure, "carrier.error." + code.name(), detail, null);
    }

    public CarrierException(CarrierErrorCode code, boolean transientFailure, String messageKey, String detail,
            Throwable cause) {
        super(code + ": " + detail, cause, false, false);
        this.code = code;
        this.transientFailure = transientFailure;
        this.messageKey = messageKey;
    }

    public CarrierErrorCode code() {
        return code;
    }

    public boolean transientFailure() {
        return transientFailure;
    }

    public String messageKey() {
        return messageKey;
    }
}
