package com.tallytrack.sync;

import static com.tallytrack.sync.SyncNodes.manifests;
import static com.tallytrack.sync.SyncNodes.packageOn;
import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.support.EmbeddedPostgres;

/**
 * A write that changes nothing (the database already holds those values, e.g. an ERP wrote them by SQL) commits
 * nothing, so no change-log entry of its own triggers the writer's catch-up. The answer still shows the database's
 * row, so this node must not keep serving the older association it had cached. The node has no wake-up and polls
 * every 10 minutes: only the write's own catch-up can explain a fresh answer.
 */
class NoOpWriteCatchUpTest {

    static ConfigurableApplicationContext node;

    @BeforeAll
    static void start() {
        node = SyncNodes.start("noop-node", "tallytrack.sync.wakeup=none", "tallytrack.sync.poll-interval=10m");
    }

    @AfterAll
    static void stop() {
        SyncNodes.close(node);
    }

    @Test
    void aWriteThatChangesNothingStillShowsWhatOthersCommittedBeforeIt() throws Exception {
        String tn = unique("NO");
        manifests(node).create(manifest(tn, "NO-OLD"));
        assertThat(packageOn(node, tn)).isEqualTo("NO-OLD");
        try (Connection erp = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(), "postgres", "postgres");
                PreparedStatement update = erp.prepareStatement(
                        "UPDATE cargo_manifest SET package_number = 'NO-NEW', version = version + 1 "
                                + "WHERE tracking_number = ?")) {
            update.setString(1, tn);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        assertThat(packageOn(node, tn)).as("cached until this node polls").isEqualTo("NO-OLD");

        Manifest current = manifests(node).findByTrackingNumber(tn).orElseThrow();
        Manifest answer = manifests(node).update(current.id(), current.version(), manifest(tn, "NO-NEW"),
                Set.of("package_number"));

        assertThat(answer.version()).as("nothing written").isEqualTo(current.version());
        assertThat(packageOn(node, tn)).isEqualTo("NO-NEW");
    }
}
