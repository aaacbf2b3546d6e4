package com.tallytrack.carrier;

import java.util.Collection;

/**
 * Control of the carrier-result cache, for other modules (the sync module invalidates the numbers a manifest
 * change touched). Results are keyed by the number actually sent to the carrier; invalidating a number drops
 * its results for every carrier company.
 */
public interface CarrierCache {

    /** Drops the cached carrier results of these query numbers (cleaned, upper-case). */
    void invalidate(Collection<String> queryNumbers);

    /** Drops every cached carrier result. */
    void invalidateAll();

    Stats stats();

    /** Size and hit figures of the cache since start. */
    record Stats(long size, long hits, long misses, double hitRate) {
    }
}
