package com.tallytrack.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import com.tallytrack.common.ApiException;
import com.tallytrack.common.Messages;

/** {@code /api/v1/admin}: login, logout, the current user and session, passwords, new accounts (PRODUCT §3). */
@RestController
@RequestMapping("/api/v1/admin")
class AdminAuthController {

    record LoginRequest(String username, String password) {
    }

    record ChangePasswordRequest(String currentPassword, String newPassword) {
    }

    record CreateUserRequest(String username, String password, String role) {
    }

    private final AdminAuthService auth;
    private final Messages messages;
    private final Clock clock;

    AdminAuthController(AdminAuthService auth, Messages messages, Optional<Clock> clock) {
        this.auth = auth;
        this.messages = messages;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @PostMapping("/login")
    Map<String, Object> login(@RequestBody LoginRequest request, HttpServletRequest http) {
        return tokenBody(auth.login(request.username(), request.password(), http.getRemoteAddr()));
    }

    @PostMapping("/logout")
    Map<String, Object> logout(@AuthenticationPrincipal TokenService.Session session) {
        auth.logout(require(session));
        return Map.of("success", true, "message", messages.get("admin.logout.done"));
    }

    @GetMapping("/me")
    Map<String, Object> me(@AuthenticationPrincipal TokenService.Session session) {
        return Map.of("success", true, "data", auth.current(require(session)));
    }

    @GetMapping("/session/status")
    Map<String, Object> status(@AuthenticationPrincipal TokenService.Session session) {
        require(session);
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("valid", true);
        body.put("username", session.username());
        body.put("role", session.role());
        body.put("issued_at", session.issuedAt());
        body.put("expires_at", session.expiresAt());
        body.put("remaining_seconds", Math.max(0, Duration.between(now, session.expiresAt()).toSeconds()));
        return body;
    }

    @PostMapping("/session/refresh")
    Map<String, Object> refresh(@AuthenticationPrincipal TokenService.Session session) {
        return tokenBody(auth.refresh(require(session)));
    }

    @PostMapping("/change-password")
    Map<String, Object> changePassword(@AuthenticationPrincipal TokenService.Session session,
            @RequestBody ChangePasswordRequest request, HttpServletRequest http) {
        auth.changePassword(require(session), request.currentPassword(), request.newPassword(), http.getRemoteAddr());
        return Map.of("success", true, "message", messages.get("admin.password.changed"));
    }

    @PostMapping("/create-user")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> createUser(@RequestBody CreateUserRequest request) {
        return Map.of("success", true,
                "data", auth.createUser(request.username(), request.password(), request.role()));
    }

    /** ADMIN only (every non-GET admin path is): clears the account's failure counters and locks, audited. */
    @PostMapping("/users/{idOrUsername}/unlock")
    Map<String, Object> unlock(@PathVariable String idOrUsername) {
        return Map.of("success", true, "data", auth.unlock(idOrUsername),
                "message", messages.get("admin.user.unlocked"));
    }

    private Map<String, Object> tokenBody(AdminAuthService.SignedIn signedIn) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("access_token", signedIn.token().value());
        body.put("token_type", "bearer");
        body.put("expires_in", signedIn.token().expiresInSeconds(clock.instant()));
        body.put("expires_at", signedIn.token().expiresAt());
        body.put("user", signedIn.user());
        return body;
    }

    /** These endpoints need a real session token (a test's mock user has none). */
    private static TokenService.Session require(TokenService.Session session) {
        if (session == null) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", null);
        }
        return session;
    }
}
