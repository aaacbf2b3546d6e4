package com.tallytrack.carrier.internal;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

import com.tallytrack.carrier.CarrierClient;
import com.tallytrack.carrier.CarrierService;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedThreadPoolBulkheadMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Wires the carrier module: the client chosen by {@code tallytrack.carrier.provider}, the carrier-result cache and
 * the daily guard (shared through Redis when {@code spring.data.redis.host} is set) and the {@link CarrierService}.
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

    @Bean
    RedisLink carrierRedisLink(@Value("${spring.data.redis.host:}") String redisHost,
            ObjectProvider<StringRedisTemplate> redis, CarrierProperties properties) {
        if (redisHost.isBlank()) {
            return null;
        }
        return new RedisLink(redis.getObject(), properties.cache().redisRetryInterval(), clock);
    }

    @Bean
    TieredCarrierCache carrierResultCache(CarrierProperties properties, ObjectProvider<RedisLink> redis) {
        return new TieredCarrierCache(properties.cache(), redis.getIfAvailable(), clock);
    }

    @Bean
    DailyQueryGuard carrierDailyGuard(CarrierProperties properties, ObjectProvider<RedisLink> redis) {
        return new DailyQueryGuard(properties.cache().dailyLimit(), redis.getIfAvailable(), clock);
    }

    @Bean
    CarrierMetrics carrierMetrics(MeterRegistry registry, TieredCarrierCache cache) {
        return new CarrierMetrics(registry, cache);
    }

    /** The stored carrier results; absent (null) only in slices of the context that have no database. */
    @Bean
    CarrierResultStore carrierResultStore(ObjectProvider<JdbcClient> jdbc,
            ObjectProvider<PlatformTransactionManager> transactions, ApplicationEventPublisher events,
            MilestoneProperties milestones) {
        JdbcClient client = jdbc.getIfAvailable();
        PlatformTransactionManager tm = transactions.getIfAvailable();
        return client == null || tm == null ? null : new CarrierResultStore(client, tm, events, milestones, clock);
    }

    @Bean
    CarrierService carrierService(CarrierClient client, TieredCarrierCache cache, DailyQueryGuard guard,
            CarrierProperties properties, CarrierMetrics metrics, ObjectProvider<CarrierResultStore> store) {
        return new CarrierService(client, cache, guard, properties, metrics, clock, store.getIfAvailable());
    }
}
