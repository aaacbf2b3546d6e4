package com.tallytrack.sync;

import static com.tallytrack.sync.SyncNodes.manifests;
import static com.tallytrack.sync.SyncNodes.packageOn;
import static com.tallytrack.sync.SyncNodes.sync;
import static com.tallytrack.sync.SyncTestSupport.await;
import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.sync.wakeup.RedisWakeup;
import com.tallytrack.sync.wakeup.WakeupChannels;

import redis.embedded.RedisServer;

/**
 * Two nodes whose only wake-up channel is Redis pub/sub (embedded Redis on a free port), polling every 10 s: a change
 * arrives well within the poll interval (under 2 s) while Redis is up, within the poll interval (plus scheduling
 * slack on a loaded machine) while it is down, and the channel reconnects by itself when Redis returns.
 */
class RedisWakeupTest {

    static final Duration POLL = Duration.ofSeconds(10);
    static final Duration WAKE_UP_BOUND = Duration.ofSeconds(2);

    @Test
    void redisWakesTheOtherNodeAndPollingCoversARedisOutage() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RedisServer redis = new RedisServer(port);
        redis.start();
        ConfigurableApplicationContext r1 = null;
        ConfigurableApplicationContext r2 = null;
        try {
            String[] props = {"tallytrack.sync.wakeup=redis", "tallytrack.sync.poll-interval=10s",
                    "spring.data.redis.host=localhost", "spring.data.redis.port=" + port,
                    "spring.data.redis.timeout=1s", "spring.data.redis.connect-timeout=1s"};
            r1 = SyncNodes.start("redis-1", props);
            r2 = SyncNodes.start("redis-2", props);
            ConfigurableApplicationContext n1 = r1;
            ConfigurableApplicationContext n2 = r2;
            await(Duration.ofSeconds(20), () -> redisConnected(n1) && redisConnected(n2));

            String tn = unique("RD");
            Manifest m = manifests(r1).create(manifest(tn, "RD-1"));
            assertThat(packageOn(r2, tn)).isEqualTo("RD-1");
            m = manifests(r1).update(m.id(), m.version(), manifest(tn, "RD-2"), Set.of("package_number"));
            assertThat(await(Duration.ofSeconds(15), () -> "RD-2".equals(packageOn(n2, tn))))
                    .isLessThan(WAKE_UP_BOUND);

            redis.stop();
            m = manifests(r1).update(m.id(), m.version(), manifest(tn, "RD-3"), Set.of("package_number"));
            assertThat(await(Duration.ofSeconds(30), () -> "RD-3".equals(packageOn(n2, tn))))
                    .isLessThan(POLL.plusSeconds(2));
            await(Duration.ofSeconds(20), () -> sync(n2).health().status().equals(SyncHealth.WARNING));

            redis = new RedisServer(port);
            redis.start();
            await(Duration.ofSeconds(30), () -> redisListening(n1) && redisListening(n2));
            manifests(r1).update(m.id(), m.version(), manifest(tn, "RD-4"), Set.of("package_number"));
            assertThat(await(Duration.ofSeconds(15), () -> "RD-4".equals(packageOn(n2, tn))))
                    .isLessThan(WAKE_UP_BOUND);
        } finally {
            SyncNodes.close(r1, r2);
            redis.stop();
        }
    }

    /** Spring may stop and start the sync component again; the channel must still announce after that. */
    @Test
    void aStoppedAndRestartedChannelStillAnnouncesCommits() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RedisServer redis = new RedisServer(port);
        redis.start();
        LettuceConnectionFactory connections = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration("127.0.0.1", port),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
        RedisWakeup writer = new RedisWakeup(connections, "restarted");
        RedisWakeup other = new RedisWakeup(connections, "other");
        try {
            connections.afterPropertiesSet();
            connections.start();
            AtomicInteger woken = new AtomicInteger();
            other.start(woken::incrementAndGet);
            writer.start(() -> { });
            writer.stop();
            writer.start(() -> { });
            await(Duration.ofSeconds(20), () -> other.listening() && writer.listening());
            int before = woken.get();
            writer.announce();
            await(Duration.ofSeconds(20), () -> woken.get() > before);
        } finally {
            writer.stop();
            other.stop();
            connections.destroy();
            redis.stop();
        }
    }

    static boolean redisConnected(ConfigurableApplicationContext node) {
        return sync(node).statistics().wakeupChannels().stream()
                .anyMatch(w -> w.name().equals("redis") && w.connected());
    }

    static boolean redisListening(ConfigurableApplicationContext node) {
        return node.getBean(WakeupChannels.class).all().stream()
                .anyMatch(w -> w instanceof RedisWakeup r && r.listening());
    }
}
