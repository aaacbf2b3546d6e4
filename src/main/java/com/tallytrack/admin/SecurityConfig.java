package com.tallytrack.admin;

import java.util.Locale;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;

import com.tallytrack.common.ErrorResponses;

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

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, ErrorResponses errors, TokenService tokens)
            throws Exception {
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .headers(h -> h.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                + "script-src 'self'; object-src 'none'; frame-ancestors 'none'")))
                .addFilterBefore(new BearerTokenFilter(tokens), UsernamePasswordAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(HttpMethod.POST, "/api/v1/admin/login").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/carrier/kuaidi100/callback").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/admin/logout", "/api/v1/admin/session/refresh",
                                "/api/v1/admin/change-password").hasAnyRole("ADMIN", "VIEWER")
                        .requestMatchers(HttpMethod.GET, "/api/v1/admin/**").hasAnyRole("ADMIN", "VIEWER")
                        .requestMatchers("/api/v1/admin/**").hasRole("ADMIN")
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/prometheus",
                                "/actuator/info").permitAll()
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
}
