package com.tallytrack.carrier;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * In-process carrier-result cache: per query number, a small map of company → result. First version; the
 * carrier module's query path decides what is stored and for how long.
 */
@Component
class CaffeineCarrierCache implements CarrierCache {

    private final Cache<String, Map<String, Object>> byNumber = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(30))
            .build();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    Optional<Object> get(String queryNumber, String company) {
        Map<String, Object> entries = byNumber.getIfPresent(queryNumber);
        Object value = entries == null ? null : entries.get(company);
        (value == null ? misses : hits).increment();
        return Optional.ofNullable(value);
    }

    void put(String queryNumber, String company, Object result) {
        byNumber.asMap().computeIfAbsent(queryNumber, k -> new ConcurrentHashMap<>()).put(company, result);
    }

    @Override
    public void invalidate(Collection<String> queryNumbers) {
        byNumber.invalidateAll(queryNumbers);
    }

    @Override
    public void invalidateAll() {
        byNumber.invalidateAll();
    }

    @Override
    public Stats stats() {
        long h = hits.sum();
        long m = misses.sum();
        return new Stats(byNumber.estimatedSize(), h, m, h + m == 0 ? 0.0 : (double) h / (h + m));
    }
}
