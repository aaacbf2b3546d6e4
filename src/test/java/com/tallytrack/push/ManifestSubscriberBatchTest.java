package com.tallytrack.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import com.tallytrack.carrier.CarrierSubscriptions.Subscription;
import com.tallytrack.carrier.internal.SubscriptionStore;
import com.tallytrack.support.EmbeddedPostgres;
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
    void anImportBatchsPackagesAreSubscribedInChunksOnH2() {
        String url = "jdbc:h2:mem:subscriber-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        SingleConnectionDataSource migrator = new SingleConnectionDataSource(url, "sa", "", true);
        Flyway.configure().dataSource(migrator)
                .locations("classpath:db/migration/common", "classpath:db/migration/h2").load().migrate();
        try (HikariDataSource pool = pool(url, "sa", "")) {
            subscribesInChunks(pool);
            concurrentSubscribersRecordEachNumberOnce(pool);
        } finally {
            migrator.destroy();
        }
    }

    @Test
    void anImportBatchsPackagesAreSubscribedInChunksOnPostgres() throws Exception {
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
        }
    }

    /**
     * Every node subscribes every change, so the same numbers arrive at once from several threads: each is
     * recorded once, no statement fails (PostgreSQL: no deadlock, the numbers are inserted in one order; H2: a
     * chunk that meets a concurrent insert falls back to one number at a time).
     */
    private static void concurrentSubscribersRecordEachNumberOnce(DataSource pool) {
        SubscriptionStore store = new SubscriptionStore(JdbcClient.create(pool), new DataSourceTransactionManager(pool),
                pool, true, Clock.systemUTC());
        String prefix = "PC" + Long.toString(System.nanoTime(), 36).toUpperCase() + "-";
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            numbers.add(prefix + i);
        }
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> runs = new ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int t = 0; t < 4; t++) {
                List<String> mine = new ArrayList<>(numbers);
                java.util.Collections.shuffle(mine, new java.util.Random(t)); // the order a caller gives is not kept
                runs.add(threads.submit(() -> {
                    go.await();
                    return store.subscribeAll(mine);
                }));
            }
            go.countDown();
            int added = 0;
            for (var run : runs) {
                added += run.get(60, java.util.concurrent.TimeUnit.SECONDS);
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
        DataSource counting = counting(pool, statements);
        SubscriptionStore store = new SubscriptionStore(JdbcClient.create(counting),
                new DataSourceTransactionManager(counting), counting, true, Clock.systemUTC());
        ManifestSubscriber subscriber = new ManifestSubscriber(store);
        JdbcClient jdbc = JdbcClient.create(pool);

        String prefix = "PB" + Long.toString(System.nanoTime(), 36).toUpperCase() + "-";
        String active = prefix + "ACTIVE";
        store.subscribe(active, "yuantong");
        jdbc.sql("UPDATE carrier_subscription SET state = 'active' WHERE query_number = :n").param("n", active)
                .update();

        List<com.tallytrack.sync.ManifestChange> changes = new ArrayList<>();
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
        changes.add(new com.tallytrack.sync.ManifestChange(seq, "invalidate_all", null, null, null, null, null,
                "test", Instant.now()));

        statements.set(0);
        subscriber.onChanges(changes);

        // 1,200 new numbers in chunks of at most 1,000: two statements (it was one insert per number)
        assertThat(statements.get()).isBetween(1, 2);
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
        assertThat(statements.get()).isBetween(1, 2);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM carrier_subscription WHERE query_number LIKE :p")
                .param("p", prefix + "%").query(Long.class).single()).isEqualTo(PACKAGES + 1);
    }

    private static com.tallytrack.sync.ManifestChange change(long seq, String operation, String packageNumber) {
        boolean delete = "delete".equals(operation);
        return new com.tallytrack.sync.ManifestChange(seq, operation, "T" + seq, null, delete ? null : packageNumber,
                delete ? packageNumber : null, seq, "test", Instant.now());
    }

    /** Counts every statement prepared or created on connections of {@code target}. */
    private static DataSource counting(DataSource target, AtomicInteger statements) {
        return new DelegatingDataSource(target) {
            @Override
            public Connection getConnection() throws java.sql.SQLException {
                Connection real = super.getConnection();
                InvocationHandler handler = (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("prepareStatement") || name.equals("createStatement")
                            || name.equals("prepareCall")) {
                        statements.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                };
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                        new Class<?>[] {Connection.class}, handler);
            }
        };
    }
}
