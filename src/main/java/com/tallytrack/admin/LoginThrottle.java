package com.tallytrack.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Brute-force guard per client IP, across all accounts (the account lockout alone would let one client try a
 * password against every username): after {@code tallytrack.security.login-failures-per-ip-per-minute} failed
 * logins in a one-minute window, every login from that IP is refused with 429 until the window ends. Per node
 * and in memory: a cluster multiplies the allowance by its node count at most, which the account lockout
 * (shared in the database) still bounds.
 */
@Component
class LoginThrottle {

    static final Duration WINDOW = Duration.ofMinutes(1);

    private record Window(Instant start, int failures) {
    }

    // Bounded, so a flood of spoofed addresses cannot grow it without limit.
    private final Cache<String, Window> windows = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(WINDOW).build();
    private final int limit;
    private final Clock clock;

    LoginThrottle(SecurityProperties properties, Optional<Clock> clock) {
        this.limit = properties.loginFailuresPerIpPerMinute();
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * Counts a login attempt from this IP, or refuses it with 429 and {@code Retry-After} when the IP has used up
     * its failures for the window. The attempt counts at once (a successful login takes it back with
     * {@link #succeeded}), so parallel attempts cannot all pass before any of them has failed.
     */
    void begin(String clientIp) {
        Instant now = clock.instant();
        Window[] refused = new Window[1];
        windows.asMap().compute(key(clientIp), (ip, w) -> {
            if (w == null || !now.isBefore(w.start().plus(WINDOW))) {
                return new Window(now, 1);
            }
            if (w.failures() >= limit) {
                refused[0] = w;
                return w;
            }
            return new Window(w.start(), w.failures() + 1);
        });
        if (refused[0] != null) {
            long seconds = Duration.between(now, refused[0].start().plus(WINDOW)).toSeconds() + 1;
            throw new RetryLaterException(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_LOGIN_ATTEMPTS", seconds);
        }
    }

    /** Takes back the attempt counted by {@link #begin}: it was not a failure. */
    void succeeded(String clientIp) {
        windows.asMap().computeIfPresent(key(clientIp),
                (ip, w) -> w.failures() <= 1 ? null : new Window(w.start(), w.failures() - 1));
    }

    private static String key(String clientIp) {
        return clientIp == null ? "unknown" : clientIp;
    }
}
