package com.tallytrack.sync;

import static com.tallytrack.sync.SyncNodes.manifests;
import static com.tallytrack.sync.SyncNodes.packageOn;
import static com.tallytrack.sync.SyncTestSupport.await;
import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.support.EmbeddedPostgres;
import com.tallytrack.support.FaultProxy;
import com.tallytrack.sync.log.ChangeLog;
import com.tallytrack.sync.wakeup.PostgresWakeup;
import com.tallytrack.sync.wakeup.WakeupChannel;
import com.tallytrack.sync.wakeup.WakeupChannels;

/**
 * The PostgreSQL LISTEN connection under faults. Blackholed (through a {@link FaultProxy}): with the default bounds
 * it is noticed within check-interval + socket-timeout (7 s; was up to 40 s) and comes back when the network does.
 * Killed with {@code pg_terminate_backend}: the node reconnects by itself and changes propagate again within two
 * poll intervals, and through the wake-up (not polling) once it is back.
 */
class ListenFaultTest {

    /** Default check-interval + socket-timeout, plus slack for a loaded 2-core machine. */
    static final Duration DETECT_BOUND = Duration.ofSeconds(7 + 5);

    @Test
    void aBlackholedListenConnectionIsNoticedWithinItsBoundsAndReconnects() throws Exception {
        URI target = URI.create(EmbeddedPostgres.jdbcUrl().substring("jdbc:".length()));
        try (FaultProxy proxy = new FaultProxy(target.getHost(), target.getPort())) {
            String url = "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + target.getPath();
            AtomicInteger woken = new AtomicInteger();
            PostgresWakeup listen = new PostgresWakeup(url, "postgres", "postgres", "listen-blackhole");
            try {
                listen.start(woken::incrementAndGet);
                await(Duration.ofSeconds(20), listen::connected);
                settle(); // the wake-up a (re)connection gives by itself is over: only the notification counts now
                int first = woken.get();
                notifyNow();
                await(Duration.ofSeconds(10), () -> woken.get() > first);

                proxy.blackhole();
                Duration noticed = await(Duration.ofSeconds(60), () -> !listen.connected());
                assertThat(noticed).as("a blackholed LISTEN connection must be noticed").isLessThan(DETECT_BOUND);

                proxy.pass();
                await(Duration.ofSeconds(30), listen::connected);
                settle();
                int before = woken.get();
                notifyNow();
                assertThat(await(Duration.ofSeconds(10), () -> woken.get() > before)).isLessThan(Duration.ofSeconds(5));
            } finally {
                listen.stop();
            }
        }
    }

    @Test
    void aTerminatedListenConnectionRecoversWithinTwoPollIntervals() throws Exception {
        Duration poll = Duration.ofSeconds(5);
        ConfigurableApplicationContext a = null;
        ConfigurableApplicationContext b = null;
        try {
            a = SyncNodes.start("listen-kill-a", "tallytrack.sync.poll-interval=10m");
            b = SyncNodes.start("listen-kill-b", "tallytrack.sync.poll-interval=" + poll.toSeconds() + "s");
            ConfigurableApplicationContext nodeB = b;
            String tn = unique("LK");
            Manifest m = manifests(a).create(manifest(tn, "LK-1"));
            assertThat(packageOn(b, tn)).isEqualTo("LK-1");
            assertThat(MultiNodeTest.backends("listen-kill-b-listen")).isEqualTo(1);

            // the LISTEN backend, found by its application name (the node id + "-listen")
            long killed = MultiNodeTest.query("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + "WHERE application_name = 'listen-kill-b-listen'");
            assertThat(killed).isEqualTo(1);
            Manifest m2 = manifests(a).update(m.id(), m.version(), manifest(tn, "LK-2"), Set.of("package_number"));
            assertThat(await(Duration.ofSeconds(30), () -> "LK-2".equals(packageOn(nodeB, tn))))
                    .isLessThan(poll.multipliedBy(2));

            // back on the wake-up: a change arrives well within the poll interval
            await(Duration.ofSeconds(30), () -> MultiNodeTest.backends("listen-kill-b-listen") == 1
                    && nodeB.getBean(WakeupChannels.class).all().stream().allMatch(WakeupChannel::connected));
            manifests(a).update(m2.id(), m2.version(), manifest(tn, "LK-3"), Set.of("package_number"));
            assertThat(await(Duration.ofSeconds(30), () -> "LK-3".equals(packageOn(nodeB, tn))))
                    .isLessThan(Duration.ofSeconds(3));
        } finally {
            SyncNodes.close(a, b);
        }
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(1000);
    }

    private static void notifyNow() throws Exception {
        try (Connection c = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(), "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_notify('" + ChangeLog.CHANNEL + "', 'test')");
        }
    }
}
