package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.tallytrack.carrier.internal.CarrierMetrics;
import com.tallytrack.carrier.internal.CarrierProperties;
import com.tallytrack.carrier.internal.DailyQueryGuard;
import com.tallytrack.carrier.internal.TieredCarrierCache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Cache, daily guard, single flight and stale fallback of {@link CarrierService}, with a scripted client. */
class CarrierServiceTest {

    static final CarrierProperties.Cache CACHE = new CarrierProperties.Cache(Duration.ofMinutes(30), Duration.ofHours(6),
            Duration.ofHours(24), 48, 10_000, Duration.ofSeconds(5));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T08:00:00Z"));
    private final ScriptedClient client = new ScriptedClient();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ExecutorService pool = Executors.newFixedThreadPool(64);
    private TieredCarrierCache cache;
    private CarrierService service;

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private CarrierService service(CarrierProperties.Cache config) {
        return service(config, new TieredCarrierCache(config, null, clock));
    }

    private CarrierService service(CarrierProperties.Cache config, TieredCarrierCache withCache) {
        cache = withCache;
        CarrierProperties properties = new CarrierProperties(CarrierProperties.Provider.SIMULATOR,
                new CarrierProperties.Kuaidi100(null, null, null, null, Duration.ofSeconds(1), Duration.ofSeconds(1),
                        "4"),
                config, new CarrierProperties.Resilience(1, Duration.ofMillis(10), 2, 0.5, 2, 2, 50, 10, 10,
                        Duration.ofSeconds(1), 1, Duration.ofSeconds(5)));
        service = new CarrierService(client, cache, new DailyQueryGuard(config.dailyLimit(), null, clock), properties,
                new CarrierMetrics(meters, cache), clock);
        return service;
    }

    static CarrierResult result(String state) {
        return new CarrierResult("yuantong", "圆通速递", state, null, "3".equals(state),
                List.of(new CarrierTrack("2026-01-09 10:00:00", "上海", "快件已揽收")), false);
    }

    @Test
    void aFreshResultIsServedFromTheCacheWithItsAge() {
        service(CACHE);
        client.answer(result("0"));
        CarrierLookup first = service.track(new CarrierQuery("PKG000001", "auto", null));
        clock.advance(Duration.ofMinutes(29));
        CarrierLookup second = service.track(new CarrierQuery("PKG000001", "auto", null));

        assertThat(first.cached()).isFalse();
        assertThat(second.cached()).isTrue();
        assertThat(second.stale()).isFalse();
        assertThat(second.fetchedAt()).isEqualTo(first.fetchedAt());
        assertThat(client.calls.get()).isEqualTo(1);
        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(cache.stats().misses()).isEqualTo(1);
    }

    @Test
    void inTransitResultsExpireAfterThirtyMinutesSignedOnesAfterSixHours() {
        service(CACHE);
        client.answer(result("0"));
        service.track(new CarrierQuery("MOVING01", "auto", null));
        clock.advance(Duration.ofMinutes(31));
        service.track(new CarrierQuery("MOVING01", "auto", null));
        assertThat(client.calls.get()).isEqualTo(2);

        client.answer(result("3"));
        service.track(new CarrierQuery("SIGNED01", "auto", null));
        clock.advance(Duration.ofHours(5));
        assertThat(service.track(new CarrierQuery("SIGNED01", "auto", null)).cached()).isTrue();
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        assertThat(service.track(new CarrierQuery("SIGNED01", "auto", null)).cached()).isFalse();
        assertThat(client.calls.get()).isEqualTo(4);
    }

    @Test
    void resultsAreKeyedByNumberAndCompany() {
        service(CACHE);
        client.answer(result("0"));
        service.track(new CarrierQuery("PKG000002", "auto", null));
        service.track(new CarrierQuery("PKG000002", "yunda", null));
        service.track(new CarrierQuery("PKG000002", "YUNDA", null));
        assertThat(client.calls.get()).isEqualTo(2);
    }

    /** A flight whose answer cannot be handled must still end, or every later query would join it and time out. */
    @Test
    void aFailureWhileHandlingTheAnswerStillEndsTheFlight() {
        AtomicInteger puts = new AtomicInteger();
        service(CACHE, new TieredCarrierCache(CACHE, null, clock) {
            @Override
            public void put(String queryNumber, String company, com.tallytrack.carrier.internal.CachedAnswer answer) {
                if (puts.getAndIncrement() == 0) {
                    throw new IllegalStateException("the cache refused the first answer");
                }
                super.put(queryNumber, company, answer);
            }
        });
        client.answer(result("0"));
        CarrierLookup first = service.track(new CarrierQuery("PKG000009", "auto", null));
        assertThat(first.success()).isFalse();
        assertThat(first.errorCode()).isEqualTo(CarrierErrorCode.CARRIER_UNAVAILABLE);
        CarrierLookup second = service.track(new CarrierQuery("PKG000009", "auto", null));
        assertThat(second.success()).isTrue();
        assertThat(client.calls.get()).isEqualTo(2);
    }

    @Test
    void concurrentQueriesForOneNumberShareOneCarrierCall() throws Exception {
        service(CACHE);
        CountDownLatch release = new CountDownLatch(1);
        client.answerLater(release, result("0"));
        List<Future<CarrierLookup>> lookups = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            lookups.add(pool.submit(() -> service.track(new CarrierQuery("PKG000003", "auto", null))));
        }
        // all 50 are waiting on the one call before it is allowed to finish
        org.awaitility.Awaitility.await().until(() -> meters.counter("tallytrack.carrier.singleflight.joins").count()
                + client.calls.get() >= 50);
        release.countDown();
        for (Future<CarrierLookup> lookup : lookups) {
            assertThat(lookup.get().success()).isTrue();
        }
        assertThat(client.calls.get()).isEqualTo(1);
        assertThat(meters.counter("tallytrack.carrier.singleflight.joins").count()).isEqualTo(49);
    }

    @Test
    void aFailingCarrierIsAnsweredWithTheExpiredResultMarkedStaleForUpTo24Hours() {
        service(CACHE);
        client.answer(result("0"));
        service.track(new CarrierQuery("PKG000004", "auto", null));
        clock.advance(Duration.ofHours(3));
        client.fail(new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, true, "down"));

        CarrierLookup stale = service.track(new CarrierQuery("PKG000004", "auto", null));
        assertThat(stale.success()).isTrue();
        assertThat(stale.cached()).isTrue();
        assertThat(stale.stale()).isTrue();
        assertThat(Duration.between(stale.fetchedAt(), clock.instant())).isEqualTo(Duration.ofHours(3));

        clock.advance(Duration.ofHours(21).plusMinutes(1));
        CarrierLookup tooOld = service.track(new CarrierQuery("PKG000004", "auto", null));
        assertThat(tooOld.success()).isFalse();
        assertThat(tooOld.errorCode()).isEqualTo(CarrierErrorCode.CARRIER_UNAVAILABLE);
        assertThat(tooOld.errorMessageKey()).isEqualTo("carrier.error.CARRIER_UNAVAILABLE");
    }

    @Test
    void notFoundIsKeptForTheCarriersMinimumInterval() {
        service(CACHE);
        client.fail(new CarrierException(CarrierErrorCode.NOT_FOUND, false, "500"));
        CarrierLookup first = service.track(new CarrierQuery("NOPE00001", "auto", null));
        CarrierLookup second = service.track(new CarrierQuery("NOPE00001", "auto", null));
        assertThat(first.errorCode()).isEqualTo(CarrierErrorCode.NOT_FOUND);
        assertThat(second.errorCode()).isEqualTo(CarrierErrorCode.NOT_FOUND);
        assertThat(second.cached()).isTrue();
        assertThat(client.calls.get()).isEqualTo(1);
    }

    @Test
    void the49thRequestOfADayIsNeverSentAndTheLastResultIsServedInstead() {
        service(CACHE);
        client.answer(result("0"));
        for (int i = 0; i < 48; i++) {
            assertThat(service.track(new CarrierQuery("BUSY00001", "auto", null)).cached()).isFalse();
            clock.advance(Duration.ofMinutes(30));
        }
        assertThat(client.sent.get()).isEqualTo(48);
        CarrierLookup guarded = service.track(new CarrierQuery("BUSY00001", "auto", null));
        assertThat(client.sent.get()).as("no 49th request in 24 hours").isEqualTo(48);
        assertThat(guarded.success()).isTrue();
        assertThat(guarded.cached()).isTrue();
        assertThat(guarded.stale()).isTrue();

        // the oldest request leaves the 24-hour window: one more may go out
        clock.advance(Duration.ofMinutes(30));
        assertThat(service.track(new CarrierQuery("BUSY00001", "auto", null)).cached()).isFalse();
        assertThat(client.sent.get()).isEqualTo(49);
    }

    @Test
    void withoutAnyKeptResultAnExhaustedBudgetIsRateLimited() {
        service(new CarrierProperties.Cache(Duration.ofMinutes(30), Duration.ofHours(6), Duration.ofHours(24), 2,
                10_000, Duration.ofSeconds(5)));
        client.fail(new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, true, "down"));
        service.track(new CarrierQuery("BUSY00002", "auto", null));
        service.track(new CarrierQuery("BUSY00002", "auto", null));
        CarrierLookup third = service.track(new CarrierQuery("BUSY00002", "auto", null));
        assertThat(client.sent.get()).isEqualTo(2);
        assertThat(third.errorCode()).isEqualTo(CarrierErrorCode.RATE_LIMITED);
        assertThat(third.errorMessageKey()).isEqualTo("carrier.error.DAILY_LIMIT");
    }

    @Test
    void invalidationDropsTheResultsOfANumberForEveryCompany() {
        service(CACHE);
        client.answer(result("0"));
        service.track(new CarrierQuery("PKG000005", "auto", null));
        service.track(new CarrierQuery("PKG000005", "yunda", null));
        cache.invalidate(List.of("PKG000005"));
        service.track(new CarrierQuery("PKG000005", "auto", null));
        service.track(new CarrierQuery("PKG000005", "yunda", null));
        assertThat(client.calls.get()).isEqualTo(4);
        cache.invalidateAll();
        assertThat(cache.stats().size()).isZero();
    }

    @Test
    void callsAreCountedByOutcomeWithLatency() {
        service(CACHE);
        client.answer(result("0"));
        service.track(new CarrierQuery("PKG000006", "auto", null));
        client.fail(new CarrierException(CarrierErrorCode.NOT_FOUND, false, "500"));
        service.track(new CarrierQuery("PKG000007", "auto", null));
        assertThat(meters.counter("tallytrack.carrier.calls", "provider", "scripted", "outcome", "success").count())
                .isEqualTo(1);
        assertThat(meters.counter("tallytrack.carrier.calls", "provider", "scripted", "outcome", "not_found").count())
                .isEqualTo(1);
        assertThat(meters.get("tallytrack.carrier.latency").timers()).hasSize(2);
        assertThat(meters.counter("tallytrack.carrier.cache.requests", "result", "miss").count()).isEqualTo(2);
    }

    @Test
    void cacheLivesBelowTheCarriersMinimumIntervalAreRefused() {
        assertThatThrownBy(() -> new CarrierProperties.Cache(Duration.ofMinutes(29), Duration.ofHours(6),
                Duration.ofHours(24), 48, 10, Duration.ofSeconds(1)))
                .hasMessageContaining("tallytrack.carrier.cache.in-transit-ttl");
        assertThatThrownBy(() -> new CarrierProperties.Cache(Duration.ofMinutes(30), Duration.ofMinutes(10),
                Duration.ofHours(24), 48, 10, Duration.ofSeconds(1)))
                .hasMessageContaining("tallytrack.carrier.cache.final-ttl");
        assertThatThrownBy(() -> new CarrierProperties.Cache(Duration.ofMinutes(30), Duration.ofHours(6),
                Duration.ofHours(24), 49, 10, Duration.ofSeconds(1)))
                .hasMessageContaining("tallytrack.carrier.cache.daily-limit");
    }

    /** A client whose answer the test sets; counts calls and budget-approved requests. */
    static final class ScriptedClient implements CarrierClient {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicReference<Object> next = new AtomicReference<>();
        volatile CountDownLatch gate;

        void answer(CarrierResult result) {
            next.set(result);
            gate = null;
        }

        void answerLater(CountDownLatch latch, CarrierResult result) {
            next.set(result);
            gate = latch;
        }

        void fail(CarrierException e) {
            next.set(e);
            gate = null;
        }

        @Override
        public CompletableFuture<CarrierResult> query(CarrierQuery query, QueryBudget budget) {
            calls.incrementAndGet();
            if (!budget.tryAcquire()) {
                return CompletableFuture.failedFuture(new CarrierException(CarrierErrorCode.RATE_LIMITED, false,
                        "carrier.error.DAILY_LIMIT", "budget", null));
            }
            sent.incrementAndGet();
            Object answer = next.get();
            CountDownLatch latch = gate;
            return CompletableFuture.supplyAsync(() -> {
                try {
                    if (latch != null) {
                        latch.await();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (answer instanceof CarrierException e) {
                    throw e;
                }
                return (CarrierResult) answer;
            });
        }

        @Override
        public String provider() {
            return "scripted";
        }

        @Override
        public boolean simulated() {
            return false;
        }
    }
}
