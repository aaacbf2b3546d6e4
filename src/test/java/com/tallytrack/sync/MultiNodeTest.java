package com.tallytrack.sync;

import static com.tallytrack.sync.SyncNodes.manifests;
import static com.tallytrack.sync.SyncNodes.packageOn;
import static com.tallytrack.sync.SyncNodes.sync;
import static com.tallytrack.sync.SyncTestSupport.await;
import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.support.EmbeddedPostgres;
import com.tallytrack.sync.tail.ChangeLogTailer;

/**
 * Several nodes on one PostgreSQL. A and B use the LISTEN/NOTIFY wake-up and poll only every 10 minutes (never within
 * a test), so only the wake-up can explain their convergence; C has no wake-up channel and polls every second.
 * Time bounds leave slack for a loaded 2-core CI machine: waits are generous, and C's bound is three poll intervals.
 */
class MultiNodeTest {

    static final Duration POLL = Duration.ofSeconds(1);
    /** Convergence by polling: the poll interval plus scheduling slack on a loaded machine. */
    static final Duration POLL_BOUND = POLL.multipliedBy(3);
    static final Duration WAIT = Duration.ofSeconds(15);
    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static ConfigurableApplicationContext c;

    @BeforeAll
    static void startNodes() {
        try {
            a = SyncNodes.start("node-a", "tallytrack.sync.poll-interval=10m");
            b = SyncNodes.start("node-b", "tallytrack.sync.poll-interval=10m");
            c = SyncNodes.start("node-c", "tallytrack.sync.wakeup=none", "tallytrack.sync.poll-interval=1s");
        } catch (RuntimeException e) {
            stopNodes();
            throw e;
        }
    }

    @AfterAll
    static void stopNodes() {
        SyncNodes.close(a, b, c);
    }

    @Test
    void aChangeOnAIsVisibleOnBAtOnceThroughTheWakeUp() {
        // the database is shared by every test of this JVM: acknowledge first, so this test's entries are in
        // the first page of pending operations
        sync(a).clearPendingOperations("multi-node-test");
        String tn = unique("MA");
        Manifest m = manifests(a).create(manifest(tn, "MA-1"));
        assertThat(packageOn(b, tn)).isEqualTo("MA-1");
        manifests(a).update(m.id(), m.version(), manifest(tn, "MA-2"), Set.of("package_number"));
        // B polls every 10 minutes: only the wake-up brings the change within the wait
        await(WAIT, () -> "MA-2".equals(packageOn(b, tn)));
        assertThat(sync(b).statistics().syncOperations()).isPositive();
        assertThat(sync(a).pendingOperations(1000)).anyMatch(e -> tn.equals(e.trackingNumber())
                && "node-a".equals(e.nodeId()));
    }

    @Test
    void anExternalSqlUpdateIsSeenByEveryNodeWithinThePollInterval() throws Exception {
        sync(a).clearPendingOperations("multi-node-test");
        String tn = unique("EX");
        manifests(a).create(manifest(tn, "EX-1"));
        for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] {a, b, c}) {
            assertThat(packageOn(node, tn)).isEqualTo("EX-1");
        }
        try (Connection jdbc = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(), "postgres", "postgres");
                PreparedStatement update = jdbc.prepareStatement(
                        "UPDATE cargo_manifest SET package_number = ? WHERE tracking_number = ?")) {
            update.setString(1, "EX-2");
            update.setString(2, tn);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        long start = System.nanoTime();
        for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] {a, b, c}) {
            await(WAIT, () -> "EX-2".equals(packageOn(node, tn)));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(POLL_BOUND);
        assertThat(sync(a).pendingOperations(1000)).anyMatch(e -> tn.equals(e.trackingNumber())
                && "update".equals(e.operation()) && "PostgreSQL JDBC Driver".equals(e.nodeId()));
    }

    @Test
    void withoutAWakeUpChannelANodeConvergesWithinThePollInterval() {
        String tn = unique("NW");
        Manifest m = manifests(a).create(manifest(tn, "NW-1"));
        assertThat(packageOn(c, tn)).isEqualTo("NW-1");
        manifests(a).update(m.id(), m.version(), manifest(tn, "NW-2"), Set.of("package_number"));
        Duration took = await(WAIT, () -> "NW-2".equals(packageOn(c, tn)));
        assertThat(took).isLessThan(POLL_BOUND);
        assertThat(sync(c).statistics().wakeupChannels()).isEmpty();
    }

    @Test
    void invalidateCacheOnBClearsA() {
        String tn = unique("IV");
        manifests(a).create(manifest(tn, "IV-1"));
        packageOn(a, tn);
        assertThat(sync(a).cached(tn).cached()).isTrue();
        RecordingCarrierCache carrierOnA = a.getBean(RecordingCarrierCache.class);
        int before = carrierOnA.invalidateAllCalls.get();
        sync(b).invalidateAll();
        await(WAIT, () -> !sync(a).cached(tn).cached());
        await(WAIT, () -> carrierOnA.invalidateAllCalls.get() > before);
    }

    @Test
    void aNodeStoppedDuringChangesCatchesUpOnStart() {
        String tn = unique("ST");
        Manifest m = manifests(a).create(manifest(tn, "ST-1"));
        assertThat(packageOn(c, tn)).isEqualTo("ST-1");
        c.close();
        manifests(a).update(m.id(), m.version(), manifest(tn, "ST-2"), Set.of("package_number"));
        c = SyncNodes.start("node-c", "tallytrack.sync.wakeup=none", "tallytrack.sync.poll-interval=1s");
        assertThat(packageOn(c, tn)).isEqualTo("ST-2");
        SyncStatistics s = sync(c).statistics();
        assertThat(s.appliedSequence()).isEqualTo(s.latestSequence());
    }

    @Test
    void aNodeWhoseDatabaseConnectionsDropRecoversByItself() throws Exception {
        String tn = unique("DR");
        Manifest m = manifests(a).create(manifest(tn, "DR-1"));
        assertThat(packageOn(b, tn)).isEqualTo("DR-1");
        try (Connection jdbc = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(), "postgres", "postgres");
                Statement s = jdbc.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE application_name LIKE 'node-b%' AND pid <> pg_backend_pid()");
        }
        manifests(a).update(m.id(), m.version(), manifest(tn, "DR-2"), Set.of("package_number"));
        await(Duration.ofSeconds(30), () -> {
            try {
                return "DR-2".equals(packageOn(b, tn));
            } catch (RuntimeException deadPooledConnection) {
                return false;
            }
        });
        await(Duration.ofSeconds(30), () -> sync(b).health().status().equals(SyncHealth.HEALTHY));
    }

    @Test
    void aStoppedNodeClosesItsListenConnectionAndLeavesTheNodeTable() throws Exception {
        ConfigurableApplicationContext d = SyncNodes.start("node-d");
        ChangeLogTailer tailer = d.getBean(ChangeLogTailer.class);
        try {
            assertThat(tailer.tailing()).isTrue();
            assertThat(backends("node-d-listen")).isEqualTo(1);
            assertThat(nodeRows("node-d")).isEqualTo(1);
        } finally {
            d.close();
        }
        await(WAIT, () -> backends("node-d%") == 0);
        assertThat(nodeRows("node-d")).isZero();
        assertThat(tailer.tailing()).isFalse();
        assertThat(tailer.running()).isFalse();
    }

    static long backends(String applicationName) {
        return query("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name LIKE '" + applicationName + "'");
    }

    static long nodeRows(String nodeId) {
        return query("SELECT COUNT(*) FROM sync_node WHERE node_id = '" + nodeId + "'");
    }

    static long query(String sql) {
        try (Connection jdbc = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(), "postgres", "postgres");
                Statement s = jdbc.createStatement();
                java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
