package com.tallytrack.sync.cache;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.stereotype.Component;

import com.tallytrack.sync.ManifestChange;
import com.tallytrack.sync.ManifestChangeListener;

/**
 * Preloading (预加载): after a change, manifests that were queried within {@code tallytrack.sync.preload-window}
 * are read again (one query per batch) and cached, so the next query of a hot number is a hit. Runs on the listener
 * pool; the cache's stamps keep a preload that races with a newer change from caching the older value.
 */
@Component
class PreloadListener implements ManifestChangeListener {

    private final ManifestCache cache;
    private final LongAdder preloaded = new LongAdder();

    PreloadListener(ManifestCache cache) {
        this.cache = cache;
    }

    @Override
    public void onChanges(List<ManifestChange> changes) {
        Set<String> changed = new LinkedHashSet<>();
        for (ManifestChange c : changes) {
            if (!c.invalidatesAll()) {
                changed.add(c.trackingNumber());
                if (c.previousTrackingNumber() != null) {
                    changed.add(c.previousTrackingNumber());
                }
            }
        }
        List<String> hot = cache.recentlyQueried(changed);
        preloaded.add(cache.loadAll(hot));
    }

    long preloaded() {
        return preloaded.sum();
    }

    @Override
    public String listenerName() {
        return "preload";
    }
}
