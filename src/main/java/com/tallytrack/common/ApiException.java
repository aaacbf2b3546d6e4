package com.tallytrack.common;

import org.springframework.http.HttpStatus;

/**
 * A failure the client can act on. The {@code code} is the stable machine-readable error code of the API
 * error body; the message is looked up as {@code error.<code>} in the localized message bundles with
 * {@code args}, so each failure has one wording in Chinese and one in English.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final transient Object[] args;
    private final transient Object details;

    public ApiException(HttpStatus status, String code, Object details, Object... args) {
        super(code);
        this.status = status;
        this.code = code;
        this.details = details;
        this.args = args;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Object[] args() {
        return args;
    }

    public Object details() {
        return details;
    }

    /** Headers the response must carry (e.g. {@code Retry-After}); none by default. */
    public java.util.Map<String, String> headers() {
        return java.util.Map.of();
    }

    public static ApiException notFound(String code, Object... args) {
        return new ApiException(HttpStatus.NOT_FOUND, code, null, args);
    }

    public static ApiException badRequest(String code, Object details, Object... args) {
        return new ApiException(HttpStatus.BAD_REQUEST, code, details, args);
    }

    public static ApiException conflict(String code, Object details, Object... args) {
        return new ApiException(HttpStatus.CONFLICT, code, details, args);
    }
}
