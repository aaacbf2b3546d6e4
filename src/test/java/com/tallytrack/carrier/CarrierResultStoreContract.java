package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;

import com.tallytrack.carrier.internal.CarrierMetrics;
import com.tallytrack.carrier.internal.CarrierProperties;
import com.tallytrack.carrier.internal.CarrierResultStore;
import com.tallytrack.carrier.internal.DailyQueryGuard;
import com.tallytrack.carrier.internal.TieredCarrierCache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The stored carrier results (table {@code carrier_result}) on a real database: no downgrade by older or non-final
 * answers, events published once per change, concurrent writers deciding once, cache fills from the table.
 */
@SpringBootTest
@ActiveProfiles("test")
@org.springframework.context.annotation.Import(CarrierResultStoreContract.Recording.class)
abstract class CarrierResultStoreContract {

    @Autowired
    CarrierResultStore store;
    @Autowired
    Events events;
    @Autowired
    JdbcClient jdbc;

    @TestConfiguration
    static class Recording {
        @Bean
        Events events() {
            return new Events();
        }
    }

    /** Every carrier event published in this context. */
    static class Events {
        final List<Object> seen = new CopyOnWriteArrayList<>();

        @EventListener
        void stored(CarrierResultStored e) {
            seen.add(e);
        }

        @EventListener
        void changed(MilestoneChanged e) {
            seen.add(e);
        }

        List<MilestoneChanged> changes(String number) {
            return seen.stream().filter(e -> e instanceof MilestoneChanged m && m.queryNumber().equals(number))
                    .map(MilestoneChanged.class::cast).toList();
        }

        long stores(String number) {
            return seen.stream().filter(e -> e instanceof CarrierResultStored s && s.queryNumber().equals(number))
                    .count();
        }
    }

    static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36).toUpperCase();
    }

    /** Event {@code i} of every test route: {@code i} hours after a fixed start two days ago (Beijing time). */
    static final java.time.LocalDateTime START = java.time.LocalDateTime.now(Milestones.CARRIER_ZONE).minusDays(2)
            .withNano(0);

    static String time(int i) {
        return START.plusHours(i).format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    }

    /** A route of {@code events} events, one an hour, newest first, the newest with {@code code}. */
    static CarrierResult route(int events, String code) {
        return route(events, code, 0);
    }

    static CarrierResult route(int events, String code, int daysEarlier) {
        List<CarrierTrack> tracks = new ArrayList<>();
        for (int i = events; i >= 1; i--) {
            String at = START.minusDays(daysEarlier).plusHours(i)
                    .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
            tracks.add(CarrierTrack.withCode(at, "上海", "event " + i, i == events ? code : "0"));
        }
        String base = com.tallytrack.carrier.internal.CarrierCodes.baseState(code);
        return new CarrierResult("yuantong", "圆通速递", base, code.equals(base) ? null : code, "3".equals(base),
                tracks, false);
    }

    @Test
    void aFirstResultIsStoredWithItsMilestoneAndAnnouncedOnce() {
        String n = unique("CRSA");
        CarrierResultStore.Outcome outcome = store.store(n, route(2, "1002"), StoredCarrierResult.SOURCE_QUERY);

        assertThat(outcome.replaced()).isTrue();
        StoredCarrierResult stored = store.find(n).orElseThrow();
        assertThat(stored.result().milestone()).isEqualTo(Milestone.IN_TRANSIT);
        assertThat(stored.result().tracks()).hasSize(2);
        assertThat(stored.result().tracks().get(0).statusCode()).isEqualTo("1002");
        assertThat(stored.result().tracks().get(0).milestone()).isEqualTo(Milestone.IN_TRANSIT);
        assertThat(stored.newestEventTime()).isEqualTo(Milestones.parseTime(time(2)));
        assertThat(stored.source()).isEqualTo("query");
        assertThat(events.stores(n)).isEqualTo(1);
        assertThat(events.changes(n)).singleElement().satisfies(c -> {
            assertThat(c.previous()).isNull();
            assertThat(c.current()).isEqualTo(Milestone.IN_TRANSIT);
            assertThat(c.companyCode()).isEqualTo("yuantong");
            assertThat(c.lastEvent()).isEqualTo("event 2");
            assertThat(c.lastEventTime()).isEqualTo(Milestones.parseTime(time(2)));
        });
        assertThat(jdbc.sql("SELECT milestone FROM carrier_result WHERE query_number = :n").param("n", n)
                .query(String.class).single()).isEqualTo("in_transit");
    }

    @Test
    void anOlderResultDoesNotDowngradeAndANewerOneReplacesWithOneChange() {
        String n = unique("CRSB");
        store.store(n, route(3, "5"), StoredCarrierResult.SOURCE_PUSH);
        CarrierResultStore.Outcome older = store.store(n, route(2, "1002"), StoredCarrierResult.SOURCE_QUERY);

        assertThat(older.replaced()).isFalse();
        assertThat(older.current().result().milestone()).isEqualTo(Milestone.OUT_FOR_DELIVERY);
        assertThat(store.find(n).orElseThrow().source()).isEqualTo("push");
        assertThat(events.stores(n)).isEqualTo(1);

        CarrierResultStore.Outcome newer = store.store(n, route(4, "301"), StoredCarrierResult.SOURCE_PUSH);
        assertThat(newer.replaced()).isTrue();
        assertThat(events.changes(n)).extracting(MilestoneChanged::current)
                .containsExactly(Milestone.OUT_FOR_DELIVERY, Milestone.DELIVERED);
        assertThat(events.changes(n).get(1).previous()).isEqualTo(Milestone.OUT_FOR_DELIVERY);
    }

    @Test
    void aFinalResultIsNotReplacedByANonFinalOneEvenWithALaterEvent() {
        String n = unique("CRSC");
        store.store(n, route(3, "3"), StoredCarrierResult.SOURCE_PUSH);
        CarrierResultStore.Outcome later = store.store(n, route(5, "0"), StoredCarrierResult.SOURCE_QUERY);

        assertThat(later.replaced()).isFalse();
        assertThat(store.find(n).orElseThrow().result().milestone()).isEqualTo(Milestone.DELIVERED);
        assertThat(events.changes(n)).hasSize(1);
    }

    @Test
    void theSameAnswerAgainChangesNothingButANewStateWithoutANewEventDoes() {
        String n = unique("CRSD");
        store.store(n, route(2, "0"), StoredCarrierResult.SOURCE_PUSH);
        assertThat(store.store(n, route(2, "0"), StoredCarrierResult.SOURCE_PUSH).replaced()).isFalse();
        assertThat(events.stores(n)).isEqualTo(1);

        // Kuaidi100 marks a quiet parcel 202 (no update for a long time) without adding an event
        CarrierResult quiet = new CarrierResult("yuantong", "圆通速递", "2", "202", false, route(2, "0").tracks(),
                false);
        assertThat(store.store(n, quiet, StoredCarrierResult.SOURCE_PUSH).replaced()).isTrue();
        assertThat(events.changes(n)).extracting(MilestoneChanged::current)
                .containsExactly(Milestone.IN_TRANSIT, Milestone.EXCEPTION);
    }

    @Test
    void aParcelWithoutEventsForLongerThanExpireAfterIsExpired() {
        String n = unique("CRSE");
        // the default expire-after is 30 days
        CarrierResultStore.Outcome outcome = store.store(n, route(2, "0", 31), StoredCarrierResult.SOURCE_QUERY);
        assertThat(outcome.current().result().milestone()).isEqualTo(Milestone.EXPIRED);
        assertThat(store.find(n).orElseThrow().result().milestone()).isEqualTo(Milestone.EXPIRED);
        assertThat(store.store(unique("CRSE"), route(2, "0", 27), StoredCarrierResult.SOURCE_QUERY).current()
                .result().milestone()).isEqualTo(Milestone.IN_TRANSIT);
        assertThat(store.store(unique("CRSE"), route(2, "3", 31), StoredCarrierResult.SOURCE_QUERY).current()
                .result().milestone()).isEqualTo(Milestone.DELIVERED);
    }

    @Test
    void concurrentWritersOfOneNumberDecideOnceAndAnnounceOneChange() throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 3; round++) {
                String n = unique("CRSF");
                CountDownLatch start = new CountDownLatch(1);
                List<Future<CarrierResultStore.Outcome>> futures = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    Callable<CarrierResultStore.Outcome> write = () -> {
                        start.await();
                        return store.store(n, route(3, "5"), StoredCarrierResult.SOURCE_PUSH);
                    };
                    futures.add(pool.submit(write));
                }
                start.countDown();
                int replaced = 0;
                for (Future<CarrierResultStore.Outcome> f : futures) {
                    replaced += f.get().replaced() ? 1 : 0;
                }
                assertThat(replaced).as("round %d", round).isEqualTo(1);
                assertThat(events.changes(n)).as("round %d", round).hasSize(1);
                assertThat(events.stores(n)).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentOldAndNewAnswersEndWithTheNewestWhateverTheOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            String n = unique("CRSG");
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int events = 1; events <= 6; events++) {
                int e = events;
                futures.add(pool.submit(() -> {
                    start.await();
                    return store.store(n, route(e, e == 6 ? "5" : "0"), StoredCarrierResult.SOURCE_PUSH);
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
            StoredCarrierResult stored = store.find(n).orElseThrow();
            assertThat(stored.result().tracks()).hasSize(6);
            assertThat(stored.result().milestone()).isEqualTo(Milestone.OUT_FOR_DELIVERY);
            List<MilestoneChanged> changes = events.changes(n);
            assertThat(changes.get(changes.size() - 1).current()).isEqualTo(Milestone.OUT_FOR_DELIVERY);
            assertThat(changes.size()).isLessThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A restarted or new node (an empty cache) serves a stored result without asking the carrier. */
    @Test
    void aNodeWithAnEmptyCacheServesStoredResultsWithoutACarrierCall() {
        String pushed = unique("CRSH");
        String queried = unique("CRSI");
        store.store(pushed, route(3, "5"), StoredCarrierResult.SOURCE_PUSH);
        CountingClient client = new CountingClient();
        CarrierService fresh = newNode(client);
        fresh.track(new CarrierQuery(queried, "auto", null));
        assertThat(client.calls).isEqualTo(1);

        CarrierService restarted = newNode(client);
        CarrierLookup a = restarted.track(new CarrierQuery(pushed, "auto", null));
        CarrierLookup b = restarted.track(new CarrierQuery(queried, "auto", null));
        assertThat(client.calls).as("no call for either").isEqualTo(1);
        assertThat(a.cached()).isTrue();
        assertThat(a.source()).isEqualTo("push");
        assertThat(a.result().milestone()).isEqualTo(Milestone.OUT_FOR_DELIVERY);
        assertThat(b.cached()).isTrue();
        assertThat(b.source()).isEqualTo("query");

        // another company than the stored one is a different question
        restarted.track(new CarrierQuery(pushed, "yunda", null));
        assertThat(client.calls).isEqualTo(2);
    }

    private CarrierService newNode(CarrierClient client) {
        CarrierProperties.Cache cache = CarrierServiceTest.CACHE;
        CarrierProperties properties = new CarrierProperties(CarrierProperties.Provider.SIMULATOR,
                new CarrierProperties.Kuaidi100(null, null, null, null, Duration.ofSeconds(1), Duration.ofSeconds(1),
                        "4"),
                cache, new CarrierProperties.Resilience(1, Duration.ofMillis(10), 2, 0.5, 2, 2, 50, 10, 10,
                        Duration.ofSeconds(1), 1, Duration.ofSeconds(5)));
        TieredCarrierCache tiered = new TieredCarrierCache(cache, null, java.time.Clock.systemUTC());
        return new CarrierService(client, tiered, new DailyQueryGuard(48, null, java.time.Clock.systemUTC()),
                properties, new CarrierMetrics(new SimpleMeterRegistry(), tiered), java.time.Clock.systemUTC(), store);
    }

    static final class CountingClient implements CarrierClient {
        volatile int calls;

        @Override
        public java.util.concurrent.CompletableFuture<CarrierResult> query(CarrierQuery query, QueryBudget budget) {
            calls++;
            return java.util.concurrent.CompletableFuture.completedFuture(route(2, "1002"));
        }

        @Override
        public String provider() {
            return "counting";
        }

        @Override
        public boolean simulated() {
            return false;
        }
    }
}
