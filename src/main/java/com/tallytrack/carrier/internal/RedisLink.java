package com.tallytrack.carrier.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The carrier module's use of the shared Redis. A failing command marks Redis as down for
 * {@code retryInterval}; meanwhile callers fall back to their node-local state at once instead of waiting on a
 * dead connection for every request. The first command after the interval probes Redis again, so the node
 * recovers by itself when Redis returns.
 */
public class RedisLink {

    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    private final StringRedisTemplate redis;
    private final Duration retryInterval;
    private final Clock clock;
    private final AtomicLong downUntilMillis = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean down;

    public RedisLink(StringRedisTemplate redis, Duration retryInterval, Clock clock) {
        this.redis = redis;
        this.retryInterval = retryInterval;
        this.clock = clock;
    }

    /** The command's value, or empty when Redis is (believed) down. {@code null} results come back empty too. */
    public <T> Optional<T> call(Function<StringRedisTemplate, T> command) {
        long now = clock.millis();
        if (now < downUntilMillis.get()) {
            return Optional.empty();
        }
        try {
            T value = command.apply(redis);
            if (down) {
                down = false;
                log.info("Redis is reachable again; the carrier cache and daily guard are shared again");
            }
            return Optional.ofNullable(value);
        } catch (RuntimeException e) {
            downUntilMillis.set(now + retryInterval.toMillis());
            if (!down) {
                down = true;
                log.warn("Redis failed ({}); the carrier cache and daily guard use node-local state for now",
                        e.getClass().getSimpleName());
            }
            return Optional.empty();
        }
    }

    /** Like {@link #call} for commands without a value; true when the command ran. */
    public boolean run(java.util.function.Consumer<StringRedisTemplate> command) {
        return call(r -> {
            command.accept(r);
            return Boolean.TRUE;
        }).isPresent();
    }

    public boolean up() {
        return !down;
    }
}
