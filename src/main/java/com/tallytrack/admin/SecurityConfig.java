package com.tallytrack.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import com.tallytrack.common.ErrorResponses;
import com.tallytrack.system.MetricsProperties;

/**
 * Who may call what. Public: the query API, pages, health, API docs, the login. Admin API: a bearer token on
 * every call (stateless); any signed-in user may read (GET) and manage their own session and password, only
 * ADMIN may change data or create users. Refusals use the one error body: 401 with the reason
 * ({@code missing}, {@code invalid}, {@code expired}, {@code revoked}) and 403.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfig {

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    /**
     * Spring Security's own observations, off unless {@code tallytrack.metrics.security-observations}: with an
     * observation registry present (Actuator) it otherwise wraps every filter of the chain in an observation and
     * times authentications and authorizations, on every request — per-request cost for meters nobody reads, and
     * a large part of the C2 compiler's work in the first seconds after ready (issue 13, P1w).
     * {@code http.server.requests} (the request timer) is recorded either way.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings(MetricsProperties metrics) {
        return metrics.securityObservations() ? SecurityObservationSettings.withDefaults().build()
                : SecurityObservationSettings.noObservations();
    }

    /**
     * The public query ({@code POST /api/v1/tracking/query}, the hottest path) in a chain of its own, ahead of the
     * main one: public, stateless and without credentials, it needs only the response headers every answer
     * carries. The main chain would run a dozen filters on it that have nothing to do there — the bearer-token
     * filters (which skip it), security-context and servlet-API wrapping, anonymous authentication, exception
     * translation, and an authorization filter whose only rule for it is {@code permitAll} — per request, and
     * they are a large share of what the JIT compiler must compile before the query reaches its plateau
     * (docs/BENCHMARKS.md, P1w). A token sent with it is ignored, as on every public path.
     */
    @Bean
    @Order(1)
    SecurityFilterChain publicQueryChain(HttpSecurity http) throws Exception {
        http.securityMatcher(PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/v1/tracking/query"))
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.disable())
                .securityContext(c -> c.disable())
                .servletApi(a -> a.disable())
                .anonymous(a -> a.disable())
                .exceptionHandling(e -> e.disable())
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .headers(SecurityConfig::headers);
        return http.build();
    }

    /**
     * The response headers of every answer: Spring Security's defaults and the content security policy, written
     * when the request starts, not when the response commits (a HEAD answer has no body to commit through the
     * wrapper and went out without them).
     */
    private static void headers(HeadersConfigurer<HttpSecurity> headers) {
        headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                + "script-src 'self'; object-src 'none'; frame-ancestors 'none'"))
                .addObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <O extends HeaderWriterFilter> O postProcess(O filter) {
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                });
    }

    @Bean
    @Order(2)
    SecurityFilterChain securityFilterChain(HttpSecurity http, ErrorResponses errors, TokenService tokens,
            MetricsProperties metrics) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .headers(SecurityConfig::headers)
                .addFilterBefore(new BearerTokenFilter(tokens), UsernamePasswordAuthenticationFilter.class)
                .addFilterBefore(healthTokens(tokens), UsernamePasswordAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(HttpMethod.POST, "/api/v1/admin/login").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/carrier/kuaidi100/callback").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/admin/logout", "/api/v1/admin/session/refresh",
                                "/api/v1/admin/change-password").hasAnyRole("ADMIN", "VIEWER")
                        .requestMatchers(HttpMethod.GET, "/api/v1/admin/**").hasAnyRole("ADMIN", "VIEWER")
                        .requestMatchers("/api/v1/admin/**").hasRole("ADMIN")
                        .requestMatchers("/actuator/prometheus").access(scrape(metrics))
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info").permitAll()
                        .requestMatchers("/actuator/**").hasRole("ADMIN")
                        .anyRequest().permitAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> {
                            Object rejection = req.getAttribute(BearerTokenFilter.REJECTION);
                            String reason = rejection == null ? "missing"
                                    : rejection.toString().toLowerCase(Locale.ROOT);
                            errors.writeWithDetails(res, HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", Map.of("reason", reason),
                                    Map.of("WWW-Authenticate", "Bearer"));
                        })
                        .accessDeniedHandler((req, res, ex) ->
                                errors.write(res, HttpStatus.FORBIDDEN, "FORBIDDEN", Map.of())));
        return http.build();
    }

    /**
     * The token filter on the public health paths too: they stay public, but an ADMIN token there shows the
     * components and details (issue 12.7). Only these paths, so the other public endpoints still do no database
     * work for a token they do not need.
     */
    private static BearerTokenFilter healthTokens(TokenService tokens) {
        return new BearerTokenFilter(tokens) {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                String path = request.getRequestURI().substring(request.getContextPath().length());
                return !(path.equals("/api/v1/health") || path.startsWith("/api/v1/health/"));
            }
        };
    }

    /**
     * {@code /actuator/prometheus}: a signed-in admin console user, or Prometheus with the configured scrape token
     * ({@code tallytrack.metrics.scrape-token}) as its bearer token, compared in constant time.
     */
    private static AuthorizationManager<RequestAuthorizationContext> scrape(MetricsProperties metrics) {
        AuthorizationManager<RequestAuthorizationContext> user = AuthorityAuthorizationManager.hasAnyRole("ADMIN",
                "VIEWER");
        byte[] expected = metrics.hasScrapeToken()
                ? ("Bearer " + metrics.scrapeToken().strip()).getBytes(StandardCharsets.UTF_8) : null;
        return (authentication, context) -> {
            String header = context.getRequest().getHeader(HttpHeaders.AUTHORIZATION);
            if (expected != null && header != null
                    && MessageDigest.isEqual(expected, header.strip().getBytes(StandardCharsets.UTF_8))) {
                return new AuthorizationDecision(true);
            }
            return user.authorize(authentication, context);
        };
    }
}
