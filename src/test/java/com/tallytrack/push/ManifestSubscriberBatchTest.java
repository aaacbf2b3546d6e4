package com.tallytrack.push;

import static com.tallytrack.support.ObservedStatements.observed;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import com.tallytrack.carrier.CarrierSubscriptions.Subscription;
import com.tallytrack.carrier.internal.SubscriptionStore;
import com.tallytrack.support.EmbeddedPostgres;
import com.tallytrack.sync.ManifestChange;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The push module subscribes the package numbers of an import batch's changes with one statement per chunk of
 * numbers, not one per number: an upload of 100,000 rows in 2,000 packages used to send 2,000 single-row inserts (each
 * its own commit) from the listener threads while the import wrote. Real H2 and PostgreSQL, statements counted at
 * the data source.
 */
class ManifestSubscriberBatchTest {

    private static final int PACKAGES = 1_200;

    @Test
    void anImportBatchesPackagesAreSubscribedInChunksOnH2() {
        String url = "jdbc:h2:mem:subscriber-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        SingleConnectionDataSource migrator = new SingleConnectionDataSource(url, "sa", "", true);
        Flyway.configure().dataSource(migrator)
                .locations("classpath:db/migration/common", "classpath:db/migration/h2").load().migrate();
        try (HikariDataSource pool = pool(url, "sa", "")) {
            subscribesInChunks(pool);
            concurrentSubscribersRecordEachNumberOnce(pool);
            aNumberAnotherSessionInsertsIsWaitedForAndCountedOnce(pool);
        } finally {
            migrator.destroy();
        }
    }

    @Test
    void anImportBatchesPackagesAreSubscribedInChunksOnPostgres() throws Exception {
        String database = "subscriber_" + Long.toString(System.nanoTime(), 36);
        try (Connection c = EmbeddedPostgres.get().getPostgresDatabase().getConnection()) {
            c.createStatement().execute("CREATE DATABASE " + database);
        }
        String url = EmbeddedPostgres.get().getJdbcUrl("postgres", database);
        try (HikariDataSource pool = pool(url, "postgres", "postgres")) {
            Flyway.configure().dataSource(pool)
                    .locations("classpath:db/migration/common", "classpath:db/migration/postgresql").load().migrate();
            subscribesInChunks(pool);
            concurrentSubscribersRecordEachNumberOnce(pool);
            aNumberAnotherSessionInsertsIsWaitedForAndCountedOnce(pool);
        } finally {
            try (Connection c = EmbeddedPostgres.get().getPostgresDatabase().getConnection()) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    /**
     * Another session inserted one of the numbers and has not committed: the chunk waits for it (PostgreSQL's
     * {@code ON CONFLICT DO NOTHING}; on H2 the insert fails on the duplicate key once the other commits, and the
     * chunk is written again one number at a time), and when it commits, the other numbers are recorded and that
     * one is not counted as new.
     */
    private static void aNumberAnotherSessionInsertsIsWaitedForAndCountedOnce(DataSource pool) {
        SubscriptionStore store = store(pool);
        String prefix = prefix("PW");
        List<String> numbers = numbered(prefix, 50);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection other = pool.getConnection()) {
            other.setAutoCommit(false);
            try (var insert = other.prepareStatement("INSERT INTO carrier_subscription (query_number, state, attempts, "
                    + "resubscribes, next_attempt_at, created_at, updated_at) VALUES (?, 'active', 0, 0, "
                    + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
                insert.setString(1, prefix + 17);
                insert.executeUpdate();
            }
            Future<Integer> ours = thread.submit(() -> store.subscribeAll(numbers));
            Thread.sleep(500);
            assertThat(ours).as("waits for the other session's row").isNotDone();
            other.commit();
            assertThat(ours.get(30, TimeUnit.SECONDS)).isEqualTo(numbers.size() - 1);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            thread.shutdownNow();
        }
        assertThat(store.find(prefix + 17).orElseThrow().state()).isEqualTo(Subscription.ACTIVE);
        assertThat(JdbcClient.create(pool).sql("SELECT COUNT(*) FROM carrier_subscription WHERE query_number LIKE :p")
                .param("p", prefix + "%").query(Long.class).single()).isEqualTo(numbers.size());
    }

    /**
     * Every node subscribes every change, so the same numbers arrive at once from several threads: each is
     * recorded once, no statement fails (PostgreSQL: no deadlock, the numbers are inserted in one order; H2: a
     * chunk that meets a concurrent insert falls back to one number at a time).
     */
    private static void concurrentSubscribersRecordEachNumberOnce(DataSource pool) {
        SubscriptionStore store = store(pool);
        String prefix = prefix("PC");
        List<String> numbers = numbered(prefix, 2_500);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < 4; t++) {
                List<String> mine = new ArrayList<>(numbers);
                Collections.shuffle(mine, new Random(t)); // the order a caller gives is not kept
                runs.add(threads.submit(() -> {
                    go.await();
                    return store.subscribeAll(mine);
                }));
            }
            go.countDown();
            int added = 0;
            for (var run : runs) {
                added += run.get(60, TimeUnit.SECONDS);
            }
            assertThat(added).isEqualTo(numbers.size());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            threads.shutdownNow();
        }
        assertThat(JdbcClient.create(pool).sql("SELECT COUNT(*) FROM carrier_subscription WHERE query_number LIKE :p")
                .param("p", prefix + "%").query(Long.class).single()).isEqualTo(numbers.size());
    }

    private static HikariDataSource pool(String url, String user, String password) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaximumPoolSize(5);
        return pool;
    }

    private static void subscribesInChunks(DataSource pool) {
        AtomicInteger statements = new AtomicInteger();
        DataSource counting = observed(pool, sql -> statements.incrementAndGet());
        SubscriptionStore store = store(counting);
        ManifestSubscriber subscriber = new ManifestSubscriber(store);
        JdbcClient jdbc = JdbcClient.create(pool);

        String prefix = prefix("PB");
        String active = prefix + "ACTIVE";
        store.subscribe(active, "yuantong");
        jdbc.sql("UPDATE carrier_subscription SET state = 'active' WHERE query_number = :n").param("n", active)
                .update();

        List<ManifestChange> changes = new ArrayList<>();
        long seq = 1;
        for (int i = 0; i < PACKAGES; i++) {
            // two parcels per package for the first half: a package number is subscribed once
            changes.add(change(seq++, "insert", prefix + i));
            if (i < PACKAGES / 2) {
                changes.add(change(seq++, "update", prefix + i));
            }
        }
        changes.add(change(seq++, "update", active));
        changes.add(change(seq++, "delete", prefix + "DELETED"));
        changes.add(change(seq++, "insert", "  "));
        changes.add(change(seq++, "insert", "X".repeat(33))); // over Kuaidi100's 32 characters
        changes.add(new ManifestChange(seq, "invalidate_all", null, null, null, null, null,
                "test", Instant.now()));

        statements.set(0);
        subscriber.onChanges(changes);

        // 1,201 numbers (1,200 new, one known) in chunks of at most 1,000: two statements (it was one per number)
        assertThat(statements.get()).isEqualTo(2);
        Map<String, String> states = jdbc.sql("SELECT query_number, state FROM carrier_subscription "
                + "WHERE query_number LIKE :p").param("p", prefix + "%")
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(states).hasSize(PACKAGES + 1);
        for (int i = 0; i < PACKAGES; i++) {
            assertThat(states).containsEntry(prefix + i, Subscription.PENDING);
        }
        // a known subscription is left as it is; a deleted link subscribes nothing
        assertThat(states).containsEntry(active, Subscription.ACTIVE).doesNotContainKey(prefix + "DELETED");
        assertThat(store.find("X".repeat(33))).isEmpty();
        Subscription fresh = store.find(prefix + 7).orElseThrow();
        assertThat(fresh.companyCode()).isNull(); // the carrier detects it
        assertThat(fresh.attempts()).isZero();
        assertThat(fresh.nextAttemptAt()).isNotNull();

        // the same changes again (another node, a re-delivery): nothing new, still chunked
        statements.set(0);
        subscriber.onChanges(changes);
        assertThat(statements.get()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM carrier_subscription WHERE query_number LIKE :p")
                .param("p", prefix + "%").query(Long.class).single()).isEqualTo(PACKAGES + 1);
    }

    private static ManifestChange change(long seq, String operation, String packageNumber) {
        boolean delete = "delete".equals(operation);
        return new ManifestChange(seq, operation, "T" + seq, null, delete ? null : packageNumber,
                delete ? packageNumber : null, seq, "test", Instant.now());
    }

    /** A store with subscriptions on, over {@code pool}. */
    private static SubscriptionStore store(DataSource pool) {
        return new SubscriptionStore(JdbcClient.create(pool), new DataSourceTransactionManager(pool), pool, true,
                Clock.systemUTC());
    }

    /** A prefix no other test run uses: {@code tag}, a time stamp, a dash. */
    private static String prefix(String tag) {
        return tag + Long.toString(System.nanoTime(), 36).toUpperCase() + "-";
    }

    /** {@code prefix} followed by 0 … {@code count - 1}. */
    private static List<String> numbered(String prefix, int count) {
        List<String> numbers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            numbers.add(prefix + i);
        }
        return numbers;
    }
}
