package com.tallytrack.sync.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.SyncProperties;

/**
 * Per-key invalidation of the manifest cache: no false sharing between numbers (a hot set survives an import-sized
 * invalidation stream of other numbers), and the no-stale-read guarantee under seeded random interleavings of
 * lookups, writes and invalidations (single-threaded and reproducible: the database stand-in runs the other
 * "threads'" steps at the two points where a lookup can be overtaken — before and after its read), plus a
 * multi-threaded stress run.
 */
class ManifestCachePerKeyTest {

    static Manifest row(String trackingNumber, int version) {
        return new Manifest(1, trackingNumber, LocalDate.of(2024, 1, 1), "T", "C", "G", "P" + version,
                BigDecimal.ONE, null, null, null, null, version, Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void aHotSetKeepsItsHitRateDuringAHundredThousandRowImportOfOtherNumbers() {
        ManifestService manifests = mock(ManifestService.class, withSettings().stubOnly());
        when(manifests.findByTrackingNumber(anyString())).thenAnswer(inv -> Optional.of(row(inv.getArgument(0), 0)));
        ManifestCache cache = new ManifestCache(manifests, ManifestCacheRaceTest.defaults(), Clock.systemUTC());
        List<String> hot = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            hot.add("HOT" + i);
            cache.get("HOT" + i);
        }
        Random random = new Random(42);
        long hits = 0;
        long reads = 0;
        // 100 import batches of 1,000 rows each (the import's batch size): each batch is one bulk invalidation
        for (int batch = 0; batch < 100; batch++) {
            List<String> imported = new ArrayList<>(1000);
            for (int i = 0; i < 1000; i++) {
                imported.add("IMP" + batch + "-" + i);
            }
            cache.invalidate(imported);
            for (int i = 0; i < 1000; i++) {
                long before = cache.hits();
                cache.get(hot.get(random.nextInt(hot.size())));
                hits += cache.hits() - before;
                reads++;
            }
        }
        double hitRate = (double) hits / reads;
        assertThat(hitRate).as("hot-set hit rate during the import").isGreaterThanOrEqualTo(0.99);
    }

    /**
     * One stub-only stand-in for the database for all scenarios (creating a mock per seed, or recording every call,
     * would dominate the run); it answers from the current scenario.
     */
    static final AtomicReference<Scenario> CURRENT = new AtomicReference<>();
    static final ManifestService DATABASE = database();
    static final SyncProperties DEFAULTS = ManifestCacheRaceTest.defaults();

    static ManifestService database() {
        ManifestService manifests = mock(ManifestService.class, withSettings().stubOnly());
        when(manifests.findByTrackingNumber(anyString())).thenAnswer(inv -> CURRENT.get().read(inv.getArgument(0)));
        when(manifests.findByTrackingNumbers(anyCollection()))
                .thenAnswer(inv -> CURRENT.get().readAll(inv.getArgument(0)));
        return manifests;
    }

    /** A version per number; reading may let other "threads'" steps overtake the lookup. */
    static final class Scenario {
        final Random random;
        final long seed;
        final List<String> keys = List.of("K0", "K1", "K2", "K3");
        final Map<String, Integer> database = new HashMap<>();
        final ManifestCache cache;
        int depth;
        int steps;

        Scenario(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            keys.forEach(k -> database.put(k, 0));
            cache = new ManifestCache(DATABASE, DEFAULTS, Clock.systemUTC());
            CURRENT.set(this);
        }

        Optional<Manifest> read(String key) {
            overtake(); // steps between registering and reading
            Manifest value = row(key, database.get(key));
            overtake(); // steps between reading and putting: the race the guarantee is about
            return Optional.of(value);
        }

        Map<String, Manifest> readAll(Collection<String> wanted) {
            overtake();
            Map<String, Manifest> found = new HashMap<>();
            for (String k : wanted) {
                found.put(k, row(k, database.get(k)));
            }
            overtake();
            return found;
        }

        void overtake() {
            if (depth < 3) {
                int n = random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    step();
                }
            }
        }

        String key() {
            return keys.get(random.nextInt(keys.size()));
        }

        /** One step of some "thread": a lookup, a committed write applied on this node, a preload, ... */
        void step() {
            steps++;
            depth++;
            try {
                switch (random.nextInt(6)) {
                    case 0, 1 -> lookup(key());
                    case 2 -> write(key());
                    case 3 -> {
                        String k = key();
                        database.merge(k, 1, Integer::sum); // commit…
                        cache.invalidateAll(); // …applied as a full resynchronisation
                    }
                    case 4 -> cache.loadAll(List.of(key(), key()));
                    default -> cache.load(key());
                }
            } finally {
                depth--;
            }
        }

        void write(String key) {
            database.merge(key, 1, Integer::sum); // the commit…
            cache.invalidate(List.of(key)); // …then this node applies the change-log entry
        }

        void lookup(String key) {
            int committed = database.get(key);
            int seen = cache.get(key).orElseThrow().version();
            if (seen < committed) {
                fail("seed " + seed + ": a lookup of " + key + " that began after version " + committed
                        + " committed returned version " + seen);
            }
        }

        void checkQuiescent() {
            assertThat(cache.loadsInFlight()).as("seed %d: lookups left registered", seed).isZero();
            for (String k : keys) {
                cache.peek(k).ifPresent(e -> assertThat(e.manifest().orElseThrow().version())
                        .as("seed %d: cached %s is stale", seed, k).isEqualTo(database.get(k)));
            }
        }
    }

    @Test
    void noInterleavingOfLookupsWritesAndInvalidationsLeavesAStaleEntry() {
        long totalSteps = 0;
        for (long seed = 1; seed <= 2000; seed++) {
            Scenario s = new Scenario(seed);
            try {
                for (int i = 0; i < 40; i++) {
                    s.step();
                    s.checkQuiescent();
                }
            } catch (AssertionError e) {
                throw new AssertionError("failed with seed " + seed + " (rerun: new Scenario(" + seed + "))", e);
            }
            totalSteps += s.steps;
        }
        assertThat(totalSteps).isGreaterThan(100_000); // the interleavings did nest
    }

    @Test
    void concurrentLookupsNeverSeeAVersionOlderThanTheLastAppliedWrite() throws Exception {
        long seed = System.nanoTime();
        Map<String, Integer> database = new ConcurrentHashMap<>();
        List<String> keys = List.of("C0", "C1", "C2");
        keys.forEach(k -> database.put(k, 0));
        ManifestService manifests = mock(ManifestService.class, withSettings().stubOnly());
        when(manifests.findByTrackingNumber(anyString())).thenAnswer(inv -> {
            String k = inv.getArgument(0);
            Manifest value = row(k, database.get(k));
            Thread.yield(); // widen the read-to-put window
            return Optional.of(value);
        });
        ManifestCache cache = new ManifestCache(manifests, ManifestCacheRaceTest.defaults(), Clock.systemUTC());
        Map<String, Integer> applied = new ConcurrentHashMap<>(database);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(3);
        for (int t = 0; t < 3; t++) {
            Random random = new Random(seed + t);
            Thread reader = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        String k = keys.get(random.nextInt(keys.size()));
                        int floor = applied.get(k); // applied before this lookup began
                        int seen = cache.get(k).orElseThrow().version();
                        if (seen < floor) {
                            failure.compareAndSet(null, k + ": saw " + seen + " after " + floor + " was applied");
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
            reader.setDaemon(true);
            reader.start();
        }
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            String k = keys.get(random.nextInt(keys.size()));
            int next = database.merge(k, 1, Integer::sum);
            if (random.nextInt(50) == 0) {
                cache.invalidateAll();
            } else {
                cache.invalidate(List.of(k));
            }
            applied.put(k, next);
            if (i % 100 == 0) {
                Thread.yield();
            }
        }
        stop.set(true);
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).as("seed %d", seed).isNull();
        for (String k : keys) {
            cache.peek(k).ifPresent(e -> assertThat(e.manifest().orElseThrow().version())
                    .isEqualTo(database.get(k)));
        }
        assertThat(cache.loadsInFlight()).isZero();
    }
}
