package com.tallytrack.tracking;

import java.util.List;

/** The answer of a batch query: one result per requested number, in request order. */
public record BatchQueryResult(int total, int successCount, int failedCount, List<TrackingQueryResult> results) {
}
