package com.tallytrack.common;

import java.time.Instant;

/** The one error body of the API: {@code {"success": false, "error": {...}}}. */
public record ErrorBody(boolean success, Error error) {

    public record Error(String code, String message, Object details, Instant timestamp, String requestId) {
    }

    public static ErrorBody of(String code, String message, Object details, String requestId) {
        return new ErrorBody(false, new Error(code, message, details, Instant.now(), requestId));
    }
}
