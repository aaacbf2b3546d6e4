package com.tallytrack.sync.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.time.Clock;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.carrier.CarrierCache;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.RecordingCarrierCache;
import com.tallytrack.sync.SyncProperties;
import com.tallytrack.sync.cache.ManifestCache;
import com.tallytrack.sync.listen.ListenerRegistry;
import com.tallytrack.sync.log.ChangeLog;
import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A writer that just committed still holds its pooled connection while it waits for the tailer's apply lock. If the
 * tailer asked the pool for a connection while holding that lock, a pool used up by such writers would stall both
 * until the pool's timeout (and fail the tailer's step). Made deterministic with a pool of one connection: the
 * tailer is held inside its lock (in the carrier-cache invalidation of its first entry) while the "writer" takes the
 * only connection and waits for the lock.
 */
class TailerPoolStarvationTest {

    @Test
    void theTailerNeverWaitsForThePoolWhileWritersWaitForItsLock() throws Exception {
        String url = "jdbc:h2:mem:starve-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        // migrate through a session kept open for the whole test (H2 keeps objects of the creating session)
        SingleConnectionDataSource migrator = new SingleConnectionDataSource(url, "sa", "", true);
        Flyway.configure().dataSource(migrator)
                .locations("classpath:db/migration/common", "classpath:db/migration/h2").load().migrate();
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(url);
            pool.setUsername("sa");
            pool.setMaximumPoolSize(1);
            pool.setConnectionTimeout(10_000); // the stall without the fix: the test would take this long and fail
            JdbcClient jdbc = JdbcClient.create(pool);
            DataSourceTransactionManager transactions = new DataSourceTransactionManager(pool);
            SyncProperties properties = Binder.get(new MockEnvironment()
                    .withProperty("tallytrack.sync.batch-size", "1")
                    .withProperty("tallytrack.sync.poll-interval", "1h"))
                    .bindOrCreate("tallytrack.sync", Bindable.of(SyncProperties.class));
            ChangeLog changeLog = new ChangeLog(transactions, pool);
            CountDownLatch tailerInsideLock = new CountDownLatch(1);
            CountDownLatch writerHoldsConnection = new CountDownLatch(1);
            AtomicBoolean first = new AtomicBoolean(true);
            CarrierCache holding = new RecordingCarrierCache() {
                @Override
                public void invalidate(Collection<String> queryNumbers) {
                    if (first.getAndSet(false)) {
                        tailerInsideLock.countDown();
                        try {
                            // with the fix the writer cannot get the connection now, so this gives up after 2 s
                            writerHoldsConnection.await(2, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            ListenerRegistry listeners = new ListenerRegistry(properties, Clock.systemUTC(), "starve");
            ChangeLogTailer tailer = new ChangeLogTailer(changeLog,
                    new ManifestCache(mock(ManifestService.class), properties, Clock.systemUTC()), holding, listeners,
                    properties, Clock.systemUTC(), "starve", new SimpleMeterRegistry());
            tailer.start();
            try {
                for (String number : new String[] {"STARVE0001", "STARVE0002"}) {
                    jdbc.sql("INSERT INTO sync_change_log (seq, operation, tracking_number, package_number, node_id, "
                            + "changed_at) VALUES (NEXT VALUE FOR sync_change_seq, 'update', :t, 'P', 'other', "
                            + "CURRENT_TIMESTAMP)").param("t", number).update();
                }
                CompletableFuture<Integer> tailerStep = CompletableFuture.supplyAsync(tailer::catchUp);
                assertThat(tailerInsideLock.await(10, TimeUnit.SECONDS)).isTrue();
                long start = System.nanoTime();
                // the writer: its transaction has committed, its connection is still bound, it catches up
                new TransactionTemplate(transactions).executeWithoutResult(tx -> {
                    jdbc.sql("SELECT 1").query(Integer.class).single();
                    writerHoldsConnection.countDown();
                    tailer.catchUp(false);
                });
                assertThat(tailerStep.get(30, TimeUnit.SECONDS)).isEqualTo(2);
                assertThat(tailer.failures()).as("tailer steps that failed waiting for the pool").isZero();
                assertThat(tailer.appliedSeq()).isEqualTo(changeLog.latestSeq());
                assertThat(System.nanoTime() - start).as("no wait for the pool's timeout")
                        .isLessThan(TimeUnit.SECONDS.toNanos(8));
            } finally {
                tailer.stop();
                listeners.shutdown();
            }
        } finally {
            migrator.destroy();
        }
    }
}
