package com.tallytrack.admin;

import static com.tallytrack.support.AdminLogin.bearer;
import static com.tallytrack.support.AdminLogin.fromIp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.transaction.PlatformTransactionManager;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.audit.AuditLog;
import com.tallytrack.common.ApiException;
import com.tallytrack.common.Messages;
import com.tallytrack.support.AdminLogin;
import com.tallytrack.system.LocalSecrets;

/**
 * The lockout cannot be turned against the admin (issue 12.3): it locks a name per client address, a ceiling per
 * name delays distributed guessing, ADMINs unlock, a wrong current password in change-password counts as a
 * failed login, sessions have an absolute lifetime, names are unique regardless of case, and blank or unchanged
 * passwords are refused.
 */
@SpringBootTest
@AutoConfigureMockMvc // the same context configuration as AdminAuthApiTest.OnH2, so the cached context is reused
@ActiveProfiles("test")
class AccountLockoutTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    AdminUserRepository users;

    @Autowired
    LoginGuardRepository counters;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    PasswordEncoder encoder;

    @Autowired
    AuditLog audit;

    @Autowired
    Messages messages;

    @Autowired
    LocalSecrets secrets;

    static String randomIp() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }

    ResultActions login(String username, String password, String ip) throws Exception {
        return mvc.perform(post("/api/v1/admin/login").with(fromIp(ip)).contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"));
    }

    ResultActions changePassword(String token, String current, String next, String ip) throws Exception {
        return mvc.perform(post("/api/v1/admin/change-password").with(bearer(token)).with(fromIp(ip))
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"current_password\":\"" + current + "\",\"new_password\":\"" + next + "\"}"));
    }

    String newUser(String password) throws Exception {
        String user = AdminLogin.uniqueName("lock");
        AdminLogin.newUserToken(mvc, user, password, "VIEWER");
        return user;
    }

    @Test
    void wrongPasswordsFromOneAddressDoNotLockTheAccountOutFromAnother() throws Exception {
        String user = newUser("right-password-1");
        String attacker = randomIp();
        for (int i = 1; i <= 4; i++) {
            login(user, "wrong-password", attacker).andExpect(status().isUnauthorized());
        }
        login(user, "wrong-password", attacker).andExpect(status().isLocked())
                .andExpect(jsonPath("$.error.code").value("ACCOUNT_LOCKED"))
                .andExpect(jsonPath("$.error.details.property").value("tallytrack.security.max-failed-logins"));
        login(user, "right-password-1", attacker).andExpect(status().isLocked());
        // the owner, from their own address, is not locked out by someone else's guesses
        login(user, "right-password-1", randomIp()).andExpect(status().isOk());
    }

    @Test
    void anAdminUnlocksAnAccountByNameOrIdAndTheUnlockIsAudited() throws Exception {
        String user = newUser("right-password-1");
        String ip = randomIp();
        for (int i = 1; i <= 5; i++) {
            login(user, "wrong-password", ip);
        }
        login(user, "right-password-1", ip).andExpect(status().isLocked());
        String viewer = AdminLogin.viewerToken(mvc);
        mvc.perform(post("/api/v1/admin/users/" + user + "/unlock").with(bearer(viewer)))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/admin/users/" + user + "/unlock"))
                .andExpect(status().isUnauthorized());
        String admin = AdminLogin.adminToken(mvc);
        mvc.perform(post("/api/v1/admin/users/" + user.toUpperCase() + "/unlock").with(bearer(admin)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.username").value(user));
        login(user, "right-password-1", ip).andExpect(status().isOk());

        for (int i = 1; i <= 5; i++) {
            login(user, "wrong-password", ip);
        }
        long id = users.findByUsername(user).orElseThrow().user().id();
        mvc.perform(post("/api/v1/admin/users/" + id + "/unlock").with(bearer(admin))).andExpect(status().isOk());
        login(user, "right-password-1", ip).andExpect(status().isOk());

        mvc.perform(post("/api/v1/admin/users/no-such-user-" + System.nanoTime() + "/unlock").with(bearer(admin)))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error.code").value("USER_NOT_FOUND"));
        String log = mvc.perform(get("/api/v1/admin/audit").param("action", "USER_UNLOCK").param("limit", "100")
                .with(bearer(admin))).andReturn().getResponse().getContentAsString();
        List<String> targets = JsonPath.read(log, "$.data[*].target");
        assertThat(targets.stream().filter(user::equals)).hasSize(2);
    }

    @Test
    void aWrongCurrentPasswordInChangePasswordCountsAsAFailedLogin() throws Exception {
        String user = AdminLogin.uniqueName("pwguess");
        String token = AdminLogin.newUserToken(mvc, user, "right-password-1", "VIEWER");
        String ip = randomIp();
        for (int i = 1; i <= 4; i++) {
            changePassword(token, "guess-" + i + "-password", "new-password-1", ip)
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[0].code").value("WRONG_PASSWORD"));
        }
        changePassword(token, "guess-5-password", "new-password-1", ip).andExpect(status().isLocked())
                .andExpect(header().exists("Retry-After"));
        // no more guesses through this door, not even the right one, and the login from there is locked too
        changePassword(token, "right-password-1", "new-password-1", ip).andExpect(status().isLocked());
        login(user, "right-password-1", ip).andExpect(status().isLocked());
    }

    @Test
    void aPasswordOfOnlySpacesOrEqualToTheCurrentOneIsRefused() throws Exception {
        String admin = AdminLogin.adminToken(mvc);
        mvc.perform(post("/api/v1/admin/create-user").with(bearer(admin)).contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\":\"" + AdminLogin.uniqueName("blank") + "\",\"password\":\"          \"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].field").value("password"))
                .andExpect(jsonPath("$.error.details[0].code").value("PASSWORD_BLANK"));
        String user = AdminLogin.uniqueName("same");
        String token = AdminLogin.newUserToken(mvc, user, "right-password-1", "VIEWER");
        String ip = randomIp();
        changePassword(token, "right-password-1", "          ", ip).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("PASSWORD_BLANK"));
        changePassword(token, "right-password-1", "right-password-1", ip).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].field").value("new_password"))
                .andExpect(jsonPath("$.error.details[0].code").value("PASSWORD_UNCHANGED"));
        login(user, "right-password-1", ip).andExpect(status().isOk());
    }

    @Test
    void userNamesAreUniqueRegardlessOfCase() throws Exception {
        String admin = AdminLogin.adminToken(mvc);
        String user = AdminLogin.uniqueName("Case");
        AdminLogin.newUserToken(mvc, user, "right-password-1", "VIEWER");
        mvc.perform(post("/api/v1/admin/create-user").with(bearer(admin)).contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\":\"" + user.toUpperCase() + "\",\"password\":\"other-password-1\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.error.code").value("USERNAME_TAKEN"));
        login(user.toLowerCase(), "right-password-1", randomIp()).andExpect(status().isOk())
                .andExpect(jsonPath("$.user.username").value(user));
    }

    @Test
    void distributedGuessingIsDelayedButTheLastSignInAddressStillSignsIn() {
        SecurityProperties properties = properties(1000, 3, Duration.ofHours(12));
        AdminAuthService auth = service(properties, Clock.systemUTC());
        String user = AdminLogin.uniqueName("spread");
        auth.createUser(user, "right-password-1", "VIEWER");
        String home = randomIp();
        auth.login(user, "right-password-1", home);
        for (int i = 0; i < 3; i++) {
            String ip = randomIp();
            assertThatThrownBy(() -> auth.login(user, "wrong-password", ip))
                    .extracting(e -> ((ApiException) e).code()).isEqualTo("INVALID_CREDENTIALS");
        }
        assertThatThrownBy(() -> auth.login(user, "right-password-1", randomIp()))
                .isInstanceOfSatisfying(RetryLaterException.class, e -> {
                    assertThat(e.code()).isEqualTo("LOGIN_DELAYED");
                    assertThat(e.status().value()).isEqualTo(429);
                    assertThat(e.headers()).containsKey("Retry-After");
                });
        assertThat(auth.login(user, "right-password-1", home).user().username()).isEqualTo(user);
    }

    @Test
    void refreshNeverExtendsASessionPastItsAbsoluteLifetime() {
        MovableClock clock = new MovableClock(Instant.now());
        SecurityProperties properties = properties(5, 1000, Duration.ofMinutes(45));
        TokenService tokens = new TokenService(properties, secrets, users, Optional.of(clock));
        AdminAuthService auth = new AdminAuthService(users, tokens, encoder,
                new LoginGuard(counters, properties, transactions, Optional.of(clock)), audit, messages, properties,
                Optional.of(clock));
        String user = AdminLogin.uniqueName("life");
        auth.createUser(user, "right-password-1", "VIEWER");
        AdminAuthService.SignedIn first = auth.login(user, "right-password-1", randomIp());
        Instant end = first.token().issuedAt().plus(Duration.ofMinutes(45));
        assertThat(first.token().expiresAt()).isEqualTo(first.token().issuedAt().plus(Duration.ofMinutes(30)));

        clock.now = clock.now.plus(Duration.ofMinutes(20));
        TokenService.Session session = tokens.verify(first.token().value()).session();
        AdminAuthService.SignedIn refreshed = auth.refresh(session);
        assertThat(refreshed.token().expiresAt()).as("capped by the lifetime, not 30 minutes from now")
                .isBeforeOrEqualTo(end.plusSeconds(1));

        clock.now = clock.now.plus(Duration.ofMinutes(26));
        assertThat(tokens.verify(refreshed.token().value()).rejection()).isEqualTo(TokenService.Rejection.EXPIRED);
    }

    @Test
    void noHashIsMadeAtStartAndTheFirstLoginCostsTheSameWhicheverNameItNames() {
        SecurityProperties properties = properties(5, 1000, Duration.ofHours(8));
        String user = AdminLogin.uniqueName("cost");
        service(properties, Clock.systemUTC()).createUser(user, "right-password-1", "VIEWER");
        String nobody = "nobody-" + System.nanoTime();
        for (List<String> order : List.of(List.of(nobody, user), List.of(user, nobody))) {
            CountingEncoder counting = new CountingEncoder(encoder);
            TokenService tokens = new TokenService(properties, secrets, users, Optional.empty());
            AdminAuthService auth = new AdminAuthService(users, tokens, counting,
                    new LoginGuard(counters, properties, transactions, Optional.empty()), audit, messages,
                    properties, Optional.empty());
            assertThat(counting.encodes).as("BCrypt work while the context starts (start-up time, P5)").isZero();

            for (int i = 0; i < order.size(); i++) {
                String name = order.get(i);
                assertThatThrownBy(() -> auth.login(name, "wrong-password", randomIp()))
                        .extracting(e -> ((ApiException) e).code()).isEqualTo("INVALID_CREDENTIALS");
                // the first login makes the unknown-name hash whether or not its name exists, so no failure
                // takes more or fewer BCrypt rounds than another
                assertThat(counting.encodes).as("hashes made after login %d of %s", i + 1, order).isEqualTo(1);
                assertThat(counting.compared).as("hashes compared after login %d of %s", i + 1, order)
                        .hasSize(i + 1).allSatisfy(hash -> assertThat(hash).startsWith("$2a$10$"));
            }
        }
    }

    /** The application's encoder, counting what it is asked to do. */
    static final class CountingEncoder implements PasswordEncoder {
        final PasswordEncoder real;
        int encodes;
        final List<String> compared = new ArrayList<>();

        CountingEncoder(PasswordEncoder real) {
            this.real = real;
        }

        @Override
        public String encode(CharSequence raw) {
            encodes++;
            return real.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            compared.add(encoded);
            return real.matches(raw, encoded);
        }
    }

    private SecurityProperties properties(int maxFailed, int ceiling, Duration lifetime) {
        return new SecurityProperties(AdminAuthApiTest.TEST_SECRET, Duration.ofMinutes(30), maxFailed,
                Duration.ofMinutes(15), 1000, ceiling,
                Duration.ofMinutes(1), lifetime);
    }

    private AdminAuthService service(SecurityProperties properties, Clock clock) {
        TokenService tokens = new TokenService(properties, secrets, users, Optional.of(clock));
        return new AdminAuthService(users, tokens, encoder,
                new LoginGuard(counters, properties, transactions, Optional.of(clock)), audit, messages, properties,
                Optional.of(clock));
    }

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
