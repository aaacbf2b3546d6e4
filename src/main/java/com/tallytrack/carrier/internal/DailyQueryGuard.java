package com.tallytrack.carrier.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;

import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Keeps every number under Kuaidi100's lock rule: at most {@code daily-limit} (≤ 48) carrier requests per number
 * in any 24 hours. With Redis the count is one sorted set per number shared by all nodes (checked and added in one
 * script, so two nodes cannot both take the last slot); every request is also recorded locally, so when Redis is
 * down the node still refuses what it alone has used up.
 */
public class DailyQueryGuard {

    static final String KEY_PREFIX = "tallytrack:carrier:guard:";
    private static final Duration WINDOW = Duration.ofHours(24);

    private static final RedisScript<Long> ACQUIRE = new DefaultRedisScript<>("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(ARGV[1]) - tonumber(ARGV[2])))
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
            redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """, Long.class);

    private final int limit;
    private final RedisLink redis;
    private final Clock clock;
    private final Cache<String, ArrayDeque<Long>> local = Caffeine.newBuilder()
            .expireAfterAccess(WINDOW)
            .maximumSize(1_000_000)
            .build();

    /** @param redis {@code null} when Redis is not configured */
    public DailyQueryGuard(int limit, RedisLink redis, Clock clock) {
        this.limit = limit;
        this.redis = redis;
        this.clock = clock;
    }

    /** Takes one request of the number's daily budget; false when it is used up. */
    public boolean tryAcquire(String number) {
        long now = clock.millis();
        if (redis != null) {
            Long granted = redis.call(r -> r.execute(ACQUIRE, List.of(KEY_PREFIX + number), Long.toString(now),
                    Long.toString(WINDOW.toMillis()), Integer.toString(limit), now + ":" + UUID.randomUUID()))
                    .orElse(null);
            if (granted != null) {
                if (granted == 1L) {
                    recordLocally(number, now, true);
                }
                return granted == 1L;
            }
        }
        return recordLocally(number, now, false);
    }

    private boolean recordLocally(String number, long now, boolean force) {
        ArrayDeque<Long> times = local.get(number, k -> new ArrayDeque<>());
        synchronized (times) {
            prune(times, now);
            if (!force && times.size() >= limit) {
                return false;
            }
            times.addLast(now);
            while (times.size() > limit) {
                times.removeFirst();
            }
            return true;
        }
    }

    private static void prune(ArrayDeque<Long> times, long now) {
        long oldest = now - WINDOW.toMillis();
        // a request exactly 24 hours old still counts: the window is closed on both ends
        while (!times.isEmpty() && times.peekFirst() < oldest) {
            times.removeFirst();
        }
    }
}
