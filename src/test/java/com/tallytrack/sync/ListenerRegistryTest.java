package com.tallytrack.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;

import com.tallytrack.sync.listen.ListenerRegistry;

/** Delivery to listeners: asynchronous, isolated, bounded, with a defined overflow. */
class ListenerRegistryTest {

    static ListenerRegistry registry(int queueCapacity) {
        MockEnvironment env = new MockEnvironment()
                .withProperty("tallytrack.sync.listener-queue-capacity", String.valueOf(queueCapacity))
                .withProperty("tallytrack.sync.listener-threads", "2")
                .withProperty("tallytrack.sync.slow-listener-threshold", "50ms");
        SyncProperties properties = Binder.get(env).bindOrCreate("tallytrack.sync", Bindable.of(SyncProperties.class));
        return new ListenerRegistry(properties, Clock.systemUTC(), "test-node");
    }

    static List<ManifestChange> batch(long seq) {
        return List.of(new ManifestChange(seq, "update", "LR" + seq, null, "P", "Q", seq, "n", Instant.now()));
    }

    @Test
    void aStuckListenerOverflowsAloneWhileOthersAndThePublisherCarryOn() throws Exception {
        ListenerRegistry registry = registry(3);
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch stuckStarted = new CountDownLatch(1);
            List<List<ManifestChange>> stuckGot = new CopyOnWriteArrayList<>();
            List<Long> fastGot = new CopyOnWriteArrayList<>();
            AtomicInteger failures = new AtomicInteger();
            Registration stuck = registry.register(changes -> {
                stuckStarted.countDown();
                stuckGot.add(changes);
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Registration failing = registry.register(changes -> {
                failures.incrementAndGet();
                throw new IllegalStateException("boom");
            });
            Registration fast = registry.register(changes -> changes.forEach(c -> fastGot.add(c.sequence())));
            registry.publish(batch(1));
            assertThat(stuckStarted.await(20, TimeUnit.SECONDS)).isTrue();
            long stuckSince = System.nanoTime();
            for (long seq = 2; seq <= 20; seq++) {
                long start = System.nanoTime();
                registry.publish(batch(seq));
                // never waits for the stuck listener (held until released); the bound leaves room for a loaded machine
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                long expected = seq;
                // the others keep being served while the stuck one holds its thread
                SyncTestSupport.await(Duration.ofSeconds(20), () -> fastGot.size() == expected);
            }
            assertThat(fastGot).isSorted();
            SyncTestSupport.await(Duration.ofSeconds(20), () -> registry.figures().failures() == failures.get()
                    && failures.get() >= 10);
            assertThat(registry.figures().overflows()).isPositive(); // the stuck one: 18 batches, room for 3

            // hold the stuck delivery past the 50 ms slow threshold before releasing it
            long stuckFor = System.nanoTime() - stuckSince;
            if (stuckFor < 80_000_000L) {
                Thread.sleep((80_000_000L - stuckFor) / 1_000_000L + 1);
            }
            release.countDown();
            SyncTestSupport.await(Duration.ofSeconds(20),
                    () -> stuckGot.stream().anyMatch(b -> b.get(0).invalidatesAll()));
            List<ManifestChange> last = stuckGot.get(stuckGot.size() - 1);
            assertThat(last.get(0).invalidatesAll()).isTrue();
            assertThat(last.get(0).sequence()).isEqualTo(20);
            assertThat(registry.figures().slow()).isPositive();
            assertThat(registry.active()).isEqualTo(3);
            stuck.close();
            failing.close();
            fast.close();
            stuck.close();
            assertThat(registry.active()).isZero();
        } finally {
            registry.shutdown();
        }
    }
}
