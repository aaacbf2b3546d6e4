package com.tallytrack.carrier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.tallytrack.carrier.internal.CachedAnswer;
import com.tallytrack.carrier.internal.CarrierMetrics;
import com.tallytrack.carrier.internal.CarrierProperties;
import com.tallytrack.carrier.internal.CarrierResultStore;
import com.tallytrack.carrier.internal.DailyQueryGuard;
import com.tallytrack.carrier.internal.TieredCarrierCache;

/**
 * Asks the carrier about a query number while keeping within the carrier's rules: a fresh cached answer is
 * served without a call; concurrent requests for one number and company share one call (single flight); every
 * carrier request takes one slot of the number's daily budget; when the carrier fails, an expired result not older
 * than the stale window is served marked stale. Callers wait for the shared call at most {@code overall-timeout};
 * the call itself goes on and still fills the cache.
 *
 * <p>With the stored results ({@code carrier_result}) a cache miss is filled from the table first: a pushed result
 * (subscription) is served without any real-time query, a queried one while it is younger than the cache's time to
 * live. Every carrier answer is written to the table, and what the table then holds (which may be a newer push) is
 * what gets cached and served.
 */
public class CarrierService {

    private static final Logger log = LoggerFactory.getLogger(CarrierService.class);

    private final CarrierClient client;
    private final TieredCarrierCache cache;
    private final DailyQueryGuard guard;
    private final CarrierProperties.Cache cacheConfig;
    private final Duration overallTimeout;
    private final CarrierMetrics metrics;
    private final Clock clock;
    private final CarrierResultStore store;
    private final ConcurrentMap<Key, CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();

    public CarrierService(CarrierClient client, TieredCarrierCache cache, DailyQueryGuard guard,
            CarrierProperties properties, CarrierMetrics metrics, Clock clock) {
        this(client, cache, guard, properties, metrics, clock, null);
    }

    /** @param store the stored carrier results, {@code null} to work from the cache alone */
    public CarrierService(CarrierClient client, TieredCarrierCache cache, DailyQueryGuard guard,
            CarrierProperties properties, CarrierMetrics metrics, Clock clock, CarrierResultStore store) {
        this.store = store;
        this.client = client;
        this.cache = cache;
        this.guard = guard;
        this.cacheConfig = properties.cache();
        this.overallTimeout = properties.resilience().overallTimeout();
        this.metrics = metrics;
        this.clock = clock;
    }

    /** True when answers are invented by the simulator. */
    public boolean simulated() {
        return client.simulated();
    }

    public String provider() {
        return client.provider();
    }

    public CarrierLookup track(CarrierQuery query) {
        Key key = new Key(query.number(), query.companyCode());
        Optional<CachedAnswer> kept = cache.get(key.number(), key.company());
        if (kept.isPresent() && kept.get().freshAt(clock.instant())) {
            cache.recordHit();
            metrics.cacheHit();
            if (kept.get().pushed()) {
                metrics.queryAvoided();
            }
            return fromCache(kept.get(), false);
        }
        cache.recordMiss();
        metrics.cacheMiss();
        Outcome outcome = await(join(key, query));
        if (outcome.answer() != null) {
            return fromCall(outcome.answer(), outcome.fromCache());
        }
        return fallback(key, outcome.failure());
    }

    private CompletableFuture<Outcome> join(Key key, CarrierQuery query) {
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> flight = inFlight.putIfAbsent(key, mine);
        if (flight != null) {
            metrics.singleFlightJoin();
            return flight;
        }
        try {
            start(key, query, mine);
        } catch (RuntimeException e) {
            complete(key, mine, Outcome.failed(toCarrierException(e)));
        }
        return mine;
    }

    private void start(Key key, CarrierQuery query, CompletableFuture<Outcome> flight) {
        // a flight that finished between our cache miss and putIfAbsent has already filled the cache
        Optional<CachedAnswer> kept = cache.get(key.number(), key.company());
        if (kept.isPresent() && kept.get().freshAt(clock.instant())) {
            complete(key, flight, new Outcome(kept.get(), true, null));
            return;
        }
        Optional<CachedAnswer> stored = fromStore(key);
        if (stored.isPresent()) {
            complete(key, flight, new Outcome(stored.get(), true, null));
            return;
        }
        long started = System.nanoTime();
        client.query(query, () -> guard.tryAcquire(key.number())).whenComplete((result, error) -> {
            // whatever happens while handling the answer, the flight must end: a flight left in the map would be
            // joined by every later query of this number, each waiting out the overall timeout, until a restart
            Outcome outcome = Outcome.failed(new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, false,
                    "the carrier's answer could not be handled"));
            try {
                outcome = settle(key, result, error, started);
            } catch (RuntimeException | Error e) {
                log.warn("carrier answer for {} could not be handled", key.number(), e);
            } finally {
                complete(key, flight, outcome);
            }
        });
    }

    /**
     * The stored result as a cache entry, when it may be served for this company without asking the carrier: a
     * push always (the subscription keeps it current), a query's result while younger than the cache's life.
     */
    private Optional<CachedAnswer> fromStore(Key key) {
        if (store == null) {
            return Optional.empty();
        }
        Optional<StoredCarrierResult> found;
        try {
            found = store.find(key.number());
        } catch (RuntimeException e) {
            // the table is a help, not a precondition of answering: without it, ask the carrier as before
            log.warn("stored carrier result of {} could not be read: {}", key.number(), e.toString());
            return Optional.empty();
        }
        if (found.isEmpty() || !(CarrierQuery.AUTO.equals(key.company())
                || key.company().equals(found.get().result().companyCode()))) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        CachedAnswer answer = toAnswer(found.get(), now);
        if (!answer.freshAt(now)) {
            return Optional.empty();
        }
        cache.put(key.number(), key.company(), answer);
        if (answer.pushed()) {
            metrics.queryAvoided();
        }
        return Optional.of(answer);
    }

    private CachedAnswer toAnswer(StoredCarrierResult stored, Instant now) {
        CarrierResult result = stored.result();
        if (stored.pushed()) {
            // kept in the cache for a while, then re-read from the table (cheap): never a real-time query
            return new CachedAnswer(result, null, null, stored.receivedAt(), now.plus(cacheConfig.finalTtl()),
                    stored.source());
        }
        return new CachedAnswer(result, null, null, stored.receivedAt(), stored.receivedAt()
                .plus(result.isFinal() ? cacheConfig.finalTtl() : cacheConfig.inTransitTtl()), stored.source());
    }

    /** Stores a carrier answer; what the table holds afterwards (possibly a newer push) is what is served. */
    private CachedAnswer storeAnswer(Key key, CarrierResult result, Instant now) {
        if (store != null) {
            try {
                return toAnswer(store.store(key.number(), result, StoredCarrierResult.SOURCE_QUERY).current(), now);
            } catch (RuntimeException e) {
                log.warn("carrier result of {} could not be stored: {}", key.number(), e.toString());
            }
        }
        return new CachedAnswer(result, null, null, now,
                now.plus(result.isFinal() ? cacheConfig.finalTtl() : cacheConfig.inTransitTtl()),
                StoredCarrierResult.SOURCE_QUERY);
    }

    private Outcome settle(Key key, CarrierResult result, Throwable error, long started) {
        Instant now = clock.instant();
        Outcome outcome;
        if (error == null) {
            metrics.call(client.provider(), "success", System.nanoTime() - started);
            CachedAnswer answer = storeAnswer(key, result, now);
            cache.put(key.number(), key.company(), answer);
            outcome = new Outcome(answer, false, null);
        } else {
            CarrierException failure = toCarrierException(error);
            metrics.call(client.provider(), failure.code().name().toLowerCase(java.util.Locale.ROOT),
                    System.nanoTime() - started);
            if (failure.code() == CarrierErrorCode.NOT_FOUND) {
                // "no record yet" is covered by the 30-minute rule too: asking again sooner is wasted budget
                CachedAnswer answer = new CachedAnswer(null, failure.code(), failure.messageKey(), now,
                        now.plus(cacheConfig.inTransitTtl()));
                cache.put(key.number(), key.company(), answer);
                outcome = new Outcome(answer, false, null);
            } else {
                log.info("carrier query failed: {}", failure.getMessage());
                outcome = Outcome.failed(failure);
            }
        }
        return outcome;
    }

    /**
     * The answer is in the cache before the flight leaves the map, and the flight leaves the map before it
     * completes: a query arriving later either joins this flight or finds the cached answer, never an old outcome.
     */
    private void complete(Key key, CompletableFuture<Outcome> flight, Outcome outcome) {
        inFlight.remove(key, flight);
        flight.complete(outcome);
    }

    private Outcome await(CompletableFuture<Outcome> flight) {
        try {
            return flight.get(overallTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Outcome.failed(new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, false,
                    "no answer within " + overallTimeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, false, "interrupted"));
        } catch (ExecutionException e) {
            return Outcome.failed(toCarrierException(e.getCause()));
        }
    }

    private CarrierLookup fallback(Key key, CarrierException failure) {
        Instant now = clock.instant();
        Optional<CachedAnswer> kept = cache.get(key.number(), key.company());
        if (kept.isPresent() && kept.get().result() != null
                && !kept.get().fetchedAt().isBefore(now.minus(cacheConfig.staleWindow()))) {
            metrics.staleServed();
            return fromCache(kept.get(), !kept.get().freshAt(now));
        }
        return new CarrierLookup(null, failure.code(), failure.messageKey(), false, false, null, client.simulated(),
                null);
    }

    private CarrierLookup fromCache(CachedAnswer answer, boolean stale) {
        return new CarrierLookup(answer.result(), answer.result() == null ? answer.errorCode() : null,
                answer.errorMessageKey(), true, stale, answer.fetchedAt(), simulated(answer), source(answer));
    }

    private CarrierLookup fromCall(CachedAnswer answer, boolean cached) {
        // a pushed result is never the answer of a call made for this request
        return new CarrierLookup(answer.result(), answer.result() == null ? answer.errorCode() : null,
                answer.errorMessageKey(), cached || answer.pushed(), false, answer.fetchedAt(), simulated(answer),
                source(answer));
    }

    private static String source(CachedAnswer answer) {
        if (answer.result() == null) {
            return null;
        }
        return answer.source() == null ? StoredCarrierResult.SOURCE_QUERY : answer.source();
    }

    /**
     * Puts a stored result into this node's cache (after a push was stored here), so the next query of the number
     * is served from it; the sync module's change log drops other nodes' entries, which then refill from the table.
     */
    public void refreshFromStore(StoredCarrierResult stored) {
        CachedAnswer answer = toAnswer(stored, clock.instant());
        // entries for other company codes of the number may hold the older answer: drop them all first
        cache.invalidate(java.util.List.of(stored.queryNumber()));
        cache.put(stored.queryNumber(), CarrierQuery.AUTO, answer);
        String company = stored.result().companyCode();
        if (company != null && !CarrierQuery.AUTO.equals(company)) {
            cache.put(stored.queryNumber(), company, answer);
        }
    }

    private boolean simulated(CachedAnswer answer) {
        return answer.result() != null ? answer.result().simulated() : client.simulated();
    }

    private static CarrierException toCarrierException(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof CarrierException c) {
            return c;
        }
        log.warn("carrier client failed unexpectedly", t);
        return new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, false, "carrier.error.CARRIER_UNAVAILABLE",
                t.getClass().getSimpleName(), t);
    }

    private record Key(String number, String company) {
    }

    private record Outcome(CachedAnswer answer, boolean fromCache, CarrierException failure) {
        static Outcome failed(CarrierException failure) {
            return new Outcome(null, false, failure);
        }
    }
}
