package com.tallytrack.sync;

import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.common.ApiException;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.log.ChangeLog;
import com.tallytrack.tracking.PackageResolver;

/**
 * The two concurrency guarantees, on H2 and PostgreSQL: no stale read after a write returned, and a tailer reading
 * {@code seq > last} never skips a slower transaction's entry.
 */
class ConsistencyTest {

    @SpringBootTest
    @AutoConfigureMockMvc
    @ActiveProfiles("test")
    @Import(SyncTestSupport.class)
    abstract static class Base {

        @Autowired
        ManifestService manifests;
        @Autowired
        PackageResolver resolver;
        @Autowired
        PlatformTransactionManager transactionManager;
        @Autowired
        JdbcClient jdbc;
        @Autowired
        SyncService sync;

        /**
         * Seeded stress loop: writers change package numbers of their own manifests while readers resolve all of
         * them. A reader notes the version last returned by a completed write before it resolves; the resolved
         * manifest must be at least that new. Every writer also reads its own write back at once.
         */
        @Test
        void afterAWriteReturnsEveryLaterReadSeesIt() throws Exception {
            long seed = Long.getLong("sync.stress.seed", System.nanoTime());
            int writers = 3;
            int readers = 6;
            int writesPerWriter = 150;
            List<String> numbers = new ArrayList<>();
            Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();
            for (int i = 0; i < writers * 3; i++) {
                String tn = unique("NS" + i);
                Manifest m = manifests.create(manifest(tn, "NS-0"));
                numbers.add(tn);
                completed.put(tn, new AtomicInteger(m.version()));
                resolver.resolve(tn);
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong reads = new AtomicLong();
            List<String> stale = new CopyOnWriteArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
            List<Future<?>> writerFutures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writerFutures.add(pool.submit(() -> {
                    Random random = new Random(seed + writer);
                    for (int i = 0; i < writesPerWriter; i++) {
                        String tn = numbers.get(writer + writers * random.nextInt(3));
                        Manifest current = manifests.findByTrackingNumber(tn).orElseThrow();
                        String pkg = "NS-" + writer + "-" + i;
                        Manifest after = manifests.update(current.id(), current.version(), manifest(tn, pkg),
                                Set.of("package_number"));
                        completed.get(tn).accumulateAndGet(after.version(), Math::max);
                        Manifest seen = resolver.resolve(tn).orElseThrow();
                        if (seen.version() < after.version()) {
                            stale.add("writer read " + seen.packageNumber() + " after writing " + pkg);
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < readers; r++) {
                int reader = r;
                pool.submit(() -> {
                    Random random = new Random(seed * 31 + reader);
                    while (writing.get()) {
                        String tn = numbers.get(random.nextInt(numbers.size()));
                        int mustSee = completed.get(tn).get();
                        Manifest seen = resolver.resolve(tn).orElseThrow();
                        reads.incrementAndGet();
                        if (seen.version() < mustSee) {
                            stale.add("reader saw version " + seen.version() + " after version " + mustSee
                                    + " was written");
                        }
                    }
                    return null;
                });
            }
            try {
                for (Future<?> f : writerFutures) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                writing.set(false);
                pool.shutdown();
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(stale).as("stale reads (seed %d)", seed).isEmpty();
            assertThat(reads.get() + writers * writesPerWriter).isGreaterThan(2000);
            assertThat(sync.statistics().cacheHits()).isPositive();
        }

        /**
         * Writers pause between their change and their commit while others commit, so entries commit out of
         * sequence order (on PostgreSQL there is no append lock any more). A reader doing what the tailer does —
         * each step reads what its new snapshot sees finished and the previous one did not — must see every one.
         */
        @Test
        void aTailerReadingByItsPositionNeverSkipsASlowerTransaction() throws Exception {
            ChangeLog log = new ChangeLog(transactionManager, dataSource());
            long start = sync.statistics().latestSequence();
            Set<Long> seen = ConcurrentHashMap.newKeySet();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            ChangeLog.Position initial = log.head();
            Thread tailer = new Thread(() -> {
                try {
                    ChangeLog.Position position = initial;
                    while (running.get()) {
                        String target = log.stepTarget();
                        ChangeLog.Entry last = null;
                        List<ChangeLog.Entry> batch;
                        do {
                            batch = log.read(position, target, last, 7);
                            for (ChangeLog.Entry e : batch) {
                                seen.add(e.change().sequence());
                                last = e;
                            }
                        } while (batch.size() == 7);
                        position = log.advance(position, target, last);
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            tailer.start();
            String prefix = unique("OR");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    Random random = new Random(writer);
                    TransactionTemplate tx = new TransactionTemplate(transactionManager);
                    for (int i = 0; i < 20; i++) {
                        int n = i;
                        tx.executeWithoutResult(status -> {
                            manifests.create(manifest(prefix + "W" + writer + "N" + n, null));
                            pause(random.nextInt(4));
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            long end = sync.statistics().latestSequence();
            List<Long> all = jdbc.sql("SELECT seq FROM sync_change_entry WHERE seq > :s AND seq <= :e")
                    .param("s", start).param("e", end).query(Long.class).list();
            try {
                SyncTestSupport.await(java.time.Duration.ofSeconds(60),
                        () -> failed.get() != null || seen.containsAll(all));
            } finally {
                running.set(false);
                tailer.join();
            }
            assertThat(failed.get()).isNull();
            assertThat(all).hasSizeGreaterThanOrEqualTo(80);
            assertThat(new HashSet<>(seen)).containsAll(all);
        }

        @Autowired
        javax.sql.DataSource dataSource;

        javax.sql.DataSource dataSource() {
            return dataSource;
        }

        static void pause(int millis) {
            try {
                Thread.sleep(millis); // the work a slow transaction does between its change and its commit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static boolean conflict(ApiException e) {
            return "VERSION_CONFLICT".equals(e.code());
        }
    }

    // Runs as ConsistencyH2Test and ConsistencyPostgresTest:
    // top-level classes, so the default surefire includes find them.
}
