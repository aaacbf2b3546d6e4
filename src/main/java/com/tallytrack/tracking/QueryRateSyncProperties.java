package com.tallytrack.tracking;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code tallytrack.query.rate-limit-sync.*}: how the nodes share the public query's rate limit.
 *
 * @param interval how often a node adds its use per client address to the database and reads the cluster's back;
 *                 the cluster may exceed the limit by what the other nodes serve within one interval
 */
@Validated
@ConfigurationProperties("tallytrack.query.rate-limit-sync")
public record QueryRateSyncProperties(@DefaultValue("1s") @NotNull Duration interval) {

    public QueryRateSyncProperties {
        if (interval != null && (interval.isNegative() || interval.isZero())) {
            throw new IllegalArgumentException("tallytrack.query.rate-limit-sync.interval must be positive");
        }
    }
}
