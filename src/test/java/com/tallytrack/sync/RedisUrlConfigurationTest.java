package com.tallytrack.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.tallytrack.TallyTrackApplication;
import com.tallytrack.carrier.internal.DailyQueryGuard;
import com.tallytrack.carrier.internal.TieredCarrierCache;
import com.tallytrack.sync.wakeup.RedisWakeup;
import com.tallytrack.sync.wakeup.WakeupChannels;

import redis.embedded.RedisServer;

/**
 * Issue 12 point 9: Redis configured by {@code spring.data.redis.url} alone (no host property) shares the carrier
 * cache and the daily guard, as it enables the Redis wake-up channel; and the client is bounded by default.
 */
class RedisUrlConfigurationTest {

    @Test
    void aRedisUrlAloneEnablesTheSharedCarrierCacheTheDailyGuardAndTheWakeUp() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RedisServer redis = new RedisServer(port);
        redis.start();
        try (ConfigurableApplicationContext node = new SpringApplicationBuilder(TallyTrackApplication.class).run(
                "--spring.profiles.active=test", "--server.port=0", "--spring.jmx.enabled=false",
                "--spring.main.banner-mode=off", "--tallytrack.sync.node-id=redis-url",
                "--spring.data.redis.url=redis://127.0.0.1:" + port)) {
            assertThat(node.getEnvironment().containsProperty("spring.data.redis.host")).isFalse();
            StringRedisTemplate template = node.getBean(StringRedisTemplate.class);

            TieredCarrierCache cache = node.getBean(TieredCarrierCache.class);
            assertThat(cache.shared()).isTrue();
            cache.put("URLCFG0001", "auto", RedisFaultTest.notFound());
            assertThat(template.hasKey("tallytrack:carrier:result:URLCFG0001")).as("written to Redis").isTrue();

            assertThat(node.getBean(DailyQueryGuard.class).tryAcquire("URLCFG0002")).isTrue();
            assertThat(template.hasKey("tallytrack:carrier:guard:URLCFG0002")).as("counted in Redis").isTrue();

            assertThat(node.getBean(WakeupChannels.class).all()).anyMatch(w -> w instanceof RedisWakeup);
            // the Lettuce client every module shares is bounded by tallytrack.redis.* defaults
            assertThat(node.getEnvironment().getProperty("spring.data.redis.timeout", Duration.class))
                    .isEqualTo(Duration.ofMillis(500));
            assertThat(node.getEnvironment().getProperty("spring.data.redis.connect-timeout", Duration.class))
                    .isEqualTo(Duration.ofSeconds(2));
        } finally {
            redis.stop();
        }
    }
}
