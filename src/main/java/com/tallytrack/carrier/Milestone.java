package com.tallytrack.carrier;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The one normalised shipment milestone every carrier result carries beside the carrier's raw state codes
 * (PRODUCT §6). The mapping from Kuaidi100's {@code state} and advanced sub-codes is documented in
 * {@code docs/carrier.md}; {@link #EXPIRED} means no new event for a configurable number of days.
 */
public enum Milestone {
    PENDING,
    INFO_RECEIVED,
    IN_TRANSIT,
    CUSTOMS,
    OUT_FOR_DELIVERY,
    AVAILABLE_FOR_PICKUP,
    DELIVERED,
    ATTEMPT_FAIL,
    EXCEPTION,
    RETURNING,
    RETURNED,
    EXPIRED;

    /** The name on the wire and in the database: lower case, e.g. {@code out_for_delivery}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The milestone for a wire name, or {@code null} when the name is not one of the set. */
    public static Milestone fromWireName(String name) {
        for (Milestone m : values()) {
            if (m.wireName().equals(name)) {
                return m;
            }
        }
        return null;
    }
}
