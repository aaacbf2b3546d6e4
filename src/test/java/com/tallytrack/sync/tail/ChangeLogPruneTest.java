package com.tallytrack.sync.tail;

import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.context.ActiveProfiles;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.ManifestChange;
import com.tallytrack.sync.RecordingCarrierCache;
import com.tallytrack.sync.SyncHealth;
import com.tallytrack.sync.SyncProperties;
import com.tallytrack.sync.SyncService;
import com.tallytrack.sync.SyncTestSupport;
import com.tallytrack.sync.cache.ManifestCache;
import com.tallytrack.sync.listen.ListenerRegistry;
import com.tallytrack.sync.log.ChangeLog;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Pruning keeps what a live node still needs; a node that fell behind the pruned horizon resynchronises fully. */
class ChangeLogPruneTest {

    /** A clock the test moves forward. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.now();

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @SpringBootTest
    @AutoConfigureMockMvc
    @ActiveProfiles("test")
    @Import(SyncTestSupport.class)
    abstract static class Base {

        @Autowired
        ManifestService manifests;
        @Autowired
        ChangeLog changeLog;
        @Autowired
        SyncService sync;
        @Autowired
        JdbcClient jdbc;

        /** A node of its own (cache, carrier cache, listeners, clock) on the application's change log. */
        final class Lagger implements AutoCloseable {
            final TestClock clock = new TestClock();
            final SyncProperties properties;
            final ManifestCache cache;
            final RecordingCarrierCache carrier;
            final ListenerRegistry listeners;
            final List<ManifestChange> heard = new CopyOnWriteArrayList<>();
            final ChangeLogTailer tailer;

            Lagger(RecordingCarrierCache carrier, String... props) {
                MockEnvironment env = new MockEnvironment().withProperty("tallytrack.sync.poll-interval", "1h");
                for (int i = 0; i < props.length; i += 2) {
                    env.withProperty(props[i], props[i + 1]);
                }
                properties = Binder.get(env).bindOrCreate("tallytrack.sync", Bindable.of(SyncProperties.class));
                cache = new ManifestCache(manifests, properties, clock);
                this.carrier = carrier;
                listeners = new ListenerRegistry(properties, clock, "lagger");
                listeners.register(heard::addAll);
                tailer = new ChangeLogTailer(changeLog, cache, carrier, listeners, properties, clock,
                        unique("lagger-"), new SimpleMeterRegistry());
            }

            /** Prunes everything past retention, this node having been silent beyond the node timeout. */
            int pruneAsIfSilent() {
                clock.now = clock.now.plus(properties.nodeTimeout()).plusSeconds(60);
                Instant later = clock.now;
                return changeLog.prune(later.plus(Duration.ofDays(30)), 1, later.minus(properties.nodeTimeout()),
                        later.minus(Duration.ofDays(1)));
            }

            @Override
            public void close() {
                tailer.stop();
                listeners.shutdown();
            }
        }

        @Test
        void pruningKeepsWhatALiveNodeNeedsAndALaggingNodeResynchronisesFully() {
            Manifest first = manifests.create(manifest(unique("PR"), "PR-1"));
            long firstSeq = sync.statistics().latestSequence();
            ChangeLog.Position afterFirst = changeLog.head();
            manifests.create(manifest(unique("PR"), "PR-2"));
            manifests.create(manifest(unique("PR"), "PR-3"));
            long latest = sync.statistics().latestSequence();

            // a lagging node positioned after the first entry, never polling
            try (Lagger lagger = new Lagger(new RecordingCarrierCache())) {
                lagger.tailer.start(afterFirst);
                lagger.cache.get(first.trackingNumber());
                Instant now = Instant.now();
                // everything is past retention, but the lagging node is live: nothing after its position goes
                changeLog.prune(now.plus(Duration.ofDays(30)), 1, now.minus(lagger.properties.nodeTimeout()),
                        now.minus(Duration.ofDays(1)));
                assertThat(changeLog.prunedPast(afterFirst)).isFalse();
                assertThat(count(firstSeq, latest)).as("entries of PR-2 and PR-3").isEqualTo(2);

                // the lagging node stays silent beyond the node timeout: it no longer holds pruning back
                int deleted = lagger.pruneAsIfSilent();
                assertThat(deleted).isPositive();
                assertThat(changeLog.prunedPast(afterFirst)).isTrue();
                assertThat(changeLog.latestSeq()).isGreaterThanOrEqualTo(latest); // the newest entry stays

                // when it wakes it finds the entries it needed gone, and invalidates everything instead
                lagger.tailer.catchUp();
                assertThat(lagger.tailer.fullResyncs()).isEqualTo(1);
                assertThat(lagger.carrier.invalidateAllCalls.get()).isEqualTo(1);
                assertThat(lagger.cache.peek(first.trackingNumber())).isEmpty();
                assertThat(lagger.tailer.appliedSeq()).isGreaterThanOrEqualTo(changeLog.latestSeq());
                assertThat(lagger.tailer.lastFullResyncReason()).contains("pruned");
                SyncTestSupport.await(Duration.ofSeconds(5), () -> lagger.heard.stream().anyMatch(
                        ManifestChange::invalidatesAll));
                // the application's own node was live throughout and is unaffected
                SyncHealth health = sync.health();
                assertThat(health.status()).as("reasons: %s", health.reasons()).isEqualTo(SyncHealth.HEALTHY);
            }
        }

        /**
         * Issue 9 defect 3: the pruned horizon was checked only before reading (and only when a heartbeat was
         * due), so entries pruned while a node was held in the middle of a catch-up were skipped silently. Here the
         * node is held inside its first batch (batch size 1), another node prunes past it meanwhile, and the node
         * must notice after that batch and resynchronise fully.
         */
        @Test
        void aNodeHeldInItsCatchUpAcrossAPruneResynchronisesFully() throws Exception {
            ChangeLog.Position before = changeLog.head();
            List<String> numbers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String tn = unique("PH" + i);
                manifests.create(manifest(tn, "PH-" + i));
                numbers.add(tn);
            }
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean first = new AtomicBoolean(true);
            RecordingCarrierCache holding = new RecordingCarrierCache() {
                @Override
                public void invalidate(Collection<String> queryNumbers) {
                    super.invalidate(queryNumbers);
                    if (first.getAndSet(false)) {
                        held.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS); // a paused JVM, a long GC
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            try (Lagger lagger = new Lagger(holding, "tallytrack.sync.batch-size", "1")) {
                lagger.tailer.start(before);
                for (String tn : numbers) {
                    lagger.cache.get(tn);
                }
                CompletableFuture<Integer> step = CompletableFuture.supplyAsync(lagger.tailer::catchUp);
                assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(lagger.pruneAsIfSilent()).isPositive();
                // the entries of numbers 1..3 are gone now; a silent skip would leave them cached
                assertThat(lagger.cache.peek(numbers.get(2))).isPresent();
                release.countDown();
                step.get(30, TimeUnit.SECONDS);
                assertThat(lagger.tailer.fullResyncs()).as("full resyncs").isEqualTo(1);
                for (String tn : numbers) {
                    assertThat(lagger.cache.peek(tn)).as("cached %s after the resync", tn).isEmpty();
                }
                assertThat(lagger.carrier.invalidateAllCalls.get()).isEqualTo(1);
            }
        }

        /**
         * A node stopped (Lifecycle stop) while more entries than retention keeps were written and pruned: on
         * restart it finds its position pruned and resynchronises fully, before start returns.
         */
        @Test
        void aRestartWithABacklogLargerThanRetentionResynchronisesFully() {
            Manifest m = manifests.create(manifest(unique("PB"), "PB-0"));
            try (Lagger lagger = new Lagger(new RecordingCarrierCache(), "tallytrack.sync.retention-max-entries",
                    "3")) {
                lagger.tailer.start();
                assertThat(lagger.cache.get(m.trackingNumber())).isPresent();
                lagger.tailer.stop(); // leaves sync_node: it holds nothing back any more
                for (int i = 1; i <= 6; i++) {
                    Manifest current = manifests.findByTrackingNumber(m.trackingNumber()).orElseThrow();
                    manifests.update(current.id(), current.version(), manifest(m.trackingNumber(), "PB-" + i),
                            Set.of("package_number"));
                }
                Instant now = Instant.now();
                // by count only (retention 3); every node counts as silent, so no heartbeat holds the prune back
                assertThat(changeLog.prune(now.minus(Duration.ofDays(30)), lagger.properties.retentionMaxEntries(),
                        now.plusSeconds(1), now.minus(Duration.ofDays(1)))).isPositive();
                lagger.tailer.start();
                assertThat(lagger.tailer.fullResyncs()).isEqualTo(1);
                assertThat(lagger.tailer.caughtUp()).isTrue();
                assertThat(lagger.cache.peek(m.trackingNumber())).isEmpty();
                assertThat(lagger.cache.get(m.trackingNumber()).orElseThrow().packageNumber()).isEqualTo("PB-6");
            }
        }

        long count(long after, long upTo) {
            return jdbc.sql("SELECT COUNT(*) FROM sync_change_entry WHERE seq > :a AND seq <= :b")
                    .param("a", after).param("b", upTo).query(Long.class).single();
        }
    }

    // Runs as ChangeLogPruneH2Test and ChangeLogPrunePostgresTest:
    // top-level classes, so the default surefire includes find them.
}
