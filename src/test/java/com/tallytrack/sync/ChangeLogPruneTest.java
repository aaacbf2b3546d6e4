package com.tallytrack.sync;

import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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

        @Test
        void pruningKeepsWhatALiveNodeNeedsAndALaggingNodeResynchronisesFully() {
            Manifest first = manifests.create(manifest(unique("PR"), "PR-1"));
            long firstSeq = sync.statistics().latestSequence();
            manifests.create(manifest(unique("PR"), "PR-2"));
            manifests.create(manifest(unique("PR"), "PR-3"));
            long latest = sync.statistics().latestSequence();

            // a lagging node: its own cache, carrier cache and clock, positioned at the first entry, never polling
            SyncProperties properties = Binder.get(new MockEnvironment()
                    .withProperty("tallytrack.sync.poll-interval", "1h"))
                    .bindOrCreate("tallytrack.sync", Bindable.of(SyncProperties.class));
            TestClock clock = new TestClock();
            ManifestCache laggingCache = new ManifestCache(manifests, properties, clock);
            RecordingCarrierCache laggingCarrier = new RecordingCarrierCache();
            ListenerRegistry laggingListeners = new ListenerRegistry(properties, clock, "lagger");
            List<ManifestChange> heard = new CopyOnWriteArrayList<>();
            laggingListeners.register(heard::addAll);
            String laggerId = unique("lagger-");
            ChangeLogTailer lagger = new ChangeLogTailer(changeLog, laggingCache, laggingCarrier, laggingListeners,
                    properties, clock, laggerId, new SimpleMeterRegistry());
            lagger.start(firstSeq);
            try {
                laggingCache.get(first.trackingNumber());
                Instant now = Instant.now();
                // everything is past retention, but the lagging node is live: nothing after its position goes
                changeLog.prune(now.plus(Duration.ofDays(30)), 1, now.minus(properties.nodeTimeout()),
                        now.minus(Duration.ofDays(1)));
                assertThat(changeLog.prunedThrough()).isLessThanOrEqualTo(firstSeq);
                assertThat(count(firstSeq, latest)).isEqualTo(latest - firstSeq);

                // the lagging node stays silent beyond the node timeout: it no longer holds pruning back
                clock.now = clock.now.plus(properties.nodeTimeout()).plusSeconds(60);
                Instant later = clock.now;
                int deleted = changeLog.prune(later.plus(Duration.ofDays(30)), 1,
                        later.minus(properties.nodeTimeout()), later.minus(Duration.ofDays(1)));
                assertThat(deleted).isPositive();
                assertThat(changeLog.prunedThrough()).isGreaterThan(firstSeq);
                assertThat(changeLog.latestSeq()).isGreaterThanOrEqualTo(latest); // the newest entry stays

                // when it wakes it finds the entries it needed gone, and invalidates everything instead
                lagger.catchUp();
                assertThat(lagger.fullResyncs()).isEqualTo(1);
                assertThat(laggingCarrier.invalidateAllCalls.get()).isEqualTo(1);
                assertThat(laggingCache.peek(first.trackingNumber())).isEmpty();
                assertThat(lagger.appliedSeq()).isGreaterThanOrEqualTo(changeLog.latestSeq());
                SyncTestSupport.await(Duration.ofSeconds(5), () -> heard.stream().anyMatch(
                        ManifestChange::invalidatesAll));
                // the application's own node was live throughout and is unaffected
                SyncHealth health = sync.health();
                assertThat(health.status()).as("reasons: %s", health.reasons()).isEqualTo(SyncHealth.HEALTHY);
            } finally {
                lagger.stop();
                laggingListeners.shutdown();
            }
        }

        long count(long after, long upTo) {
            return jdbc.sql("SELECT COUNT(*) FROM sync_change_log WHERE seq > :a AND seq <= :b")
                    .param("a", after).param("b", upTo).query(Long.class).single();
        }
    }

    // Runs as ChangeLogPruneH2Test and ChangeLogPrunePostgresTest:
    // top-level classes, so the default surefire includes find them.
}
