package com.tallytrack.sync;

import static com.tallytrack.sync.SyncTestSupport.await;
import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.tallytrack.TallyTrackApplication;
import com.tallytrack.carrier.CarrierErrorCode;
import com.tallytrack.carrier.internal.CachedAnswer;
import com.tallytrack.carrier.internal.TieredCarrierCache;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.support.EmbeddedPostgres;
import com.tallytrack.support.FaultProxy;
import com.tallytrack.sync.wakeup.RedisWakeup;
import com.tallytrack.sync.wakeup.WakeupChannels;
import com.tallytrack.tracking.PackageResolver;

import redis.embedded.RedisServer;

/**
 * Two nodes on the embedded PostgreSQL sharing an embedded Redis through a {@link FaultProxy}, with the real
 * carrier-result cache (no recording stand-in) and default Redis timeouts. Redis is blackholed for 10 s while both
 * nodes keep writing: no write waits for Redis (each under 1 s on a loaded machine; a blackholed Redis used to hold
 * the writer for Lettuce's 60 s), changes still reach the other node through PostgreSQL within the poll interval,
 * the carrier cache answers from the local tier, and after Redis returns the shared tier is shared again without
 * serving an entry a change made stale while Redis could not be told.
 */
class RedisFaultTest {

    static final Duration POLL = Duration.ofSeconds(1);
    /** The poll interval plus scheduling slack on a loaded 2-core machine. */
    static final Duration POLL_BOUND = POLL.multipliedBy(3);
    static final long WRITE_BOUND_MILLIS = 1000;

    static RedisServer redis;
    static FaultProxy proxy;
    static ConfigurableApplicationContext one;
    static ConfigurableApplicationContext two;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        redis = new RedisServer(port);
        redis.start();
        proxy = new FaultProxy("127.0.0.1", port);
        try {
            one = node("redis-fault-1");
            two = node("redis-fault-2");
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** A whole node with the real carrier cache; Redis only through the proxy, timeouts left at their defaults. */
    static ConfigurableApplicationContext node(String nodeId) {
        return new SpringApplicationBuilder(TallyTrackApplication.class).run(
                "--spring.profiles.active=test",
                "--spring.datasource.url=" + EmbeddedPostgres.jdbcUrl(),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--spring.datasource.hikari.maximum-pool-size=6",
                "--server.port=0",
                "--spring.jmx.enabled=false",
                "--spring.main.banner-mode=off",
                "--tallytrack.demo-data=false",
                "--tallytrack.sync.node-id=" + nodeId,
                "--tallytrack.sync.poll-interval=" + POLL.toMillis() + "ms",
                "--spring.data.redis.host=" + proxy.host(),
                "--spring.data.redis.port=" + proxy.port());
    }

    @AfterAll
    static void stop() {
        SyncNodes.close(one, two);
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            try {
                redis.stop();
            } catch (java.io.IOException ignored) {
                // the JVM is going away
            }
        }
    }

    static TieredCarrierCache carrier(ConfigurableApplicationContext node) {
        return node.getBean(TieredCarrierCache.class);
    }

    static String packageOn(ConfigurableApplicationContext node, String trackingNumber) {
        return node.getBean(PackageResolver.class).resolve(trackingNumber).map(Manifest::packageNumber).orElse(null);
    }

    static CachedAnswer notFound() {
        Instant now = Instant.now();
        return new CachedAnswer(null, CarrierErrorCode.NOT_FOUND, "carrier.not-found", now,
                now.plus(Duration.ofMinutes(30)));
    }

    static boolean redisShared(ConfigurableApplicationContext node) {
        return carrier(node).shared() && node.getBean(WakeupChannels.class).all().stream()
                .anyMatch(w -> w instanceof RedisWakeup r && r.listening());
    }

    static void awaitShared(ConfigurableApplicationContext... nodes) {
        for (ConfigurableApplicationContext node : nodes) {
            try {
                await(Duration.ofSeconds(30), () -> carrier(node).shared());
                await(Duration.ofSeconds(30), () -> redisShared(node));
            } catch (AssertionError e) {
                throw new AssertionError("node " + node.getId() + ": carrier cache shared " + carrier(node).shared()
                        + ", Redis wake-up " + node.getBean(WakeupChannels.class).all(), e);
            }
        }
    }

    @Test
    void aBlackholedRedisDelaysNoWriterAndNothingStaleIsSharedAfterwards() {
        awaitShared(one, two);
        ManifestService writerOne = one.getBean(ManifestService.class);
        ManifestService writerTwo = two.getBean(ManifestService.class);

        // a carrier answer shared through Redis for a number whose manifest will change while Redis is away
        String changed = unique("RF");
        Manifest m = writerOne.create(manifest(changed, "RF-0"));
        carrier(two).put(changed, "auto", notFound());
        await(Duration.ofSeconds(10), () -> carrier(one).get(changed, "auto").isPresent());

        List<Manifest> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rows.add(writerOne.create(manifest(unique("RW"), "RW-0")));
        }
        for (Manifest row : rows) {
            assertThat(packageOn(two, row.trackingNumber())).isEqualTo("RW-0");
        }

        proxy.blackhole();
        long slowest = 0;
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int round = 0;
        Manifest before = m;
        timed(() -> writerOne.update(before.id(), before.version(), manifest(changed, "RF-1"),
                Set.of("package_number")));
        while (System.nanoTime() < end) {
            round++;
            int i = round % rows.size();
            ManifestService writer = round % 2 == 0 ? writerOne : writerTwo;
            ConfigurableApplicationContext other = round % 2 == 0 ? two : one;
            Manifest row = rows.get(i);
            String pkg = "RW-" + round;
            long start = System.nanoTime();
            Manifest updated = writer.update(row.id(), row.version(), manifest(row.trackingNumber(), pkg),
                    Set.of("package_number"));
            long took = (System.nanoTime() - start) / 1_000_000;
            slowest = Math.max(slowest, took);
            assertThat(took).as("write %d took %d ms while Redis was blackholed", round, took)
                    .isLessThan(WRITE_BOUND_MILLIS);
            rows.set(i, updated);
            // propagation through PostgreSQL (LISTEN/NOTIFY, polling behind it)
            assertThat(await(Duration.ofSeconds(15), () -> pkg.equals(packageOn(other, row.trackingNumber()))))
                    .isLessThan(POLL_BOUND);
            // the carrier cache answers from the local tier at once
            String local = unique("RL");
            long cacheStart = System.nanoTime();
            carrier(other).put(local, "auto", notFound());
            Optional<CachedAnswer> answer = carrier(other).get(local, "auto");
            assertThat(answer).isPresent();
            assertThat((System.nanoTime() - cacheStart) / 1_000_000).isLessThan(WRITE_BOUND_MILLIS);
        }
        assertThat(round).isGreaterThan(3);
        assertThat(carrier(one).shared()).as("the shared tier is not trusted during the outage").isFalse();

        proxy.pass();
        awaitShared(one, two);
        // the change made while Redis was blackholed dropped the number everywhere: no stale shared answer
        assertThat(carrier(one).get(changed, "auto")).isEmpty();
        assertThat(carrier(two).get(changed, "auto")).isEmpty();
        // and the shared tier works again
        String after = unique("RA");
        carrier(one).put(after, "auto", notFound());
        await(Duration.ofSeconds(10), () -> carrier(two).get(after, "auto").isPresent());
        Manifest row = rows.get(0);
        Manifest updated = writerTwo.update(row.id(), row.version(), manifest(row.trackingNumber(), "RW-AFTER"),
                Set.of("package_number"));
        await(Duration.ofSeconds(10), () -> "RW-AFTER".equals(packageOn(one, updated.trackingNumber())));
    }

    private static Manifest timed(java.util.function.Supplier<Manifest> write) {
        long start = System.nanoTime();
        Manifest result = write.get();
        long took = (System.nanoTime() - start) / 1_000_000;
        assertThat(took).as("the first write after the blackhole took %d ms", took).isLessThan(WRITE_BOUND_MILLIS);
        return result;
    }
}
