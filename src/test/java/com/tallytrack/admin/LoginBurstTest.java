package com.tallytrack.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;

import com.tallytrack.audit.AuditLog;
import com.tallytrack.common.ApiException;
import com.tallytrack.common.Messages;
import com.tallytrack.support.AdminLogin;

/**
 * A burst of parallel logins gets no more guesses than sequential ones: the lockout per name and address, the
 * per-name ceiling and the per-IP throttle count an attempt before its (slow) password check. The encoder holds every password check until
 * {@code limit + 1} of them are waiting, which happens only if more attempts than the limit got past the checks.
 */
@SpringBootTest
@AutoConfigureMockMvc // the same context configuration as AdminAuthApiTest.OnH2, so the cached context is reused
@ActiveProfiles("test")
class LoginBurstTest {

    static final int LIMIT = 3;
    static final int BURST = 8;

    @Autowired
    AdminUserRepository users;

    @Autowired
    TokenService tokens;

    @Autowired
    AuditLog audit;

    @Autowired
    Messages messages;

    @Autowired
    LoginGuardRepository counters;

    @Autowired
    PlatformTransactionManager transactions;

    final AtomicInteger passwordChecks = new AtomicInteger();
    final CyclicBarrier moreThanTheLimit = new CyclicBarrier(LIMIT + 1);
    final ExecutorService pool = Executors.newFixedThreadPool(BURST);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void parallelWrongPasswordsFromOneAddressGetNoMoreGuessesThanTheLockoutAllows() throws Exception {
        AdminAuthService auth = service(LIMIT, 1000, 1000);
        String user = AdminLogin.uniqueName("burst");
        auth.createUser(user, "right-password-1", "VIEWER");
        List<Integer> statuses = burst(i -> auth.login(user, "wrong-password-" + i, "10.9.0.1"));
        assertThat(passwordChecks.get()).isLessThanOrEqualTo(LIMIT);
        assertThat(statuses).containsOnly(401, 423).contains(423);
    }

    @Test
    void parallelWrongPasswordsFromManyAddressesGetNoMoreGuessesThanTheCeilingAllows() throws Exception {
        AdminAuthService auth = service(1000, 1000, LIMIT);
        String user = AdminLogin.uniqueName("burst");
        auth.createUser(user, "right-password-1", "VIEWER");
        List<Integer> statuses = burst(i -> auth.login(user, "wrong-password-" + i, "10.9.2." + i));
        assertThat(passwordChecks.get()).isLessThanOrEqualTo(LIMIT);
        assertThat(statuses).containsOnly(401, 429).contains(429);
    }

    @Test
    void parallelFailuresFromOneIpGetNoMoreGuessesThanTheThrottleAllows() throws Exception {
        AdminAuthService auth = service(1000, LIMIT, 1000);
        String ip = "10.9.1.1";
        List<Integer> statuses = burst(i -> auth.login(AdminLogin.uniqueName("nobody"), "wrong-password", ip));
        assertThat(passwordChecks.get()).isLessThanOrEqualTo(LIMIT);
        assertThat(statuses).containsOnly(401, 429).contains(429);
    }

    private AdminAuthService service(int maxFailedLogins, int failuresPerIp, int ceiling) {
        SecurityProperties properties = new SecurityProperties(null, Duration.ofMinutes(30), maxFailedLogins,
                Duration.ofMinutes(15), failuresPerIp, ceiling, Duration.ofMinutes(1), Duration.ofHours(12));
        return new AdminAuthService(users, tokens, new HeldPasswordChecks(), new LoginGuard(counters, properties,
                transactions, Optional.empty()), audit, messages, properties, Optional.empty());
    }

    interface Attempt {
        void run(int i);
    }

    /** Runs the attempts in parallel and answers their HTTP statuses (200 for a success). */
    private List<Integer> burst(Attempt attempt) throws Exception {
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            int n = i;
            results.add(pool.submit(() -> {
                try {
                    attempt.run(n);
                    return 200;
                } catch (ApiException e) {
                    return e.status().value();
                }
            }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : results) {
            statuses.add(f.get(2, TimeUnit.MINUTES));
        }
        return statuses;
    }

    /** BCrypt, but each check first waits (bounded) for LIMIT + 1 checks to be under way at once. */
    final class HeldPasswordChecks implements PasswordEncoder {

        private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);

        @Override
        public String encode(CharSequence raw) {
            return bcrypt.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            passwordChecks.incrementAndGet();
            try {
                // With the fix at most LIMIT checks ever run, so this waits out its timeout; without it the
                // barrier trips as soon as LIMIT + 1 attempts have passed the lockout and throttle checks.
                moreThanTheLimit.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (BrokenBarrierException | TimeoutException e) {
                // the barrier is only there to line the checks up
            }
            return bcrypt.matches(raw, encoded);
        }
    }
}
