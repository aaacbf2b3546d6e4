package com.tallytrack.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.admin.LoginGuardRepository.Counter;

/**
 * The login throttles and lockouts, shared by every node through the database ({@code login_guard}), so a
 * cluster behind a load balancer counts one attempt once, wherever it lands. Three counters per attempt:
 * <ul>
 * <li><b>per client address</b>: after {@code login-failures-per-ip-per-minute} failures in a minute every login
 * from that address gets 429 until the minute is over (one client guessing across many names);</li>
 * <li><b>per name and address</b>: after {@code max-failed-logins} failures in a row that name is locked
 * <em>for that address</em> for {@code lockout-duration} (423). Anyone else, the real admin included, still
 * signs in from their own address: the lockout cannot be used to shut the admin out;</li>
 * <li><b>per name, all addresses</b>: beyond {@code account-failure-ceiling} failures in a row each further
 * attempt on the name must wait a delay that doubles up to {@code max-login-delay} (429 {@code LOGIN_DELAYED}),
 * which keeps distributed guessing (many addresses, one name) to one guess per delay cluster-wide. The delay does
 * not apply from the address of the account's last successful sign-in.</li>
 * </ul>
 * Names are counted whether an account has them or not, so the answers cannot tell real names from made-up
 * ones. Each attempt is counted before the slow password check: counted afterwards, a burst of parallel attempts
 * would all pass before any was counted. One short transaction locks the three rows in a fixed order.
 */
@Component
class LoginGuard {

    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);
    private static final Duration IDLE_KEPT = Duration.ofDays(1);
    private static final int ATTEMPTS_ON_A_RACE = 3;

    private final LoginGuardRepository counters;
    private final SecurityProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final AtomicReference<Instant> lastPrune = new AtomicReference<>(Instant.EPOCH);

    LoginGuard(LoginGuardRepository counters, SecurityProperties properties, PlatformTransactionManager transactions,
            Optional<Clock> clock) {
        this.counters = counters;
        this.properties = properties;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /**
     * Counts one attempt on {@code name} from {@code clientIp} and answers how many failures in a row this name
     * has from this address, including this one; or refuses it (429 or 423, with {@code Retry-After}) without
     * counting it.
     *
     * @param knownAddress the address is the one the account last signed in from: no per-name delay
     */
    int begin(String name, String clientIp, boolean knownAddress) {
        pruneNowAndThen();
        String subject = subject(name);
        String ip = address(clientIp);
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(s -> count(subject, ip, knownAddress));
            } catch (DuplicateKeyException race) {
                // another node created one of the rows at the same moment; now it exists
                if (attempt >= ATTEMPTS_ON_A_RACE) {
                    throw race;
                }
            }
        }
    }

    private int count(String subject, String ip, boolean knownAddress) {
        Instant now = clock.instant();
        // always ip, name, pair: two attempts lock the rows in the same order and wait rather than deadlock
        Counter perIp = counters.lock("ip:" + ip, null, now);
        Counter perName = counters.lock("name:" + subject, subject, now);
        Counter perPair = counters.lock(pairKey(subject, ip), subject, now);

        Instant windowStart = now.isBefore(perIp.windowStart().plus(WINDOW)) ? perIp.windowStart() : now;
        int ipFailures = windowStart.equals(now) ? 0 : perIp.failures();
        if (ipFailures >= properties.loginFailuresPerIpPerMinute()) {
            throw new RetryLaterException(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_LOGIN_ATTEMPTS",
                    seconds(Duration.between(now, windowStart.plus(WINDOW))),
                    "tallytrack.security.login-failures-per-ip-per-minute");
        }
        if (perPair.lockedUntil() != null && now.isBefore(perPair.lockedUntil())) {
            throw locked(Duration.between(now, perPair.lockedUntil()));
        }
        if (!knownAddress && perName.lockedUntil() != null && now.isBefore(perName.lockedUntil())) {
            throw new RetryLaterException(HttpStatus.TOO_MANY_REQUESTS, "LOGIN_DELAYED",
                    seconds(Duration.between(now, perName.lockedUntil())), "tallytrack.security.account-failure-ceiling");
        }
        int nameFailures = perName.failures() + 1;
        Instant notBefore = perName.lockedUntil();
        if (nameFailures >= properties.accountFailureCeiling()) {
            notBefore = now.plus(delay(nameFailures - properties.accountFailureCeiling() + 1));
        }
        int pairFailures = perPair.lockedUntil() != null && !now.isBefore(perPair.lockedUntil()) ? 1
                : perPair.failures() + 1;
        counters.save(new Counter(perIp.key(), windowStart, ipFailures + 1, null), now);
        counters.save(new Counter(perName.key(), perName.windowStart(), nameFailures, notBefore), now);
        counters.save(new Counter(perPair.key(), perPair.windowStart(), pairFailures, null), now);
        return pairFailures;
    }

    /** Locks the name for this address for {@code lockout-duration}; answers the refusal to throw. */
    RetryLaterException lock(String name, String clientIp) {
        Instant now = clock.instant();
        String subject = subject(name);
        Instant until = now.plus(properties.lockoutDuration());
        tx.executeWithoutResult(s -> {
            Counter pair = counters.lock(pairKey(subject, address(clientIp)), subject, now);
            counters.save(new Counter(pair.key(), now, 0, until), now);
        });
        return locked(properties.lockoutDuration());
    }

    /**
     * A successful sign-in: the name starts afresh (from every address; the password is known to this client),
     * and the address gets back the attempt counted for it, which was not a failure.
     */
    void succeeded(String name, String clientIp) {
        Instant now = clock.instant();
        String subject = subject(name);
        String ip = address(clientIp);
        tx.executeWithoutResult(s -> {
            Counter perIp = counters.lock("ip:" + ip, null, now);
            counters.save(new Counter(perIp.key(), perIp.windowStart(), Math.max(0, perIp.failures() - 1), null), now);
            counters.deleteSubject(subject);
        });
    }

    /** The ADMINs' unlock action: every counter of the name, from every address, is gone. */
    int unlock(String name) {
        return tx.execute(s -> counters.deleteSubject(subject(name)));
    }

    /** Failed attempts in a row after which the next one waits 1 s, then 2 s, 4 s … up to the maximum. */
    private Duration delay(int beyondCeiling) {
        Duration d = Duration.ofSeconds(1L << Math.min(30, Math.max(0, beyondCeiling - 1)));
        return d.compareTo(properties.maxLoginDelay()) > 0 ? properties.maxLoginDelay() : d;
    }

    private void pruneNowAndThen() {
        Instant now = clock.instant();
        Instant last = lastPrune.get();
        if (now.isAfter(last.plus(PRUNE_EVERY)) && lastPrune.compareAndSet(last, now)) {
            counters.prune(now.minus(IDLE_KEPT), now);
        }
    }

    private RetryLaterException locked(Duration remaining) {
        return new RetryLaterException(HttpStatus.LOCKED, "ACCOUNT_LOCKED", seconds(remaining),
                "tallytrack.security.max-failed-logins");
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private static String pairKey(String subject, String ip) {
        return "pair:" + subject + "|" + ip;
    }

    /**
     * Names count case-insensitively, like accounts are unique. No account name is longer than 50 characters; a
     * longer made-up one is shortened so the key stays bounded.
     */
    static String subject(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return n.length() <= 64 ? n : n.substring(0, 64) + "#" + Integer.toHexString(n.hashCode());
    }

    private static String address(String clientIp) {
        String ip = clientIp == null || clientIp.isBlank() ? "unknown" : clientIp;
        return ip.length() <= 64 ? ip : ip.substring(0, 64);
    }
}
