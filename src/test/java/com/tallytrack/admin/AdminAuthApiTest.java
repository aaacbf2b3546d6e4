package com.tallytrack.admin;

import static com.tallytrack.support.AdminLogin.bearer;
import static com.tallytrack.support.AdminLogin.fromIp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import com.jayway.jsonpath.JsonPath;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.tallytrack.support.AdminLogin;
import com.tallytrack.support.PostgresInitializer;

/**
 * The admin auth endpoints over HTTP, on H2 and PostgreSQL: login, no user enumeration, lockout, the per-IP
 * brute-force guard, session status and refresh, logout revocation, passwords, new accounts, and the audit log
 * they leave behind.
 */
class AdminAuthApiTest {

    static final String TEST_SECRET = "test-only-jwt-secret-0123456789abcdef-0123456789abcdef";

    @SpringBootTest
    @AutoConfigureMockMvc
    @ActiveProfiles("test")
    abstract static class Base {

        @Autowired
        MockMvc mvc;

        @Autowired
        JdbcClient jdbc;

        ResultActions login(String username, String password, String ip) throws Exception {
            return mvc.perform(post("/api/v1/admin/login").with(fromIp(ip)).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}"));
        }

        static String randomIp() {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
        }

        String newUser(String role) throws Exception {
            String name = AdminLogin.uniqueName(role.toLowerCase());
            AdminLogin.newUserToken(mvc, name, "secret-password-1", role);
            return name;
        }

        @Test
        void loginAnswersABearerTokenWithItsExpiryAndTheUser() throws Exception {
            login(AdminLogin.ADMIN, AdminLogin.ADMIN_PASSWORD, randomIp())
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.access_token").isNotEmpty())
                    .andExpect(jsonPath("$.token_type").value("bearer"))
                    .andExpect(jsonPath("$.expires_in", allOf(greaterThan(1790), lessThanOrEqualTo(1800))))
                    .andExpect(jsonPath("$.user.username").value("admin"))
                    .andExpect(jsonPath("$.user.role").value("ADMIN"))
                    .andExpect(jsonPath("$.user.last_login_at").isNotEmpty())
                    .andExpect(jsonPath("$.user", not(hasKey("password_hash"))));
        }

        @Test
        void unknownUserAndWrongPasswordGetTheSameAnswer() throws Exception {
            String ip = randomIp();
            String wrongPassword = login(AdminLogin.ADMIN, "wrong-password", ip)
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.code").value("INVALID_CREDENTIALS"))
                    .andExpect(jsonPath("$.error.message").value("用户名或密码错误"))
                    .andReturn().getResponse().getContentAsString();
            String unknownUser = login("nobody-" + System.nanoTime(), "wrong-password", ip)
                    .andExpect(status().isUnauthorized())
                    .andReturn().getResponse().getContentAsString();
            assertThat((String) JsonPath.read(unknownUser, "$.error.code"))
                    .isEqualTo(JsonPath.read(wrongPassword, "$.error.code"));
            assertThat((String) JsonPath.read(unknownUser, "$.error.message"))
                    .isEqualTo(JsonPath.read(wrongPassword, "$.error.message"));
            assertThat((Object) JsonPath.read(unknownUser, "$.error.details")).isNull();
            // a success resets the admin's failure counter, so the shared admin account never locks here
            login(AdminLogin.ADMIN, AdminLogin.ADMIN_PASSWORD, ip).andExpect(status().isOk());
        }

        @Test
        void blankCredentialsAreAValidationError() throws Exception {
            login("", "", randomIp())
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("VALIDATION_ERROR"))
                    .andExpect(jsonPath("$.error.details[*].field", hasItem("username")))
                    .andExpect(jsonPath("$.error.details[*].field", hasItem("password")));
        }

        @Test
        void fiveFailedLoginsLockTheAccountFor15Minutes() throws Exception {
            String user = newUser("VIEWER");
            String ip = randomIp();
            for (int i = 1; i <= 4; i++) {
                login(user, "wrong-password", ip).andExpect(status().isUnauthorized());
            }
            login(user, "wrong-password", ip)
                    .andExpect(status().isLocked())
                    .andExpect(header().string("Retry-After", "900"))
                    .andExpect(jsonPath("$.error.code").value("ACCOUNT_LOCKED"))
                    .andExpect(jsonPath("$.error.details.retry_after_seconds").value(900));
            // even the right password is refused while locked
            login(user, "secret-password-1", ip)
                    .andExpect(status().isLocked())
                    .andExpect(header().exists("Retry-After"));
            // once the lock has run out (moved into the past here instead of waiting 15 minutes) the user is back
            jdbc.sql("UPDATE login_guard SET locked_until = :past WHERE subject = :u")
                    .param("past", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(1))
                    .param("u", user.toLowerCase(java.util.Locale.ROOT)).update();
            login(user, "secret-password-1", ip).andExpect(status().isOk());
            String audit = mvc.perform(get("/api/v1/admin/audit").param("username", user).param("limit", "50")
                    .with(bearer(AdminLogin.adminToken(mvc)))).andReturn().getResponse().getContentAsString();
            List<String> actions = JsonPath.read(audit, "$.data[*].action");
            assertThat(actions).contains("ACCOUNT_LOCKED", "LOGIN_REJECTED_LOCKED");
            assertThat(actions.stream().filter("LOGIN_FAILED"::equals)).hasSize(5);
        }

        @Test
        void aNameWithNoAccountLocksLikeARealOneSoTheLockoutCannotProbeForUsers() throws Exception {
            String real = newUser("VIEWER");
            String madeUp = AdminLogin.uniqueName("nobody");
            String ip = randomIp();
            for (String name : List.of(real, madeUp)) {
                for (int i = 1; i <= 4; i++) {
                    login(name, "wrong-password", ip).andExpect(status().isUnauthorized());
                }
                login(name, "wrong-password", ip)
                        .andExpect(status().isLocked())
                        .andExpect(header().string("Retry-After", "900"))
                        .andExpect(jsonPath("$.error.code").value("ACCOUNT_LOCKED"));
                login(name, "wrong-password", ip)
                        .andExpect(status().isLocked())
                        .andExpect(jsonPath("$.error.details.retry_after_seconds", lessThanOrEqualTo(900)));
            }
        }

        @Test
        void oneClientIpIsThrottledAfterTooManyFailuresAcrossAccounts() throws Exception {
            String ip = randomIp();
            for (int i = 0; i < 20; i++) {
                login("probe-" + i + "-" + System.nanoTime(), "wrong-password", ip)
                        .andExpect(status().isUnauthorized());
            }
            login(AdminLogin.ADMIN, AdminLogin.ADMIN_PASSWORD, ip)
                    .andExpect(status().isTooManyRequests())
                    .andExpect(header().exists("Retry-After"))
                    .andExpect(jsonPath("$.error.code").value("TOO_MANY_LOGIN_ATTEMPTS"));
            login(AdminLogin.ADMIN, AdminLogin.ADMIN_PASSWORD, randomIp()).andExpect(status().isOk());
        }

        @Test
        void meAndSessionStatusDescribeTheSession() throws Exception {
            String token = AdminLogin.adminToken(mvc);
            mvc.perform(get("/api/v1/admin/me").with(bearer(token)))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.username").value("admin"))
                    .andExpect(jsonPath("$.data.role").value("ADMIN"));
            mvc.perform(get("/api/v1/admin/session/status").with(bearer(token)))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.valid").value(true))
                    .andExpect(jsonPath("$.username").value("admin"))
                    .andExpect(jsonPath("$.expires_at").isNotEmpty())
                    .andExpect(jsonPath("$.remaining_seconds", allOf(greaterThan(1790), lessThanOrEqualTo(1800))));
            mvc.perform(get("/api/v1/admin/session/status"))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.details.reason").value("missing"));
        }

        @Test
        void refreshIssuesANewTokenAndRevokesTheOldOne() throws Exception {
            String old = AdminLogin.adminToken(mvc);
            String json = mvc.perform(post("/api/v1/admin/session/refresh").with(bearer(old)))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.token_type").value("bearer"))
                    .andReturn().getResponse().getContentAsString();
            String fresh = JsonPath.read(json, "$.access_token");
            assertThat(fresh).isNotEqualTo(old);
            mvc.perform(get("/api/v1/admin/me").with(bearer(fresh))).andExpect(status().isOk());
            mvc.perform(get("/api/v1/admin/me").with(bearer(old)))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.details.reason").value("revoked"));
        }

        @Test
        void logoutMakesTheTokenStopWorking() throws Exception {
            String token = AdminLogin.adminToken(mvc);
            String other = AdminLogin.adminToken(mvc);
            mvc.perform(post("/api/v1/admin/logout").with(bearer(token)))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.success").value(true));
            mvc.perform(get("/api/v1/admin/manifest/search").with(bearer(token)))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.code").value("UNAUTHORIZED"))
                    .andExpect(jsonPath("$.error.details.reason").value("revoked"));
            mvc.perform(post("/api/v1/admin/logout").with(bearer(token))).andExpect(status().isUnauthorized());
            // only that session ends
            mvc.perform(get("/api/v1/admin/me").with(bearer(other))).andExpect(status().isOk());
        }

        @Test
        void expiredOrForeignTokensAre401() throws Exception {
            Instant past = Instant.now().minusSeconds(3600);
            mvc.perform(get("/api/v1/admin/me").with(bearer(sign(TEST_SECRET, past, past.plusSeconds(60)))))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.details.reason").value("expired"));
            Instant now = Instant.now();
            mvc.perform(get("/api/v1/admin/me").with(bearer(sign("another-secret-of-at-least-32-bytes-long!!",
                    now, now.plusSeconds(600)))))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.details.reason").value("invalid"));
            String unsigned = new com.nimbusds.jwt.PlainJWT(claims(now, now.plusSeconds(600))).serialize();
            mvc.perform(get("/api/v1/admin/me").with(bearer(unsigned)))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.details.reason").value("invalid"));
            // the same key and claims work, so the refusals above are about expiry and signature only
            mvc.perform(get("/api/v1/admin/me").with(bearer(sign(TEST_SECRET, now, now.plusSeconds(600)))))
                    .andExpect(status().isOk());
        }

        @Test
        void changePasswordChecksTheCurrentOneAndTheMinimumLength() throws Exception {
            String user = AdminLogin.uniqueName("pw");
            String token = AdminLogin.newUserToken(mvc, user, "first-password", "VIEWER");
            String ip = randomIp();
            mvc.perform(post("/api/v1/admin/change-password").with(bearer(token))
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("{\"current_password\":\"first-password\",\"new_password\":\"short\"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[0].field").value("new_password"))
                    .andExpect(jsonPath("$.error.details[0].code").value("PASSWORD_TOO_SHORT"));
            mvc.perform(post("/api/v1/admin/change-password").with(bearer(token))
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("{\"current_password\":\"not-my-password\",\"new_password\":\"second-password\"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[0].field").value("current_password"))
                    .andExpect(jsonPath("$.error.details[0].code").value("WRONG_PASSWORD"));
            // a VIEWER may change their own password
            mvc.perform(post("/api/v1/admin/change-password").with(bearer(token))
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("{\"current_password\":\"first-password\",\"new_password\":\"second-password\"}"))
                    .andExpect(status().isOk());
            login(user, "first-password", ip).andExpect(status().isUnauthorized());
            login(user, "second-password", ip).andExpect(status().isOk());
            String audit = mvc.perform(get("/api/v1/admin/audit").param("username", user)
                    .param("action", "password_change").with(bearer(AdminLogin.adminToken(mvc))))
                    .andReturn().getResponse().getContentAsString();
            assertThat((Integer) JsonPath.read(audit, "$.pagination.total_count")).isEqualTo(1);
        }

        @Test
        void aPasswordChangeEndsEverySessionOfThatUserButNotOthers() throws Exception {
            String user = AdminLogin.uniqueName("pwend");
            String changing = AdminLogin.newUserToken(mvc, user, "first-password", "VIEWER");
            String otherSession = AdminLogin.token(mvc, user, "first-password");
            String someoneElse = AdminLogin.adminToken(mvc);
            mvc.perform(get("/api/v1/admin/me").with(bearer(otherSession))).andExpect(status().isOk());
            mvc.perform(post("/api/v1/admin/change-password").with(bearer(changing))
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("{\"current_password\":\"first-password\",\"new_password\":\"second-password\"}"))
                    .andExpect(status().isOk());
            mvc.perform(get("/api/v1/admin/me").with(bearer(otherSession)))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.details.reason").value("revoked"));
            // the session that changed it ends too: the console sends the user to sign in again
            mvc.perform(get("/api/v1/admin/manifest/search").with(bearer(changing)))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.details.reason").value("revoked"));
            // the old password no longer signs in, the new one does, and its token works at once
            login(user, "first-password", randomIp()).andExpect(status().isUnauthorized());
            String fresh = AdminLogin.token(mvc, user, "second-password");
            mvc.perform(get("/api/v1/admin/me").with(bearer(fresh)))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.username").value(user));
            mvc.perform(get("/api/v1/admin/me").with(bearer(someoneElse))).andExpect(status().isOk());
        }

        @Test
        void aRoleChangedInTheDatabaseCountsFromTheNextRequest() throws Exception {
            String user = AdminLogin.uniqueName("role");
            String token = AdminLogin.newUserToken(mvc, user, "role-password-1", "VIEWER");
            String createUser = "{\"username\":\"%s\",\"password\":\"other-password-1\",\"role\":\"VIEWER\"}";
            mvc.perform(post("/api/v1/admin/create-user").with(bearer(token)).contentType(MediaType.APPLICATION_JSON)
                    .content(createUser.formatted(AdminLogin.uniqueName("made"))))
                    .andExpect(status().isForbidden());

            jdbc.sql("UPDATE admin_user SET role = 'ADMIN' WHERE username = :u").param("u", user).update();
            mvc.perform(get("/api/v1/admin/session/status").with(bearer(token)))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.role").value("ADMIN"));
            mvc.perform(post("/api/v1/admin/create-user").with(bearer(token)).contentType(MediaType.APPLICATION_JSON)
                    .content(createUser.formatted(AdminLogin.uniqueName("made"))))
                    .andExpect(status().isCreated());

            // and back: the token still says ADMIN, the row says VIEWER
            jdbc.sql("UPDATE admin_user SET role = 'VIEWER' WHERE username = :u").param("u", user).update();
            mvc.perform(post("/api/v1/admin/create-user").with(bearer(token)).contentType(MediaType.APPLICATION_JSON)
                    .content(createUser.formatted(AdminLogin.uniqueName("made"))))
                    .andExpect(status().isForbidden());
            mvc.perform(get("/api/v1/admin/session/status").with(bearer(token)))
                    .andExpect(jsonPath("$.role").value("VIEWER"));
        }

        @Test
        void aDisabledOrDeletedAccountsTokenIs401() throws Exception {
            String user = AdminLogin.uniqueName("off");
            String token = AdminLogin.newUserToken(mvc, user, "off-password-1", "ADMIN");
            mvc.perform(get("/api/v1/admin/me").with(bearer(token))).andExpect(status().isOk());
            jdbc.sql("UPDATE admin_user SET enabled = FALSE WHERE username = :u").param("u", user).update();
            mvc.perform(get("/api/v1/admin/manifest/search").with(bearer(token)))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.details.reason").value("revoked"));
            // the flag, not anything else about the token, was the reason
            jdbc.sql("UPDATE admin_user SET enabled = TRUE WHERE username = :u").param("u", user).update();
            mvc.perform(get("/api/v1/admin/me").with(bearer(token))).andExpect(status().isOk());
            jdbc.sql("DELETE FROM admin_user WHERE username = :u").param("u", user).update();
            mvc.perform(get("/api/v1/admin/me").with(bearer(token))).andExpect(status().isUnauthorized());
        }

        @Test
        void aPasswordOverBcrypts72BytesIsRefusedAsTooLongNotAnInternalError() throws Exception {
            // 25 Chinese characters: short in characters, 75 bytes in UTF-8, more than BCrypt takes
            String longInBytes = "密".repeat(25);
            mvc.perform(post("/api/v1/admin/create-user").with(bearer(AdminLogin.adminToken(mvc)))
                    .contentType(MediaType.APPLICATION_JSON).header("Accept-Language", "en")
                    .content("{\"username\":\"" + AdminLogin.uniqueName("cjk") + "\",\"password\":\"" + longInBytes
                            + "\"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[0].field").value("password"))
                    .andExpect(jsonPath("$.error.details[0].code").value("PASSWORD_TOO_LONG"))
                    .andExpect(jsonPath("$.error.details[0].message").value(
                            "Password has at most 72 bytes in UTF-8 (a Chinese character takes 3)"));
            String token = AdminLogin.newUserToken(mvc, AdminLogin.uniqueName("cjk"), "first-password", "VIEWER");
            mvc.perform(post("/api/v1/admin/change-password").with(bearer(token))
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("{\"current_password\":\"first-password\",\"new_password\":\"" + longInBytes + "\"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[0].code").value("PASSWORD_TOO_LONG"));
            // 24 Chinese characters are exactly 72 bytes: accepted
            mvc.perform(post("/api/v1/admin/change-password").with(bearer(token))
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("{\"current_password\":\"first-password\",\"new_password\":\"" + "密".repeat(24)
                            + "\"}"))
                    .andExpect(status().isOk());
        }

        @Test
        void onlyAnAdminCreatesUsersAndNamesAreUnique() throws Exception {
            String admin = AdminLogin.adminToken(mvc);
            String name = AdminLogin.uniqueName("new");
            String create = "{\"username\":\"" + name + "\",\"password\":\"long-enough-1\",\"role\":\"viewer\"}";
            mvc.perform(post("/api/v1/admin/create-user").with(bearer(admin)).contentType(MediaType.APPLICATION_JSON)
                    .content(create))
                    .andExpect(status().isCreated())
                    .andExpect(jsonPath("$.data.username").value(name))
                    .andExpect(jsonPath("$.data.role").value("VIEWER"));
            mvc.perform(post("/api/v1/admin/create-user").with(bearer(admin)).contentType(MediaType.APPLICATION_JSON)
                    .content(create))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.error.code").value("USERNAME_TAKEN"));
            mvc.perform(post("/api/v1/admin/create-user").with(bearer(admin)).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"username\":\"a b\",\"password\":\"short\",\"role\":\"ROOT\"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[*].field", hasItem("username")))
                    .andExpect(jsonPath("$.error.details[*].field", hasItem("password")))
                    .andExpect(jsonPath("$.error.details[*].field", hasItem("role")));
            String viewer = AdminLogin.token(mvc, name, "long-enough-1");
            mvc.perform(post("/api/v1/admin/create-user").with(bearer(viewer)).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"username\":\"" + name + "x\",\"password\":\"long-enough-1\",\"role\":\"ADMIN\"}"))
                    .andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.error.code").value("FORBIDDEN"));
            String audit = mvc.perform(get("/api/v1/admin/audit").param("action", "USER_CREATE").param("limit", "200")
                    .with(bearer(admin))).andReturn().getResponse().getContentAsString();
            assertThat(JsonPath.<List<String>>read(audit, "$.data[*].target")).contains(name);
        }

        @Test
        void errorsAreChineseByDefaultAndEnglishOnRequest() throws Exception {
            String ip = randomIp();
            mvc.perform(get("/api/v1/admin/me"))
                    .andExpect(jsonPath("$.error.message").value("未登录或登录已失效，请重新登录"));
            mvc.perform(get("/api/v1/admin/me").header("Accept-Language", "en"))
                    .andExpect(jsonPath("$.error.message")
                            .value("Not signed in, or the session has expired; please sign in again"));
            mvc.perform(post("/api/v1/admin/login").with(fromIp(ip)).header("Accept-Language", "en-US,en;q=0.9")
                    .contentType(MediaType.APPLICATION_JSON).content("{\"username\":\"x\",\"password\":\"y\"}"))
                    .andExpect(jsonPath("$.error.message").value("Wrong username or password"));
        }

        @Test
        void auditLogPagesAndFilters() throws Exception {
            String user = newUser("VIEWER");
            String ip = randomIp();
            for (int i = 0; i < 3; i++) {
                login(user, "wrong-password", ip).andExpect(status().isUnauthorized());
            }
            String admin = AdminLogin.adminToken(mvc);
            mvc.perform(get("/api/v1/admin/audit").param("username", user).param("action", "LOGIN_FAILED")
                    .param("limit", "2").param("page", "2").with(bearer(admin)))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.success").value(true))
                    .andExpect(jsonPath("$.data.length()").value(1))
                    .andExpect(jsonPath("$.data[0].action").value("LOGIN_FAILED"))
                    .andExpect(jsonPath("$.data[0].username").value(user))
                    .andExpect(jsonPath("$.data[0].client_ip").value(ip))
                    .andExpect(jsonPath("$.data[0].request_id").isNotEmpty())
                    .andExpect(jsonPath("$.data[0].occurred_at").isNotEmpty())
                    .andExpect(jsonPath("$.pagination.total_count").value(3))
                    .andExpect(jsonPath("$.pagination.total_pages").value(2))
                    .andExpect(jsonPath("$.pagination.has_prev").value(true))
                    .andExpect(jsonPath("$.pagination.has_next").value(false));
            // logins are audited under the user's name, and a VIEWER may read the log
            String viewer = AdminLogin.token(mvc, user, "secret-password-1");
            mvc.perform(get("/api/v1/admin/audit").param("username", user).param("action", "LOGIN")
                    .with(bearer(viewer)))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.pagination.total_count").value(2));
            mvc.perform(get("/api/v1/admin/audit")).andExpect(status().isUnauthorized());
        }

        static JWTClaimsSet claims(Instant issued, Instant expires) {
            return new JWTClaimsSet.Builder().issuer("tallytrack").subject("admin").jwtID("t-" + System.nanoTime())
                    .issueTime(Date.from(issued)).expirationTime(Date.from(expires)).claim("role", "ADMIN").build();
        }

        static String sign(String secret, Instant issued, Instant expires) throws Exception {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(issued, expires));
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        }
    }

    static class OnH2 extends Base {
    }

    @ContextConfiguration(initializers = PostgresInitializer.class)
    static class OnPostgres extends Base {
    }
}
