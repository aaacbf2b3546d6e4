package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.tallytrack.carrier.internal.CachedAnswer;
import com.tallytrack.carrier.internal.RedisLink;
import com.tallytrack.carrier.internal.TieredCarrierCache;
import com.tallytrack.support.FaultProxy;

import redis.embedded.RedisServer;

/**
 * The carrier cache's shared tier behind a {@link FaultProxy}: invalidations never wait for Redis (the client here
 * waits up to 5 s per command, so a caller-side delete would show), a delete still queued keeps the stale shared
 * entry from being read back, and a delete Redis did not take (blackhole, full queue) makes the node distrust and
 * then wipe the shared tier, so no node is served a stale entry once Redis answers again.
 */
class SharedTierFaultTest {

    static final long CALLER_BOUND_MILLIS = 1000;

    private final Clock clock = Clock.systemUTC();
    private RedisServer redis;
    private FaultProxy proxy;
    private LettuceConnectionFactory viaProxy;
    private LettuceConnectionFactory direct;
    private TieredCarrierCache nodeA;
    private TieredCarrierCache nodeB;
    private StringRedisTemplate redisDirect;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        redis = new RedisServer(port);
        redis.start();
        proxy = new FaultProxy("127.0.0.1", port);
        viaProxy = factory(proxy.port());
        direct = factory(port);
        redisDirect = new StringRedisTemplate(direct);
        redisDirect.afterPropertiesSet();
        nodeA = node(viaProxy, 100_000);
        nodeB = new TieredCarrierCache(CarrierServiceTest.CACHE,
                new RedisLink(redisDirect, Duration.ofMillis(200), clock), clock);
    }

    private static LettuceConnectionFactory factory(int port) {
        LettuceConnectionFactory f = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(5)).build());
        f.afterPropertiesSet();
        f.start();
        return f;
    }

    private TieredCarrierCache node(LettuceConnectionFactory connections, int queueCapacity) {
        StringRedisTemplate template = new StringRedisTemplate(connections);
        template.afterPropertiesSet();
        return new TieredCarrierCache(CarrierServiceTest.CACHE,
                new RedisLink(template, Duration.ofMillis(200), clock), clock, queueCapacity);
    }

    @AfterEach
    void stop() throws Exception {
        nodeA.close();
        nodeB.close();
        viaProxy.destroy();
        direct.destroy();
        proxy.close();
        redis.stop();
    }

    private CachedAnswer answer() {
        Instant now = clock.instant();
        return new CachedAnswer(null, CarrierErrorCode.NOT_FOUND, "carrier.not-found", now,
                now.plus(Duration.ofMinutes(30)));
    }

    private static long millisOf(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void anInvalidationReturnsAtOnceAndItsStaleSharedEntryIsNotReadBackWhileTheDeleteIsQueued() {
        nodeB.put("QUEUED0001", "auto", answer());
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.get("QUEUED0001", "auto").isPresent());
        proxy.delay(1500); // each Redis answer to nodeA now takes 1.5 s
        long took = millisOf(() -> nodeA.invalidate(List.of("QUEUED0001")));
        assertThat(took).as("invalidate took %d ms", took).isLessThan(CALLER_BOUND_MILLIS);
        long read = millisOf(() -> assertThat(nodeA.get("QUEUED0001", "auto")).isEmpty());
        assertThat(read).as("a number whose delete is queued is not asked of Redis").isLessThan(CALLER_BOUND_MILLIS);
        proxy.pass();
        await().atMost(Duration.ofSeconds(15)).until(() -> !redisDirect.hasKey("tallytrack:carrier:result:QUEUED0001")
                && nodeA.pendingSharedInvalidations() == 0);
        assertThat(nodeA.shared()).isTrue();
    }

    @Test
    void aSharedAnswerReadBeforeAnInvalidationDoesNotRefillTheLocalTierAfterIt() throws Exception {
        nodeB.put("RACE000001", "auto", answer());
        nodeA.get("WARM000001", "auto"); // nodeA's connection is up: the next chunk it sends is the read below
        proxy.delay(1500); // nodeA's Redis read below takes about 3 s
        long before = proxy.clientChunks();
        java.util.concurrent.CompletableFuture<java.util.Optional<CachedAnswer>> slowRead =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> nodeA.get("RACE000001", "auto"));
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.clientChunks() > before); // the read is on its way…
        nodeA.invalidate(List.of("RACE000001")); // …when a change of the number is applied on this node
        assertThat(slowRead.get(20, java.util.concurrent.TimeUnit.SECONDS)).as("it began before the change")
                .isPresent();
        assertThat(nodeA.get("RACE000001", "auto")).as("the old shared answer did not land in the local tier")
                .isEmpty();
        proxy.pass();
    }

    @Test
    void aDeleteLostToABlackholedRedisDistrustsTheSharedTierUntilItIsWiped() {
        nodeB.put("LOST000001", "auto", answer());
        nodeB.put("OTHER00001", "auto", answer());
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.get("LOST000001", "auto").isPresent());
        proxy.blackhole();
        long took = millisOf(() -> nodeA.invalidate(List.of("LOST000001")));
        assertThat(took).isLessThan(CALLER_BOUND_MILLIS);
        await().atMost(Duration.ofSeconds(20)).until(() -> !nodeA.shared());
        // while distrusted: local only, and quickly
        long local = millisOf(() -> {
            nodeA.put("LOCAL00001", "auto", answer());
            assertThat(nodeA.get("LOCAL00001", "auto")).isPresent();
            assertThat(nodeA.get("OTHER00001", "auto")).as("the shared tier is not read").isEmpty();
        });
        assertThat(local).isLessThan(CALLER_BOUND_MILLIS);
        assertThat(redisDirect.hasKey("tallytrack:carrier:result:LOST000001")).as("the delete was lost").isTrue();

        proxy.pass();
        await().atMost(Duration.ofSeconds(30)).until(nodeA::shared);
        assertThat(redisDirect.keys("tallytrack:carrier:result:*")).as("wiped once Redis answered").isEmpty();
        try (TieredCarrierCache nodeC = node(direct, 100_000)) {
            assertThat(nodeC.get("LOST000001", "auto")).isEmpty();
        }
        nodeA.put("BACK000001", "auto", answer());
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeB.get("BACK000001", "auto").isPresent());
    }

    @Test
    void aFullQueueDistrustsTheSharedTierAndTheWipeRestoresIt() throws Exception {
        try (TieredCarrierCache small = node(viaProxy, 2)) {
            nodeB.put("FULL000001", "auto", answer());
            await().atMost(Duration.ofSeconds(10)).until(() -> small.get("FULL000001", "auto").isPresent());
            proxy.delay(2000); // the worker's first delete stays in flight
            small.invalidate(List.of("Q1", "Q2"));
            small.invalidate(List.of("FULL000001")); // three numbers waiting: over the capacity of 2
            assertThat(small.shared()).isFalse();
            assertThat(small.get("FULL000001", "auto")).isEmpty();
            proxy.pass();
            await().atMost(Duration.ofSeconds(30)).until(small::shared);
            assertThat(redisDirect.hasKey("tallytrack:carrier:result:FULL000001")).isFalse();
        }
    }

    @Test
    void invalidateAllWipesTheSharedTierWithoutTheCallerWaiting() {
        nodeB.put("ALL0000001", "auto", answer());
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.get("ALL0000001", "auto").isPresent());
        proxy.delay(1500);
        long took = millisOf(nodeA::invalidateAll);
        assertThat(took).isLessThan(CALLER_BOUND_MILLIS);
        assertThat(nodeA.get("ALL0000001", "auto")).isEmpty();
        proxy.pass();
        await().atMost(Duration.ofSeconds(30)).until(() -> nodeA.shared()
                && !redisDirect.hasKey("tallytrack:carrier:result:ALL0000001"));
    }
}
