package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
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
import com.tallytrack.carrier.internal.CarrierProperties;
import com.tallytrack.carrier.internal.DailyQueryGuard;
import com.tallytrack.carrier.internal.RedisLink;
import com.tallytrack.carrier.internal.TieredCarrierCache;

import redis.embedded.RedisServer;

/**
 * Two nodes sharing the carrier-result cache and the daily guard through Redis, and each falling back to its own
 * state while Redis is down and sharing again once it is back.
 */
class RedisSharedCarrierCacheTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T08:00:00Z"));
    private int port;
    private RedisServer redis;
    private LettuceConnectionFactory connections;
    private RedisLink linkA;
    private RedisLink linkB;
    private TieredCarrierCache nodeA;
    private TieredCarrierCache nodeB;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        redis = new RedisServer(port);
        redis.start();
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(500)).build());
        connections.afterPropertiesSet();
        connections.start();
        StringRedisTemplate template = new StringRedisTemplate(connections);
        linkA = new RedisLink(template, Duration.ofSeconds(5), clock);
        linkB = new RedisLink(template, Duration.ofSeconds(5), clock);
        nodeA = new TieredCarrierCache(CarrierServiceTest.CACHE, linkA, clock);
        nodeB = new TieredCarrierCache(CarrierServiceTest.CACHE, linkB, clock);
    }

    @AfterEach
    void stop() throws Exception {
        nodeA.close();
        nodeB.close();
        connections.destroy();
        redis.stop();
    }

    private CachedAnswer answer(String state) {
        Instant now = clock.instant();
        return new CachedAnswer(CarrierServiceTest.result(state), null, null, now, now.plus(Duration.ofMinutes(30)));
    }

    @Test
    void aResultFetchedOnOneNodeIsServedOnTheOther() {
        nodeA.put("SHARED0001", "auto", answer("0"));
        CachedAnswer seen = nodeB.get("SHARED0001", "auto").orElseThrow();
        assertThat(seen.result()).isEqualTo(CarrierServiceTest.result("0"));
        assertThat(seen.freshAt(clock.instant())).isTrue();
        assertThat(nodeB.get("SHARED0001", "yunda")).isEmpty();
    }

    @Test
    void aDamagedSharedEntryCountsAsAbsent() {
        connections.getConnection().hashCommands().hSet("tallytrack:carrier:result:BROKEN0001".getBytes(),
                "auto".getBytes(), "{not json".getBytes());
        assertThat(nodeB.get("BROKEN0001", "auto")).isEmpty();
    }

    @Test
    void invalidationRemovesTheSharedEntries() {
        // both in Redis first: on a loaded machine a put can time out (tallytrack.redis.command-timeout), and then
        // nodeA keeps to its local tier for redis-retry-interval and puts nothing in Redis
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (String number : List.of("SHARED0002", "SHARED0003")) {
                if (!shared(number)) {
                    nodeA.put(number, "auto", answer("0"));
                }
            }
            return shared("SHARED0002") && shared("SHARED0003");
        });
        nodeA.invalidate(List.of("SHARED0002"));
        // The Redis delete runs on nodeA's invalidation worker, not in the caller's thread. Waited for in Redis
        // itself: nodeB has no tailer here to tell it of the change, so a read of nodeB before the delete would
        // keep the old answer in nodeB's memory (in the service, nodeB's tailer drops it when it applies the change)
        await().atMost(Duration.ofSeconds(10)).until(() -> !shared("SHARED0002"));
        assertThat(nodeB.get("SHARED0002", "auto")).isEmpty();
        // (awaited: nodeB too reads only its local tier for a while after a command of its own timed out)
        await().atMost(Duration.ofSeconds(20)).until(() -> nodeB.get("SHARED0003", "auto").isPresent());
        nodeA.invalidateAll();
        assertThat(nodeA.get("SHARED0003", "auto")).as("not read back from Redis before the wipe").isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !shared("SHARED0003"));
        try (TieredCarrierCache fresh = new TieredCarrierCache(CarrierServiceTest.CACHE, linkB, clock)) {
            assertThat(fresh.get("SHARED0003", "auto")).isEmpty();
        }
    }

    /** Whether Redis holds any answer for {@code number}. */
    private boolean shared(String number) {
        Boolean exists = connections.getConnection().keyCommands()
                .exists(("tallytrack:carrier:result:" + number).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return Boolean.TRUE.equals(exists);
    }

    @Test
    void theDailyBudgetIsSharedByAllNodes() {
        DailyQueryGuard guardA = new DailyQueryGuard(3, linkA, clock);
        DailyQueryGuard guardB = new DailyQueryGuard(3, linkB, clock);
        assertThat(guardA.tryAcquire("GUARD0001")).isTrue();
        assertThat(guardB.tryAcquire("GUARD0001")).isTrue();
        assertThat(guardA.tryAcquire("GUARD0001")).isTrue();
        assertThat(guardB.tryAcquire("GUARD0001")).isFalse();
        assertThat(guardA.tryAcquire("GUARD0001")).isFalse();
        clock.advance(Duration.ofHours(24).plusMillis(1));
        assertThat(guardB.tryAcquire("GUARD0001")).isTrue();
    }

    @Test
    void withRedisDownEachNodeFallsBackToItsOwnStateAndSharesAgainWhenRedisReturns() throws Exception {
        DailyQueryGuard guard = new DailyQueryGuard(2, linkA, clock);
        assertThat(guard.tryAcquire("GUARD0002")).isTrue();

        redis.stop();
        nodeA.put("DOWN000001", "auto", answer("0"));
        assertThat(linkA.up()).isFalse();
        assertThat(nodeA.get("DOWN000001", "auto")).as("served from the local cache").isPresent();
        assertThat(nodeB.get("DOWN000001", "auto")).as("not shared while Redis is down").isEmpty();
        // the local record of the request made while Redis was up still counts
        assertThat(guard.tryAcquire("GUARD0002")).isTrue();
        assertThat(guard.tryAcquire("GUARD0002")).isFalse();

        redis = new RedisServer(port);
        redis.start();
        clock.advance(Duration.ofSeconds(6));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            clock.advance(Duration.ofSeconds(6));
            nodeA.put("BACK000001", "auto", answer("3"));
            assertThat(nodeB.get("BACK000001", "auto")).isPresent();
        });
        assertThat(linkA.up()).isTrue();
        assertThat(nodeA.shared()).isTrue();
    }
}
