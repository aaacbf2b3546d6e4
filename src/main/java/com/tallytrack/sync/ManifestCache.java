package com.tallytrack.sync;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;

/**
 * The manifest-lookup cache (理货单缓存): tracking number → manifest, or "no manifest" (negative lookups are cached
 * too), bounded in size, expiring after {@code tallytrack.sync.manifest-cache-ttl}.
 *
 * <p><b>No stale read.</b> A lookup that misses reads the database and then puts what it read; a change may commit
 * and be invalidated between the read and the put, and the put must not bring the old value back. Every entry
 * therefore carries a stamp: the invalidation generation of its key's stripe (and the global epoch of
 * {@link #invalidateAll}) as it was <em>before</em> the database read. An invalidation first bumps the generation,
 * then removes the entry; a read accepts an entry only while its stamp equals the current generation. So an entry
 * loaded before an invalidation is dead the moment the invalidation starts, whenever its put lands, and an entry
 * whose stamp is current was read after the invalidating commit was applied. Stripes (4096) keep the generations
 * bounded; two keys sharing a stripe only cost an extra database read.
 */
final class ManifestCache {

    private static final int STRIPES = 4096;

    /** One cached lookup; {@code manifest} empty means "no manifest for this number". */
    record Entry(Optional<Manifest> manifest, Instant cachedAt, long generation, long epoch) {
    }

    private final Cache<String, Entry> cache;
    private final Cache<String, Boolean> recentlyQueried;
    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
    private final AtomicLong epoch = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final ManifestService manifests;
    private final SyncProperties properties;
    private final Clock clock;

    ManifestCache(ManifestService manifests, SyncProperties properties, Clock clock) {
        this.manifests = manifests;
        this.properties = properties;
        this.clock = clock;
        this.cache = Caffeine.newBuilder()
                .maximumSize(properties.manifestCacheMaxSize())
                .expireAfterWrite(properties.manifestCacheTtl())
                .build();
        this.recentlyQueried = Caffeine.newBuilder()
                .maximumSize(properties.preloadMaxNumbers())
                .expireAfterAccess(properties.preloadWindow())
                .build();
    }

    /** The manifest of a cleaned tracking number: from the cache when fresh, else from the database. */
    Optional<Manifest> get(String trackingNumber) {
        if (recentlyQueried.getIfPresent(trackingNumber) == null) { // a read refreshes the window; write only once
            recentlyQueried.put(trackingNumber, Boolean.TRUE);
        }
        Entry entry = cache.getIfPresent(trackingNumber);
        if (entry != null && isCurrent(trackingNumber, entry)) {
            hits.increment();
            return entry.manifest();
        }
        misses.increment();
        return load(trackingNumber);
    }

    /** Reads one number from the database and caches the result (force-sync, preload). */
    Optional<Manifest> load(String trackingNumber) {
        long generation = generations.get(stripe(trackingNumber));
        long currentEpoch = epoch.get();
        Optional<Manifest> manifest = manifests.findByTrackingNumber(trackingNumber);
        store(trackingNumber, manifest, generation, currentEpoch);
        return manifest;
    }

    /** Reads many numbers in one query and caches the results, found or not (preload after a change). */
    int loadAll(Collection<String> trackingNumbers) {
        if (trackingNumbers.isEmpty()) {
            return 0;
        }
        Map<String, Long> stamps = new HashMap<>();
        trackingNumbers.forEach(t -> stamps.put(t, generations.get(stripe(t))));
        long currentEpoch = epoch.get();
        Map<String, Manifest> found = manifests.findByTrackingNumbers(stamps.keySet());
        stamps.forEach((t, g) -> store(t, Optional.ofNullable(found.get(t)), g, currentEpoch));
        return stamps.size();
    }

    /** Caches a manifest handed in by a caller (the seed's {@code cache_manifest}). */
    void put(Manifest manifest) {
        String key = manifest.trackingNumber();
        cache.put(key, new Entry(Optional.of(manifest), clock.instant(), generations.get(stripe(key)), epoch.get()));
    }

    private void store(String key, Optional<Manifest> manifest, long generation, long loadEpoch) {
        // Skipping a put that is already stale only saves memory; correctness comes from the check in isCurrent.
        if (generations.get(stripe(key)) == generation && epoch.get() == loadEpoch) {
            cache.put(key, new Entry(manifest, clock.instant(), generation, loadEpoch));
        }
    }

    /** Invalidates these tracking numbers (bump, then remove: see the class comment). */
    void invalidate(Collection<String> trackingNumbers) {
        Set<String> keys = new LinkedHashSet<>();
        for (String t : trackingNumbers) {
            if (t != null) {
                keys.add(t);
            }
        }
        keys.forEach(k -> generations.incrementAndGet(stripe(k)));
        cache.invalidateAll(keys);
    }

    void invalidateAll() {
        epoch.incrementAndGet();
        cache.invalidateAll();
    }

    /** The fresh entry of a number, without loading or counting (the admin cache view). */
    Optional<Entry> peek(String trackingNumber) {
        Entry entry = cache.getIfPresent(trackingNumber);
        return entry != null && isCurrent(trackingNumber, entry) ? Optional.of(entry) : Optional.empty();
    }

    /** Of these numbers, those queried within the preload window. */
    List<String> recentlyQueried(Collection<String> trackingNumbers) {
        return trackingNumbers.stream().filter(t -> t != null && recentlyQueried.getIfPresent(t) != null).toList();
    }

    Instant expiresAt(Entry entry) {
        return entry.cachedAt().plus(properties.manifestCacheTtl());
    }

    long size() {
        return cache.estimatedSize();
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }

    double hitRate() {
        long h = hits.sum();
        long total = h + misses.sum();
        return total == 0 ? 0.0 : (double) h / total;
    }

    private boolean isCurrent(String key, Entry entry) {
        return entry.epoch() == epoch.get() && entry.generation() == generations.get(stripe(key));
    }

    private static int stripe(String key) {
        return (key.hashCode() * 0x9E3779B9) >>> 20;
    }
}
