package com.tallytrack.sync.cache;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.SyncProperties;

/**
 * The manifest-lookup cache (理货单缓存): tracking number → manifest, or "no manifest" (negative lookups are cached
 * too), bounded in size, expiring after {@code tallytrack.sync.manifest-cache-ttl}.
 *
 * <p><b>Per-key invalidation.</b> Invalidating a number removes that number's entry and nothing else: a 100k-row
 * import of other numbers leaves every other cached number alone (the former 4,096 invalidation stripes made one
 * 1,000-row batch kill about a fifth of all entries).
 *
 * <p><b>No stale read.</b> A lookup that misses reads the database and then puts what it read; a change may commit
 * and be invalidated between the read and the put, and the put must not bring the old value back. Every lookup in
 * flight is therefore registered, per number, in {@code loading} before it reads the database; an invalidation
 * marks the registered lookups of its numbers stale and then removes the entries; a lookup puts its result only
 * if it was not marked, and it checks and puts inside {@code loading.compute} for its number, the same per-key
 * lock the marking takes. So either the put happened before the mark (and the removal that follows the mark
 * drops it), or the lookup sees the mark and does not put. A lookup registered after the mark began after the
 * invalidating commit was applied, so what it read is current. {@code loading} holds only lookups in flight: it is
 * bounded by the number of threads, not by the number of keys ever invalidated.
 */
public final class ManifestCache {

    /** One cached lookup; {@code manifest} empty means "no manifest for this number". */
    public record Entry(Optional<Manifest> manifest, Instant cachedAt) {
    }

    /** The lookups of one number in flight that began after its last invalidation; guarded by its map slot. */
    private static final class Loading {
        int lookups;
        boolean invalidated;
    }

    private final Cache<String, Entry> cache;
    private final Cache<String, Boolean> recentlyQueried;
    private final ConcurrentHashMap<String, Loading> loading = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final ManifestService manifests;
    private final SyncProperties properties;
    private final Clock clock;

    public ManifestCache(ManifestService manifests, SyncProperties properties, Clock clock) {
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
    public Optional<Manifest> get(String trackingNumber) {
        if (recentlyQueried.getIfPresent(trackingNumber) == null) { // a read refreshes the window; write only once
            recentlyQueried.put(trackingNumber, Boolean.TRUE);
        }
        Entry entry = cache.getIfPresent(trackingNumber);
        if (entry != null) {
            hits.increment();
            return entry.manifest();
        }
        misses.increment();
        return load(trackingNumber);
    }

    /** Reads one number from the database and caches the result (force-sync, preload). */
    public Optional<Manifest> load(String trackingNumber) {
        Loading mine = register(trackingNumber);
        Optional<Manifest> manifest = Optional.empty();
        boolean read = false;
        try {
            manifest = manifests.findByTrackingNumber(trackingNumber);
            read = true;
        } finally {
            finish(trackingNumber, mine, read ? manifest : null);
        }
        return manifest;
    }

    /** Reads many numbers in one query and caches the results, found or not (preload after a change). */
    int loadAll(Collection<String> trackingNumbers) {
        Map<String, Loading> mine = new LinkedHashMap<>();
        for (String t : trackingNumbers) {
            if (t != null && !mine.containsKey(t)) {
                mine.put(t, register(t));
            }
        }
        if (mine.isEmpty()) {
            return 0;
        }
        Map<String, Manifest> found = null;
        try {
            found = manifests.findByTrackingNumbers(mine.keySet());
        } finally {
            Map<String, Manifest> result = found;
            mine.forEach((t, l) -> finish(t, l, result == null ? null : Optional.ofNullable(result.get(t))));
        }
        return mine.size();
    }

    /** Caches a manifest handed in by a caller (the seed's {@code cache_manifest}). */
    void put(Manifest manifest) {
        cache.put(manifest.trackingNumber(), new Entry(Optional.of(manifest), clock.instant()));
    }

    private Loading register(String key) {
        Loading[] mine = new Loading[1];
        loading.compute(key, (k, current) -> {
            Loading l = current == null || current.invalidated ? new Loading() : current;
            l.lookups++;
            mine[0] = l;
            return l;
        });
        return mine[0];
    }

    /** Puts what the lookup read unless an invalidation marked it meanwhile; {@code null}: the read failed. */
    private void finish(String key, Loading mine, Optional<Manifest> manifest) {
        loading.compute(key, (k, current) -> {
            if (manifest != null && !mine.invalidated) {
                cache.put(key, new Entry(manifest, clock.instant()));
            }
            mine.lookups--;
            return current == mine && mine.lookups == 0 ? null : current;
        });
    }

    /** Invalidates these tracking numbers (mark the lookups in flight, then remove: see the class comment). */
    public void invalidate(Collection<String> trackingNumbers) {
        Set<String> keys = new LinkedHashSet<>();
        for (String t : trackingNumbers) {
            if (t != null) {
                keys.add(t);
            }
        }
        keys.forEach(this::markLoading); // a map lookup per number when nothing is loading
        cache.invalidateAll(keys);
    }

    private void markLoading(String key) {
        loading.computeIfPresent(key, (k, l) -> {
            l.invalidated = true;
            return l;
        });
    }

    public void invalidateAll() {
        // every lookup registered before this sweep is marked; one registered later reads after the change
        loading.keySet().forEach(this::markLoading);
        cache.invalidateAll();
    }

    /** The fresh entry of a number, without loading or counting (the admin cache view). */
    public Optional<Entry> peek(String trackingNumber) {
        return Optional.ofNullable(cache.getIfPresent(trackingNumber));
    }

    /** Of these numbers, those queried within the preload window. */
    List<String> recentlyQueried(Collection<String> trackingNumbers) {
        return trackingNumbers.stream().filter(t -> t != null && recentlyQueried.getIfPresent(t) != null).toList();
    }

    public Instant expiresAt(Entry entry) {
        return entry.cachedAt().plus(properties.manifestCacheTtl());
    }

    public long size() {
        return cache.estimatedSize();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public double hitRate() {
        long h = hits.sum();
        long total = h + misses.sum();
        return total == 0 ? 0.0 : (double) h / total;
    }

    /** Lookups in flight (tests: the registry empties itself). */
    int loadsInFlight() {
        return loading.size();
    }
}
