package com.tallytrack.carrier.internal;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.StringUtils;

import com.tallytrack.carrier.CarrierClient;
import com.tallytrack.carrier.CarrierService;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedThreadPoolBulkheadMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Wires the carrier module: the client chosen by {@code tallytrack.carrier.provider}, the carrier-result cache and
 * the daily guard (shared through Redis when {@code spring.data.redis.host} or {@code spring.data.redis.url} is set,
 * the same rule as the sync wake-up's) and the {@link CarrierService}.
 */
@Configuration(proxyBeanMethods = false)
public class CarrierConfiguration {

    private final Clock clock = Clock.systemUTC();

    @Bean
    CarrierClient carrierClient(CarrierProperties properties, MeterRegistry registry) {
        if (properties.provider() == CarrierProperties.Provider.KUAIDI100) {
            Kuaidi100Client client = new Kuaidi100Client(properties.kuaidi100(), properties.resilience());
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(client.circuitBreakers()).bindTo(registry);
            TaggedRetryMetrics.ofRetryRegistry(client.retries()).bindTo(registry);
            TaggedThreadPoolBulkheadMetrics.ofThreadPoolBulkheadRegistry(client.bulkheads()).bindTo(registry);
            return client;
        }
        return new SimulatorCarrierClient(clock);
    }

    /** Redis is configured by a host or by a URL (either alone is enough for Spring's Lettuce client). */
    static boolean redisConfigured(Environment environment) {
        return StringUtils.hasText(environment.getProperty("spring.data.redis.host"))
                || StringUtils.hasText(environment.getProperty("spring.data.redis.url"));
    }

    @Bean
    RedisLink carrierRedisLink(Environment environment, ObjectProvider<StringRedisTemplate> redis,
            CarrierProperties properties) {
        if (!redisConfigured(environment)) {
            return null;
        }
        return new RedisLink(redis.getObject(), properties.cache().redisRetryInterval(), clock);
    }

    @Bean(destroyMethod = "close")
    TieredCarrierCache carrierResultCache(CarrierProperties properties, ObjectProvider<RedisLink> redis,
            ObjectProvider<RedisClientProperties> redisClient) {
        RedisClientProperties bounds = redisClient.getIfAvailable(
                () -> new RedisClientProperties(Duration.ofMillis(500), Duration.ofSeconds(2), 100_000));
        return new TieredCarrierCache(properties.cache(), redis.getIfAvailable(), clock,
                bounds.invalidationQueueCapacity());
    }

    @Bean
    DailyQueryGuard carrierDailyGuard(CarrierProperties properties, ObjectProvider<RedisLink> redis) {
        return new DailyQueryGuard(properties.cache().dailyLimit(), redis.getIfAvailable(), clock);
    }

    @Bean
    CarrierMetrics carrierMetrics(MeterRegistry registry, TieredCarrierCache cache) {
        return new CarrierMetrics(registry, cache);
    }

    @Bean
    CarrierService carrierService(CarrierClient client, TieredCarrierCache cache, DailyQueryGuard guard,
            CarrierProperties properties, CarrierMetrics metrics) {
        return new CarrierService(client, cache, guard, properties, metrics, clock);
    }
}
