package com.tallytrack.common;

import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.MDC;

/** The request id of the current request: taken from {@code X-Request-Id} when sane, else generated. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "request_id";

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private RequestIds() {
    }

    /** The caller's id when it is short and plain (it ends up in logs), else a new one. */
    static String acceptOrGenerate(String candidate) {
        if (candidate != null && SAFE.matcher(candidate).matches()) {
            return candidate;
        }
        return UUID.randomUUID().toString();
    }

    public static String current() {
        return MDC.get(MDC_KEY);
    }
}
