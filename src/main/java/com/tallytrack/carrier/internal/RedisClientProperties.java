package com.tallytrack.carrier.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * {@code tallytrack.redis.*}: bounds on every use of the shared Redis (carrier-result cache, daily guard, sync
 * wake-up). Spring's {@code spring.data.redis.timeout} and {@code connect-timeout} take their values from here
 * (application.yml), so the one Lettuce client every module uses is bounded by default: without them a blackholed
 * Redis holds each command for Lettuce's 60 s.
 *
 * @param commandTimeout            longest wait for one Redis command's answer
 * @param connectTimeout            longest wait for a connection to Redis
 * @param invalidationQueueCapacity most carrier-cache numbers waiting to be deleted from Redis; beyond that (or while
 *                                  Redis fails) the shared tier is distrusted and wiped once Redis answers again
 */
@Validated
@ConfigurationProperties("tallytrack.redis")
public record RedisClientProperties(
        @DefaultValue("500ms") Duration commandTimeout,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("100000") @Min(1) @Max(10_000_000) int invalidationQueueCapacity) {

    public RedisClientProperties {
        bounded(commandTimeout, "tallytrack.redis.command-timeout");
        bounded(connectTimeout, "tallytrack.redis.connect-timeout");
    }

    private static void bounded(Duration value, String property) {
        if (value == null || value.isZero() || value.isNegative() || value.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException(property + " must be between 1ms and 60s, was " + value);
        }
    }
}
