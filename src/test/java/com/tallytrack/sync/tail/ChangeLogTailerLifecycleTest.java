package com.tallytrack.sync.tail;

import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.context.ActiveProfiles;

import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.RecordingCarrierCache;
import com.tallytrack.sync.SyncProperties;
import com.tallytrack.sync.SyncTailerProperties;
import com.tallytrack.sync.SyncTestSupport;
import com.tallytrack.sync.cache.ManifestCache;
import com.tallytrack.sync.listen.ListenerRegistry;
import com.tallytrack.sync.log.ChangeLog;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Tailer lifecycle (issue 9, defect 5 / deliver 6): an {@code Error} in apply does not end the tailer for good; a
 * tailer stuck in apply is abandoned by stop, applies nothing after, and the restarted node stays not ready until
 * the new tailer caught up. A tailer of its own on the application's H2 change log.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import(SyncTestSupport.class)
class ChangeLogTailerLifecycleTest {

    @Autowired
    ManifestService manifests;
    @Autowired
    ChangeLog changeLog;

    record Node(ChangeLogTailer tailer, ManifestCache cache, ListenerRegistry listeners) implements AutoCloseable {
        @Override
        public void close() {
            tailer.stop();
            listeners.shutdown();
        }
    }

    Node node(RecordingCarrierCache carrier) {
        SyncProperties properties = Binder.get(new MockEnvironment()
                .withProperty("tallytrack.sync.poll-interval", "100ms"))
                .bindOrCreate("tallytrack.sync", Bindable.of(SyncProperties.class));
        SyncTailerProperties bounds = new SyncTailerProperties(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(30), Duration.ofMillis(300), Duration.ofMinutes(10));
        ManifestCache cache = new ManifestCache(manifests, properties, Clock.systemUTC());
        ListenerRegistry listeners = new ListenerRegistry(properties, Clock.systemUTC(), "lifecycle");
        return new Node(new ChangeLogTailer(changeLog, cache, carrier, listeners, properties, bounds,
                Clock.systemUTC(), unique("lifecycle-"), new SimpleMeterRegistry()), cache, listeners);
    }

    @Test
    void anErrorInApplyRestartsTheTailerWithBackoffAndItIsNotTailingMeanwhile() {
        AtomicBoolean failing = new AtomicBoolean(true);
        RecordingCarrierCache carrier = new RecordingCarrierCache() {
            @Override
            public void invalidate(Collection<String> queryNumbers) {
                if (failing.get()) {
                    throw new Error("injected: out of something");
                }
                super.invalidate(queryNumbers);
            }
        };
        try (Node n = node(carrier)) {
            n.tailer().start();
            String tn = unique("LE");
            manifests.create(manifest(tn, "LE-1"));
            SyncTestSupport.await(Duration.ofSeconds(10), () -> n.tailer().failures() >= 2);
            assertThat(n.tailer().tailing()).as("health says error while apply fails").isFalse();
            assertThat(n.tailer().lastError()).contains("injected");
            assertThat(n.tailer().running()).isTrue();
            failing.set(false);
            SyncTestSupport.await(Duration.ofSeconds(40), () -> carrier.invalidated(tn) && n.tailer().tailing());
        }
    }

    @Test
    void aStuckTailerIsAbandonedAndTheRestartedNodeIsNotReadyUntilTheNewOneCaughtUp() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> stuckThread = new AtomicReference<>();
        AtomicBoolean block = new AtomicBoolean(true);
        RecordingCarrierCache carrier = new RecordingCarrierCache() {
            @Override
            public void invalidate(Collection<String> queryNumbers) {
                super.invalidate(queryNumbers);
                if (Thread.currentThread().getName().startsWith("sync-tailer") && block.getAndSet(false)) {
                    stuckThread.set(Thread.currentThread());
                    stuck.countDown();
                    // stuck in I/O that ignores interrupts
                    while (release.getCount() > 0) {
                        try {
                            release.await();
                        } catch (InterruptedException ignored) {
                            // keep waiting, as a blocking socket read would
                        }
                    }
                }
            }
        };
        List<Boolean> readiness = new CopyOnWriteArrayList<>();
        try (Node n = node(carrier)) {
            n.tailer().onReadinessChange(readiness::add);
            n.tailer().start();
            String first = unique("LS");
            manifests.create(manifest(first, "LS-1"));
            assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            n.tailer().stop();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            String second = unique("LS");
            manifests.create(manifest(second, "LS-2"));
            n.cache().get(second);
            n.tailer().start(); // the stuck thread still holds the apply lock: the resume catch-up cannot run
            assertThat(n.tailer().caughtUp()).isFalse();
            assertThat(n.tailer().tailing()).isFalse();
            assertThat(readiness).containsExactly(false);
            assertThat(n.cache().peek(second)).as("caches emptied while not caught up").isEmpty();
            int abandonedApplied = carrier.invalidations.size();
            release.countDown();
            stuckThread.get().join(10_000);
            assertThat(stuckThread.get().isAlive()).as("the abandoned thread ends").isFalse();
            // the readiness hook runs just after caughtUp is set: wait for both
            SyncTestSupport.await(Duration.ofSeconds(20), () -> n.tailer().caughtUp() && readiness.size() == 2);
            assertThat(readiness).containsExactly(false, true);
            assertThat(n.tailer().tailing()).isTrue();
            assertThat(carrier.invalidated(second)).isTrue();
            assertThat(carrier.invalidations.size()).isGreaterThan(abandonedApplied);
            long tailers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("sync-tailer-") && t.isAlive()
                            && t.getName().equals("sync-tailer-" + n.tailer().generation()))
                    .count();
            assertThat(tailers).isEqualTo(1);
            assertThat(n.tailer().abandonedThreads()).isEqualTo(1);
        }
    }
}
