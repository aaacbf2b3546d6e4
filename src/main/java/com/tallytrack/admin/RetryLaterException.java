package com.tallytrack.admin;

import java.util.Map;

import org.springframework.http.HttpStatus;

import com.tallytrack.common.ApiException;

/** A refusal the client may retry after some seconds: a locked account (423) or too many attempts (429). */
class RetryLaterException extends ApiException {

    private final long retryAfterSeconds;

    RetryLaterException(HttpStatus status, String code, long retryAfterSeconds) {
        super(status, code, Map.of("retry_after_seconds", Math.max(1, retryAfterSeconds)),
                Math.max(1, retryAfterSeconds));
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", Long.toString(retryAfterSeconds));
    }
}
