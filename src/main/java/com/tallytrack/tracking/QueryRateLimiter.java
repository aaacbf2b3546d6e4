package com.tallytrack.tracking;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

import org.springframework.http.HttpStatus;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.tallytrack.common.ApiException;

/**
 * Per-client-IP limit of the public query: a token bucket of {@code rate-limit-per-minute} tokens refilled
 * evenly over a minute. A single query costs one token, a batch one per tracking number (capped at the bucket
 * size so that a full batch can always pass on an idle client). Over the limit → 429 with {@code Retry-After}.
 * With {@link SharedQueryUsage} the limit also counts what the other nodes served the address in the current
 * minute (as of their last sync), so it holds for the cluster; the check stays in memory.
 */
class QueryRateLimiter {

    private final int perMinute;
    private final double nanosPerToken;
    private final LongSupplier nanoTime;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(2))
            .maximumSize(200_000)
            .build();

    private final SharedQueryUsage shared;

    QueryRateLimiter(int perMinute, LongSupplier nanoTime) {
        this(perMinute, nanoTime, null);
    }

    QueryRateLimiter(int perMinute, LongSupplier nanoTime, SharedQueryUsage shared) {
        this.shared = shared;
        this.perMinute = perMinute;
        this.nanosPerToken = Duration.ofMinutes(1).toNanos() / (double) perMinute;
        this.nanoTime = nanoTime;
    }

    /** Takes {@code cost} tokens of the client's bucket or throws the 429. */
    void acquire(String clientIp, int cost) {
        int tokens = Math.min(Math.max(cost, 1), perMinute);
        Bucket bucket = buckets.get(clientIp, k -> new Bucket(perMinute, nanoTime.getAsLong()));
        long waitNanos;
        synchronized (bucket) {
            long now = nanoTime.getAsLong();
            bucket.available = Math.min(perMinute, bucket.available + (now - bucket.refilledAt) / nanosPerToken);
            bucket.refilledAt = now;
            boolean clusterAllows = shared == null || shared.allows(clientIp, tokens, perMinute);
            if (bucket.available >= tokens && clusterAllows) {
                bucket.available -= tokens;
                if (shared != null) {
                    shared.took(clientIp, tokens);
                }
                return;
            }
            waitNanos = !clusterAllows ? shared.secondsLeftInWindow() * 1_000_000_000L
                    : (long) Math.ceil((tokens - bucket.available) * nanosPerToken);
        }
        throw new RateLimitedException(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
    }

    private static final class Bucket {
        double available;
        long refilledAt;

        Bucket(double available, long refilledAt) {
            this.available = available;
            this.refilledAt = refilledAt;
        }
    }

    static final class RateLimitedException extends ApiException {
        private final long retryAfterSeconds;

        RateLimitedException(long retryAfterSeconds) {
            super(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", Map.of("retry_after_seconds", retryAfterSeconds),
                    retryAfterSeconds);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        public Map<String, String> headers() {
            return Map.of("Retry-After", Long.toString(retryAfterSeconds));
        }
    }
}
