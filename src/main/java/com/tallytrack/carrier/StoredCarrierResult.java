package com.tallytrack.carrier;

import java.time.Instant;

/**
 * The latest carrier answer kept for a query number (table {@code carrier_result}).
 *
 * @param source          {@code query} (a real-time query) or {@code push} (a subscription callback)
 * @param receivedAt      when this node received the answer that is stored
 * @param newestEventTime the carrier's newest event time, {@code null} for an empty route
 */
public record StoredCarrierResult(String queryNumber, CarrierResult result, String source, Instant receivedAt,
        Instant newestEventTime) {

    public static final String SOURCE_QUERY = "query";
    public static final String SOURCE_PUSH = "push";

    public boolean pushed() {
        return SOURCE_PUSH.equals(source);
    }
}
