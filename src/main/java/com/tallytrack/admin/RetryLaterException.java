package com.tallytrack.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;

import com.tallytrack.common.ApiException;

/**
 * A refusal the client may retry after some seconds: a locked account (423), too many attempts or a login
 * delay (429). The details name the configuration property behind the limit.
 */
class RetryLaterException extends ApiException {

    private final long retryAfterSeconds;

    RetryLaterException(HttpStatus status, String code, long retryAfterSeconds, String property) {
        super(status, code, details(retryAfterSeconds, property), Math.max(1, retryAfterSeconds));
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    private static Map<String, Object> details(long retryAfterSeconds, String property) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("retry_after_seconds", Math.max(1, retryAfterSeconds));
        details.put("property", property);
        return details;
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", Long.toString(retryAfterSeconds));
    }
}
