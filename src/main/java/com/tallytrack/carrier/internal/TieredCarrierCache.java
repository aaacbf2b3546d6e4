package com.tallytrack.carrier.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.tallytrack.carrier.CarrierCache;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The carrier-result cache, keyed by the number actually sent to the carrier and the company asked for. A
 * node-local Caffeine cache always; with Redis configured also a Redis hash per number (field = company, value =
 * the JSON of a {@link CachedAnswer}) shared by all nodes. Reads go local first, then Redis (filling the local
 * cache); writes and invalidations go to both. Entries outlive their freshness by the stale window so that a
 * failing carrier can still be answered with the last known result.
 *
 * <p>Invalidations delete from Redis asynchronously ({@link RedisInvalidationQueue}): the caller (the sync tailer,
 * possibly in a writer's thread) never waits for Redis. While Redis fails or the tier is distrusted, reads and
 * writes use the local tier only.
 */
public class TieredCarrierCache implements CarrierCache, AutoCloseable {

    static final String KEY_PREFIX = "tallytrack:carrier:result:";

    private final Cache<String, Map<String, CachedAnswer>> local;
    private final RedisLink redis;
    /** {@code null} when Redis is not configured. */
    private final RedisInvalidationQueue invalidations;
    private final Duration staleWindow;
    private final Clock clock;
    private final ObjectMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** @param redis {@code null} when Redis is not configured */
    public TieredCarrierCache(CarrierProperties.Cache config, RedisLink redis, Clock clock) {
        this(config, redis, clock, 100_000);
    }

    /** @param invalidationQueueCapacity {@code tallytrack.redis.invalidation-queue-capacity} */
    public TieredCarrierCache(CarrierProperties.Cache config, RedisLink redis, Clock clock,
            int invalidationQueueCapacity) {
        this.redis = redis;
        this.invalidations = redis == null ? null
                : new RedisInvalidationQueue(redis, KEY_PREFIX, invalidationQueueCapacity);
        this.staleWindow = config.staleWindow();
        this.clock = clock;
        this.local = Caffeine.newBuilder()
                .maximumSize(config.maxSize())
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(new Expiry<String, Map<String, CachedAnswer>>() {
                    @Override
                    public long expireAfterCreate(String key, Map<String, CachedAnswer> value, long currentTime) {
                        return retentionNanos(value);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Map<String, CachedAnswer> value, long currentTime,
                            long currentDuration) {
                        return retentionNanos(value);
                    }

                    @Override
                    public long expireAfterRead(String key, Map<String, CachedAnswer> value, long currentTime,
                            long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    private long retentionNanos(Map<String, CachedAnswer> answers) {
        Instant now = clock.instant();
        return answers.values().stream().map(a -> a.retention(now, staleWindow)).max(Duration::compareTo)
                .orElse(Duration.ZERO).toNanos();
    }

    /** The kept answer for a query number and company, fresh or stale; does not count hits. */
    public Optional<CachedAnswer> get(String queryNumber, String company) {
        Map<String, CachedAnswer> answers = local.getIfPresent(queryNumber);
        CachedAnswer answer = answers == null ? null : answers.get(company);
        if (answer != null && answer.freshAt(clock.instant())) {
            return Optional.of(answer);
        }
        if (redis != null && invalidations.trusts(queryNumber)) {
            long generation = invalidations.generation();
            Optional<CachedAnswer> shared = redis.call(r -> r.<String, String>opsForHash().get(key(queryNumber), company))
                    .map(String.class::cast)
                    .flatMap(this::parse);
            if (shared.isPresent() && (answer == null || shared.get().fetchedAt().isAfter(answer.fetchedAt()))) {
                putLocalUnlessInvalidated(queryNumber, company, shared.get(), generation);
                return shared;
            }
        }
        return Optional.ofNullable(answer);
    }

    /** An entry another version of the service wrote, or a damaged one, counts as absent rather than failing. */
    private Optional<CachedAnswer> parse(String text) {
        try {
            CachedAnswer answer = json.readValue(text, CachedAnswer.class);
            return answer.fetchedAt() == null || answer.freshUntil() == null ? Optional.empty() : Optional.of(answer);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    public void put(String queryNumber, String company, CachedAnswer answer) {
        putLocal(queryNumber, company, answer);
        if (redis != null && invalidations.trusted()) {
            String text = json.writeValueAsString(answer);
            long ttlMillis = Math.max(1, answer.retention(clock.instant(), staleWindow).toMillis());
            redis.run(r -> {
                r.opsForHash().put(key(queryNumber), company, text);
                // the hash lives as long as its longest-lived field needs; older fields are checked on read
                Long current = r.getExpire(key(queryNumber), TimeUnit.MILLISECONDS);
                if (current == null || current < ttlMillis) {
                    r.expire(key(queryNumber), Duration.ofMillis(ttlMillis));
                }
            });
        }
    }

    /** Fills the local tier from Redis unless an invalidation began since the read (see generation()). */
    private void putLocalUnlessInvalidated(String queryNumber, String company, CachedAnswer answer, long generation) {
        local.asMap().compute(queryNumber, (k, old) -> {
            if (invalidations.generation() != generation) {
                return old;
            }
            Map<String, CachedAnswer> next = old == null ? new HashMap<>() : new HashMap<>(old);
            next.put(company, answer);
            return Map.copyOf(next);
        });
    }

    private void putLocal(String queryNumber, String company, CachedAnswer answer) {
        local.asMap().compute(queryNumber, (k, old) -> {
            Map<String, CachedAnswer> next = old == null ? new HashMap<>() : new HashMap<>(old);
            next.put(company, answer);
            return Map.copyOf(next);
        });
    }

    public void recordHit() {
        hits.increment();
    }

    public void recordMiss() {
        misses.increment();
    }

    @Override
    public void invalidate(Collection<String> queryNumbers) {
        if (invalidations != null) {
            invalidations.enqueue(queryNumbers); // first: it bumps the generation a racing Redis read checks
        }
        local.invalidateAll(queryNumbers);
    }

    @Override
    public void invalidateAll() {
        if (invalidations != null) {
            invalidations.wipe();
        }
        local.invalidateAll();
    }

    @Override
    public Stats stats() {
        long h = hits.sum();
        long m = misses.sum();
        return new Stats(local.estimatedSize(), h, m, h + m == 0 ? 0.0 : (double) h / (h + m));
    }

    /** True while Redis answers and this node trusts the shared tier (nothing it was told is stale may be there). */
    public boolean shared() {
        return redis != null && redis.up() && invalidations.trusted();
    }

    /** Numbers whose Redis delete is still queued (0 without Redis). */
    public int pendingSharedInvalidations() {
        return invalidations == null ? 0 : invalidations.queuedNumbers();
    }

    @Override
    public void close() {
        if (invalidations != null) {
            invalidations.close();
        }
    }

    static String key(String queryNumber) {
        return KEY_PREFIX + queryNumber;
    }
}
