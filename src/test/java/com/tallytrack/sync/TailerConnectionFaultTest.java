package com.tallytrack.sync;

import static com.tallytrack.sync.SyncNodes.manifests;
import static com.tallytrack.sync.SyncNodes.packageOn;
import static com.tallytrack.sync.SyncTestSupport.await;
import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import com.tallytrack.manifest.Manifest;

/**
 * Every database connection of a polling node — the tailer's among them — killed with {@code pg_terminate_backend}
 * (what a failover, an operator or a proxy does): the node reconnects by itself and a change made on another node
 * reaches it within two poll intervals, again and again.
 */
class TailerConnectionFaultTest {

    @Test
    void aNodeWhoseConnectionsAreTerminatedCatchesUpWithinTwoPollIntervals() throws Exception {
        Duration poll = Duration.ofSeconds(2);
        ConfigurableApplicationContext a = null;
        ConfigurableApplicationContext b = null;
        try {
            a = SyncNodes.start("tailer-kill-a", "tallytrack.sync.poll-interval=10m");
            b = SyncNodes.start("tailer-kill-b", "tallytrack.sync.wakeup=none",
                    "tallytrack.sync.poll-interval=" + poll.toSeconds() + "s");
            ConfigurableApplicationContext nodeB = b;
            String tn = unique("TK");
            Manifest m = manifests(a).create(manifest(tn, "TK-0"));
            await(Duration.ofSeconds(30), () -> "TK-0".equals(packageOn(nodeB, tn)));

            for (int round = 1; round <= 3; round++) {
                long killed = MultiNodeTest.query("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE application_name LIKE 'tailer-kill-b%'");
                assertThat(killed).as("round %d: the node had connections to kill", round).isPositive();
                String pkg = "TK-" + round;
                m = manifests(a).update(m.id(), m.version(), manifest(tn, pkg), Set.of("package_number"));
                assertThat(await(Duration.ofSeconds(30), () -> pkg.equals(packageOn(nodeB, tn))))
                        .as("round %d", round).isLessThan(poll.multipliedBy(2));
            }
        } finally {
            SyncNodes.close(a, b);
        }
    }
}
