package com.tallytrack.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class QueryRateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final QueryRateLimiter limiter = new QueryRateLimiter(60, nanos::get);

    @Test
    void sixtyPerMinuteRefillOneEverySecond() {
        for (int i = 0; i < 60; i++) {
            limiter.acquire("10.0.0.1", 1);
        }
        assertThatThrownBy(() -> limiter.acquire("10.0.0.1", 1))
                .isInstanceOfSatisfying(QueryRateLimiter.RateLimitedException.class,
                        e -> assertThat(e.headers()).containsEntry("Retry-After", "1"));
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1001));
        limiter.acquire("10.0.0.1", 1);
        limiter.acquire("10.0.0.2", 1);
    }

    @Test
    void aBatchCostsOnePerNumberAndSaysHowLongToWait() {
        limiter.acquire("10.0.0.3", 50);
        assertThatThrownBy(() -> limiter.acquire("10.0.0.3", 20))
                .isInstanceOfSatisfying(QueryRateLimiter.RateLimitedException.class,
                        e -> assertThat(e.headers()).containsEntry("Retry-After", "10"));
        // a batch larger than the whole bucket is capped, so an idle client can always send one
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(1));
        limiter.acquire("10.0.0.3", 500);
    }
}
