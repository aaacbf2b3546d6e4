package com.tallytrack.tracking;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tallytrack.query.*}.
 *
 * @param rateLimitPerMinute tracking numbers one client IP may query per minute (a batch counts one per number)
 * @param batchMaxSize       tracking numbers in one batch query
 * @param batchParallelism   numbers of one batch queried at the same time (for all batches on this node together)
 */
@ConfigurationProperties("tallytrack.query")
public record TrackingProperties(
        @DefaultValue("60") int rateLimitPerMinute,
        @DefaultValue("50") int batchMaxSize,
        @DefaultValue("8") int batchParallelism) {

    public TrackingProperties {
        if (rateLimitPerMinute < 1) {
            throw new IllegalArgumentException("tallytrack.query.rate-limit-per-minute must be at least 1");
        }
        if (batchMaxSize < 1 || batchMaxSize > 500) {
            throw new IllegalArgumentException("tallytrack.query.batch-max-size must be between 1 and 500");
        }
        if (batchParallelism < 1 || batchParallelism > 64) {
            throw new IllegalArgumentException("tallytrack.query.batch-parallelism must be between 1 and 64");
        }
    }
}
