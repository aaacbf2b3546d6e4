package com.tallytrack.common;

import java.io.IOException;

/**
 * Thrown by the body of a request (read through {@link RequestBodyLimitFilter}) once it passes
 * {@code tallytrack.http.max-json-body}. An {@link IOException}, so every reader fails the way it fails on a broken
 * stream; the controller advice finds it in the cause chain and answers 413.
 */
public final class BodyTooLargeException extends IOException {

    public BodyTooLargeException(long limit) {
        super("request body larger than " + limit + " bytes");
    }
}
