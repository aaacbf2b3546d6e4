package com.tallytrack.tracking;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The answer of {@code POST /api/v1/tracking/query} with {@code include_journey: true}: every field of the plain
 * answer, unchanged for the clients of the Python original, plus {@code journey}.
 */
public record JourneyQueryResult(@JsonUnwrapped TrackingQueryResult result, Journey journey) {
}
