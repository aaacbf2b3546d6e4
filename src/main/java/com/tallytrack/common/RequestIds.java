package com.tallytrack.common;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
        return generate();
    }

    /**
     * A random (version 4) UUID from the thread's own generator: an id for logs needs to be unique, not
     * unpredictable, and {@link UUID#randomUUID()} takes one lock shared by every request thread.
     */
    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & ~(0x3L << 62)) | (0x2L << 62); // IETF variant
        return new UUID(high, low).toString();
    }

    public static String current() {
        return MDC.get(MDC_KEY);
    }
}
