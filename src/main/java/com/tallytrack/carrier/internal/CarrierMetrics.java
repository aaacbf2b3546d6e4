package com.tallytrack.carrier.internal;

import java.util.concurrent.TimeUnit;

import com.tallytrack.carrier.CarrierCache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters of the carrier path: {@code tallytrack.carrier.calls} (counter by provider and outcome),
 * {@code tallytrack.carrier.latency} (timer with a percentile histogram, by provider and outcome),
 * {@code tallytrack.carrier.cache.requests} (result hit / miss), {@code tallytrack.carrier.cache.stale.served},
 * {@code tallytrack.carrier.singleflight.joins}, {@code tallytrack.carrier.queries.avoided} (answers from a stored
 * push) and the cache size gauge.
 */
public class CarrierMetrics {

    private final MeterRegistry registry;
    private final Counter hits;
    private final Counter misses;
    private final Counter joins;
    private final Counter stale;
    private final Counter avoided;

    public CarrierMetrics(MeterRegistry registry, CarrierCache cache) {
        this.registry = registry;
        this.hits = Counter.builder("tallytrack.carrier.cache.requests").tag("result", "hit")
                .description("carrier-result cache lookups").register(registry);
        this.misses = Counter.builder("tallytrack.carrier.cache.requests").tag("result", "miss")
                .description("carrier-result cache lookups").register(registry);
        this.joins = Counter.builder("tallytrack.carrier.singleflight.joins")
                .description("queries that shared a carrier call already in flight").register(registry);
        this.stale = Counter.builder("tallytrack.carrier.cache.stale.served")
                .description("expired results served because the carrier failed").register(registry);
        this.avoided = Counter.builder("tallytrack.carrier.queries.avoided")
                .description("answers served from a stored subscription push instead of a real-time query")
                .register(registry);
        Gauge.builder("tallytrack.carrier.cache.size", cache, c -> c.stats().size())
                .description("query numbers in the node-local carrier-result cache").register(registry);
    }

    public void cacheHit() {
        hits.increment();
    }

    public void cacheMiss() {
        misses.increment();
    }

    public void singleFlightJoin() {
        joins.increment();
    }

    public void staleServed() {
        stale.increment();
    }

    public void queryAvoided() {
        avoided.increment();
    }

    /** {@code tallytrack.carrier.subscribe.replies} by Kuaidi100 returnCode ({@code transport} for no reply). */
    public void subscribeReply(String code) {
        registry.counter("tallytrack.carrier.subscribe.replies", "code", code).increment();
    }

    /** {@code tallytrack.carrier.callbacks} by result ({@code accepted}, {@code rejected}) and reason. */
    public void callback(boolean accepted, String reason) {
        registry.counter("tallytrack.carrier.callbacks", "result", accepted ? "accepted" : "rejected", "reason",
                reason).increment();
    }

    /** {@code tallytrack.carrier.subscriptions} gauges by state, read from the table when scraped. */
    public void subscriptionGauges(java.util.function.ToLongFunction<String> count) {
        for (String state : java.util.List.of("pending", "active", "shutdown", "abort", "failed")) {
            Gauge.builder("tallytrack.carrier.subscriptions", () -> {
                try {
                    return count.applyAsLong(state);
                } catch (RuntimeException e) {
                    return Double.NaN;
                }
            }).tag("state", state).description("Kuaidi100 subscriptions by state").register(registry);
        }
    }

    public void call(String provider, String outcome, long nanos) {
        registry.counter("tallytrack.carrier.calls", "provider", provider, "outcome", outcome).increment();
        Timer.builder("tallytrack.carrier.latency")
                .tags("provider", provider, "outcome", outcome)
                .publishPercentileHistogram()
                .description("carrier call latency, retries included")
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
