package com.tallytrack.sync;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.tallytrack.carrier.CarrierCache;

/** A carrier-result cache that records what the sync module invalidated. */
public class RecordingCarrierCache implements CarrierCache {

    public final List<List<String>> invalidations = new CopyOnWriteArrayList<>();
    public final AtomicInteger invalidateAllCalls = new AtomicInteger();

    @Override
    public void invalidate(Collection<String> queryNumbers) {
        invalidations.add(List.copyOf(queryNumbers));
    }

    @Override
    public void invalidateAll() {
        invalidateAllCalls.incrementAndGet();
    }

    @Override
    public Stats stats() {
        return new Stats(7, 3, 1, 0.75);
    }

    public boolean invalidated(String number) {
        return invalidations.stream().anyMatch(l -> l.contains(number));
    }

    public void reset() {
        invalidations.clear();
        invalidateAllCalls.set(0);
    }
}
