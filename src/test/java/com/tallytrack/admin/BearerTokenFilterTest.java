package com.tallytrack.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import com.tallytrack.system.LocalSecrets;

/**
 * Checking a token costs a database query, so the filter looks at the header only on protected paths: a public
 * request that happens to carry a token does no database work.
 */
class BearerTokenFilterTest {

    static final String SECRET = "filter-test-secret-0123456789abcdef-0123456789";

    /** Counts the per-request lookups instead of running them. */
    static class CountingRepository extends AdminUserRepository {
        final AtomicInteger lookups = new AtomicInteger();

        CountingRepository() {
            super(null);
        }

        @Override
        Optional<SessionState> sessionState(String username, String tokenId) {
            lookups.incrementAndGet();
            return Optional.of(new SessionState(AdminUser.Role.VIEWER, true, null, false));
        }
    }

    @Test
    void onlyProtectedPathsCheckTheTokenAndEachCheckIsOneLookup() throws Exception {
        CountingRepository repository = new CountingRepository();
        TokenService tokens = new TokenService(new SecurityProperties(SECRET, Duration.ofMinutes(30), 5,
                Duration.ofMinutes(15), 20, 20, Duration.ofMinutes(1), Duration.ofHours(12)), (LocalSecrets) null, repository,
                Optional.empty());
        String token = tokens.issue(new AdminUser(1, "someone", AdminUser.Role.ADMIN, true, null, null, null))
                .value();
        BearerTokenFilter filter = new BearerTokenFilter(tokens);

        for (String path : new String[] {"/api/v1/track/TT123", "/", "/admin/", "/api/v1/health"}) {
            filter.doFilter(request(path, token), new MockHttpServletResponse(), new MockFilterChain());
        }
        assertThat(repository.lookups).hasValue(0);

        filter.doFilter(request("/api/v1/admin/me", token), new MockHttpServletResponse(), new MockFilterChain());
        assertThat(repository.lookups).hasValue(1);
        filter.doFilter(request("/actuator/metrics", token), new MockHttpServletResponse(), new MockFilterChain());
        assertThat(repository.lookups).hasValue(2);
    }

    private static MockHttpServletRequest request(String path, String token) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.addHeader("Authorization", "Bearer " + token);
        return request;
    }
}
