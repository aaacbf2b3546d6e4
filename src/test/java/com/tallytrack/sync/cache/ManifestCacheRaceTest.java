package com.tallytrack.sync.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.SyncProperties;

/**
 * The race the stamps exist for, made deterministic: a lookup reads the old row, the change commits and is
 * invalidated, then the lookup's put lands. The next read must not return the old value.
 */
class ManifestCacheRaceTest {

    static Manifest row(String pkg, int version) {
        return new Manifest(1, "RACE0001", LocalDate.of(2024, 1, 1), "T", "C", "G", pkg, BigDecimal.ONE, null, null,
                null, null, version, Instant.EPOCH, Instant.EPOCH);
    }

    static SyncProperties defaults() {
        return Binder.get(new MockEnvironment()).bindOrCreate("tallytrack.sync", Bindable.of(SyncProperties.class));
    }

    @Test
    void aLookupThatRacedWithAnInvalidationDoesNotBringTheOldValueBack() throws Exception {
        assertRace(false);
    }

    @Test
    void aLookupThatRacedWithInvalidateAllDoesNotBringTheOldValueBack() throws Exception {
        assertRace(true);
    }

    private void assertRace(boolean all) throws Exception {
        ManifestService manifests = mock(ManifestService.class);
        AtomicReference<Manifest> database = new AtomicReference<>(row("OLD", 0));
        CountDownLatch readDone = new CountDownLatch(1);
        CountDownLatch mayPut = new CountDownLatch(1);
        when(manifests.findByTrackingNumber(anyString())).thenAnswer(inv -> {
            Manifest value = database.get();
            if (Thread.currentThread().getName().startsWith("slow-reader")) {
                readDone.countDown();
                mayPut.await(5, TimeUnit.SECONDS);
            }
            return Optional.of(value);
        });
        ManifestCache cache = new ManifestCache(manifests, defaults(), Clock.systemUTC());

        CompletableFuture<Optional<Manifest>> slow = new CompletableFuture<>();
        Thread reader = new Thread(() -> slow.complete(cache.get("RACE0001")), "slow-reader");
        reader.start();
        assertThat(readDone.await(5, TimeUnit.SECONDS)).isTrue();
        database.set(row("NEW", 1)); // the write commits…
        if (all) {
            cache.invalidateAll(); // …and is applied on this node
        } else {
            cache.invalidate(List.of("RACE0001"));
        }
        mayPut.countDown(); // now the slow lookup puts what it read before the commit
        reader.join(5000);
        assertThat(slow.get().orElseThrow().packageNumber()).isEqualTo("OLD"); // it began before the write
        assertThat(cache.get("RACE0001").orElseThrow().packageNumber()).isEqualTo("NEW");
        assertThat(cache.peek("RACE0001")).get().extracting(e -> e.manifest().orElseThrow().packageNumber())
                .isEqualTo("NEW");
    }

    @Test
    void negativeLookupsAreCachedAndCountedAndDefaultsMatchTheContract() {
        ManifestService manifests = mock(ManifestService.class);
        when(manifests.findByTrackingNumber(anyString())).thenReturn(Optional.empty());
        SyncProperties properties = defaults();
        assertThat(properties.manifestCacheTtl()).hasMinutes(30);
        assertThat(properties.pollInterval()).hasSeconds(1);
        assertThat(properties.wakeup()).isEqualTo(SyncProperties.Wakeup.AUTO);
        ManifestCache cache = new ManifestCache(manifests, properties, Clock.systemUTC());
        assertThat(cache.get("NONE0001")).isEmpty();
        assertThat(cache.get("NONE0001")).isEmpty();
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.hitRate()).isEqualTo(0.5);
        assertThat(cache.peek("NONE0001")).get().extracting(ManifestCache.Entry::manifest).isEqualTo(Optional.empty());
    }
}
