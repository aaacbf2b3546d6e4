package com.tallytrack.sync;

import static com.tallytrack.sync.SyncNodes.manifests;
import static com.tallytrack.sync.SyncNodes.packageOn;
import static com.tallytrack.sync.SyncNodes.sync;
import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.manifest.ManifestsChanged;
import com.tallytrack.support.EmbeddedPostgres;
import com.tallytrack.sync.tail.SyncLifecycle;

/**
 * {@link SyncService#applyAfter}: a write made of many transactions (an import's batches) has this node apply its
 * commits once, when it ends, instead of after every commit in the writer's thread. Made deterministic by stopping
 * the node's tailer thread (and it has no wake-up channel and polls every 10 minutes): nothing but the writer's
 * thread can apply here, so what the node answers inside and after the scope shows who applied when.
 */
class ApplyAfterTest {

    static ConfigurableApplicationContext node;

    @BeforeAll
    static void start() {
        node = SyncNodes.start("apply-after-node", "tallytrack.sync.wakeup=none", "tallytrack.sync.poll-interval=10m",
                "tallytrack.sync.statement-timeout=1s", "tallytrack.sync.socket-timeout=5s");
    }

    @AfterAll
    static void stop() {
        SyncNodes.close(node);
    }

    @BeforeEach
    void stopTheTailerThread() {
        node.getBean(SyncLifecycle.class).stop();
    }

    @AfterEach
    void startItAgain() {
        node.getBean(SyncLifecycle.class).start();
    }

    @Test
    void commitsInsideTheScopeAreAppliedOnceWhenItEndsAndNotBefore() {
        String a = cached("AA", "A-OLD");
        String b = cached("AB", "B-OLD");

        String inside = sync(node).applyAfter(() -> {
            manifests(node).upsertBatch(List.of(manifest(a, "A-NEW")), "import");
            manifests(node).upsertBatch(List.of(manifest(b, "B-NEW")), "import");
            return packageOn(node, a) + "," + packageOn(node, b);
        });

        assertThat(inside).as("inside the scope the commits were not applied in the writer's thread")
                .isEqualTo("A-OLD,B-OLD");
        assertThat(packageOn(node, a)).as("applied before the scope returned").isEqualTo("A-NEW");
        assertThat(packageOn(node, b)).isEqualTo("B-NEW");
    }

    @Test
    void aScopeEndedByAnExceptionStillAppliesWhatCommittedBeforeIt() {
        String a = cached("AE", "E-OLD");

        assertThatThrownBy(() -> sync(node).applyAfter(() -> {
            manifests(node).upsertBatch(List.of(manifest(a, "E-NEW")), "import");
            throw new IllegalStateException("the file broke off after the first batch");
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("broke off");

        assertThat(packageOn(node, a)).isEqualTo("E-NEW");
    }

    @Test
    void aWriteOutsideAnyScopeIsStillAppliedInTheWritersThreadAtItsCommit() {
        String a = cached("AO", "O-OLD");

        manifests(node).upsertBatch(List.of(manifest(a, "O-NEW")), "import");

        assertThat(packageOn(node, a)).isEqualTo("O-NEW");
    }

    /**
     * The final apply cannot read the change log: a session holds an exclusive lock on it, so the read runs into the
     * statement timeout (1 s here). The numbers the scope wrote are dropped from this node's cache instead, so it
     * reads them from the database; the scope returns normally (its rows are committed).
     */
    @Test
    void whenTheFinalApplyFailsTheNumbersWrittenAreDroppedFromThisNodesCache() throws Exception {
        String a = cached("AF", "F-OLD");
        String other = cached("AG", "G-OLD");

        try (Connection locker = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(), "postgres", "postgres")) {
            locker.setAutoCommit(false);
            sync(node).applyAfter(() -> {
                manifests(node).upsertBatch(List.of(manifest(a, "F-NEW")), "import");
                lockTheChangeLog(locker);
                return null;
            });
            assertThat(sync(node).cached(a).cached()).as("dropped, not served stale").isFalse();
            assertThat(sync(node).cached(other).cached()).as("a number the scope did not write is kept").isTrue();
            locker.rollback();
        }
        assertThat(packageOn(node, a)).isEqualTo("F-NEW");
    }

    /**
     * A commit inside the scope that does not say which numbers it wrote (a bulk write may not): when the last apply
     * fails, this node cannot know what is stale, so it empties its manifest cache.
     */
    @Test
    void whenTheFinalApplyFailsAfterACommitThatNamedNoNumbersThisNodesManifestCacheIsEmptied() throws Exception {
        String a = cached("AN", "N-OLD");
        String other = cached("AM", "M-OLD");
        TransactionTemplate tx = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));
        JdbcClient jdbc = node.getBean(JdbcClient.class);

        try (Connection locker = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(), "postgres", "postgres")) {
            locker.setAutoCommit(false);
            sync(node).applyAfter(() -> {
                tx.executeWithoutResult(s -> {
                    jdbc.sql("UPDATE cargo_manifest SET package_number = 'N-NEW', version = version + 1 "
                            + "WHERE tracking_number = :t").param("t", a).update();
                    node.publishEvent(new ManifestsChanged(Set.of(), "bulk"));
                });
                lockTheChangeLog(locker);
                return null;
            });
            assertThat(sync(node).cached(a).cached()).isFalse();
            assertThat(sync(node).cached(other).cached()).as("not known to be untouched: dropped too").isFalse();
            locker.rollback();
        }
        assertThat(packageOn(node, a)).isEqualTo("N-NEW");
    }

    /** A new number with this package, cached on the node (its first query loads it). */
    private static String cached(String prefix, String packageNumber) {
        String number = unique(prefix);
        manifests(node).create(manifest(number, packageNumber));
        assertThat(packageOn(node, number)).isEqualTo(packageNumber);
        return number;
    }

    /** Another session takes an exclusive lock on the change log until it rolls back: every read of it waits. */
    private static void lockTheChangeLog(Connection locker) {
        try (Statement s = locker.createStatement()) {
            s.execute("LOCK TABLE sync_change_log IN ACCESS EXCLUSIVE MODE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
