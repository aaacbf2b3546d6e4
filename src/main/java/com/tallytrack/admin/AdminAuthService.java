package com.tallytrack.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.tallytrack.audit.AuditLog;
import com.tallytrack.common.ApiException;
import com.tallytrack.common.FieldViolation;
import com.tallytrack.common.Messages;

/**
 * Sign-in, sign-out, password changes and new accounts. Login is deliberately not one transaction: a failed
 * attempt must leave its counter, its lock and its audit record behind even though the call fails.
 */
@Service
public class AdminAuthService {

    public static final int PASSWORD_MIN_LENGTH = 8;
    // BCrypt reads at most 72 bytes (UTF-8), and Spring's encoder refuses longer input with an exception,
    // so the limit is counted in bytes: 72 ASCII characters, but only 24 Chinese ones.
    static final int PASSWORD_MAX_BYTES = 72;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{3,50}");

    private final AdminUserRepository users;
    private final TokenService tokens;
    private final PasswordEncoder encoder;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final Messages messages;
    private final SecurityProperties properties;
    private final Clock clock;
    // Compared against when the username is unknown, so both failures cost the same BCrypt time.
    private final String unknownUserHash;
    // Failed attempts on names no account has: they lock like accounts do (see countUnknownNameAttempt).
    // Bounded, so a flood of made-up names cannot grow it without limit.
    private final Cache<String, UnknownName> unknownNames = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofDays(1)).build();

    private record UnknownName(int attempts, Instant lockedUntil) {
    }

    AdminAuthService(AdminUserRepository users, TokenService tokens, PasswordEncoder encoder, LoginThrottle throttle,
            AuditLog audit, Messages messages, SecurityProperties properties, Optional<Clock> clock) {
        this.users = users;
        this.tokens = tokens;
        this.encoder = encoder;
        this.throttle = throttle;
        this.audit = audit;
        this.messages = messages;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
        this.unknownUserHash = encoder.encode("not-a-password-" + System.nanoTime());
    }

    /** A successful login or refresh: the token and who it belongs to. */
    public record SignedIn(TokenService.IssuedToken token, AdminUser user) {
    }

    public SignedIn login(String rawUsername, String password, String clientIp) {
        List<FieldViolation> missing = new ArrayList<>();
        if (rawUsername == null || rawUsername.isBlank()) {
            missing.add(required("username"));
        }
        if (password == null || password.isEmpty()) {
            missing.add(required("password"));
        }
        if (!missing.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", missing);
        }
        // Each attempt is counted (per IP and per account) before the slow hash check, not after it: counted
        // afterwards, a burst of parallel requests would all pass the checks before any of them was counted and
        // get as many guesses as it has requests.
        throttle.begin(clientIp);
        String username = rawUsername.strip();
        Instant now = clock.instant();
        Optional<AdminUserRepository.Account> found = users.findByUsername(username);
        int attempt = found.isPresent() ? users.countAttempt(found.get().user().id(), now)
                : countUnknownNameAttempt(username, now);
        if (attempt < 0 || attempt > properties.maxFailedLogins()) {
            // Locked, or more attempts than the account allows (several were in flight at once). The latter
            // sets the lock too: otherwise nothing would ever reset the count and the account would stay shut.
            if (attempt > 0) {
                Instant until = now.plus(properties.lockoutDuration());
                if (found.isPresent()) {
                    users.lock(found.get().user().id(), until);
                } else {
                    unknownNames.put(unknownNameKey(username), new UnknownName(0, until));
                }
            }
            Instant until = lockedUntil(username, now).orElse(now.plus(properties.lockoutDuration()));
            throttle.succeeded(clientIp); // a refusal without a guess is not a failure of this client
            audit.record(username, "LOGIN_REJECTED_LOCKED", username, "locked until " + until
                    + (found.isPresent() ? "" : " (unknown user)"));
            throw locked(Duration.between(now, until));
        }
        boolean passwordMatches = encoder.matches(password,
                found.map(AdminUserRepository.Account::passwordHash).orElse(unknownUserHash));
        if (found.isEmpty() || !passwordMatches || !found.get().user().enabled()) {
            audit.record(username, "LOGIN_FAILED", username,
                    (found.isPresent() ? "wrong password" : "unknown user") + "; attempt " + attempt);
            if (attempt >= properties.maxFailedLogins()) {
                Instant until = now.plus(properties.lockoutDuration());
                if (found.isPresent()) {
                    users.lock(found.get().user().id(), until);
                    audit.record(username, "ACCOUNT_LOCKED", username, attempt + " failed logins; locked for "
                            + properties.lockoutDuration());
                } else {
                    unknownNames.put(unknownNameKey(username), new UnknownName(0, until));
                }
                throw locked(properties.lockoutDuration());
            }
            // The same answer for an unknown user and a wrong password: no way to probe for usernames.
            throw new ApiException(HttpStatus.UNAUTHORIZED, "INVALID_CREDENTIALS", null);
        }
        throttle.succeeded(clientIp);
        AdminUser user = found.get().user();
        users.recordLogin(user.id(), now);
        TokenService.IssuedToken token = tokens.issue(user, now);
        audit.record(username, "LOGIN", username, "role " + user.role());
        return new SignedIn(token, withLastLogin(user, now));
    }

    /**
     * Counts an attempt on a name no account has, like {@link AdminUserRepository#countAttempt} does for an
     * account: -1 while the name is "locked". Unknown names lock exactly like real ones, so the lockout cannot
     * tell which names exist. Kept in this node's memory (bounded); real accounts lock in the database.
     */
    private int countUnknownNameAttempt(String username, Instant now) {
        UnknownName counted = unknownNames.asMap().compute(unknownNameKey(username), (name, u) -> {
            if (u != null && u.lockedUntil() != null && now.isBefore(u.lockedUntil())) {
                return u;
            }
            return new UnknownName(u == null || u.lockedUntil() != null ? 1 : u.attempts() + 1, null);
        });
        return counted.lockedUntil() != null ? -1 : counted.attempts();
    }

    /** No account name is longer than 50 characters; a longer made-up one is kept short so memory stays bounded. */
    private static String unknownNameKey(String username) {
        return username.length() <= 64 ? username : username.substring(0, 64) + "#" + username.hashCode();
    }

    private Optional<Instant> lockedUntil(String username, Instant now) {
        Optional<Instant> until = users.findByUsername(username).map(AdminUserRepository.Account::lockedUntil);
        if (until.isEmpty()) {
            until = Optional.ofNullable(unknownNames.getIfPresent(unknownNameKey(username)))
                    .map(UnknownName::lockedUntil);
        }
        return until.filter(now::isBefore);
    }

    public void logout(TokenService.Session session) {
        tokens.revoke(session);
        audit.record(session.username(), "LOGOUT", session.username(), null);
    }

    /** A new token for the same user; the presented one is revoked so only one of them lives on. */
    public SignedIn refresh(TokenService.Session session) {
        AdminUser user = current(session);
        TokenService.IssuedToken token = tokens.issue(user);
        tokens.revoke(session);
        audit.record(session.username(), "SESSION_REFRESH", session.username(), null);
        return new SignedIn(token, user);
    }

    /** The signed-in user as stored now (401 if the account is gone or disabled). */
    public AdminUser current(TokenService.Session session) {
        return users.findByUsername(session.username()).map(AdminUserRepository.Account::user)
                .filter(AdminUser::enabled)
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", null));
    }

    /** Sets a new password and ends every session of the user, on every node, including the calling one. */
    public void changePassword(TokenService.Session session, String currentPassword, String newPassword) {
        List<FieldViolation> violations = new ArrayList<>();
        if (currentPassword == null || currentPassword.isEmpty()) {
            violations.add(required("current_password"));
        }
        passwordProblems("new_password", newPassword, violations);
        if (!violations.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", violations);
        }
        AdminUserRepository.Account account = users.findByUsername(session.username())
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", null));
        if (!encoder.matches(currentPassword, account.passwordHash())) {
            audit.record(session.username(), "PASSWORD_CHANGE_FAILED", session.username(), "wrong current password");
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", List.of(new FieldViolation(
                    "current_password", "WRONG_PASSWORD", messages.get("admin.violation.WRONG_PASSWORD"))));
        }
        // Every token of this user issued before this instant stops working on every node, this session's too
        // (the console sends the user to sign in again).
        users.changePassword(account.user().id(), encoder.encode(newPassword), clock.instant());
        audit.record(session.username(), "PASSWORD_CHANGE", session.username(), null);
    }

    public AdminUser createUser(String rawUsername, String password, String rawRole) {
        List<FieldViolation> violations = new ArrayList<>();
        String username = rawUsername == null ? null : rawUsername.strip();
        if (username == null || username.isEmpty()) {
            violations.add(required("username"));
        } else if (!USERNAME.matcher(username).matches()) {
            violations.add(new FieldViolation("username", "INVALID_USERNAME",
                    messages.get("admin.violation.INVALID_USERNAME")));
        }
        passwordProblems("password", password, violations);
        AdminUser.Role role = null;
        String roleName = rawRole == null || rawRole.isBlank() ? "VIEWER" : rawRole.strip().toUpperCase(Locale.ROOT);
        try {
            role = AdminUser.Role.valueOf(roleName);
        } catch (IllegalArgumentException e) {
            violations.add(new FieldViolation("role", "INVALID_ROLE", messages.get("admin.violation.INVALID_ROLE")));
        }
        if (!violations.isEmpty()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", violations);
        }
        return createUserUnchecked(username, password, role, true);
    }

    /** Stores a new account; {@code audited} is false only for the first admin, which nobody created. */
    AdminUser createUserUnchecked(String username, String password, AdminUser.Role role, boolean audited) {
        if (users.findByUsername(username).isPresent()) {
            throw duplicate(username);
        }
        try {
            users.insert(username, encoder.encode(password), role, clock.instant());
        } catch (DuplicateKeyException e) {
            throw duplicate(username);
        }
        if (audited) {
            audit.record("USER_CREATE", username, "role " + role);
        }
        return users.findByUsername(username).orElseThrow().user();
    }

    boolean anyAdmin() {
        return users.anyAdmin();
    }

    private void passwordProblems(String field, String password, List<FieldViolation> out) {
        if (password == null || password.isEmpty()) {
            out.add(required(field));
        } else if (password.length() < PASSWORD_MIN_LENGTH) {
            out.add(new FieldViolation(field, "PASSWORD_TOO_SHORT",
                    messages.get("admin.violation.PASSWORD_TOO_SHORT", PASSWORD_MIN_LENGTH)));
        } else if (tooLongForBcrypt(password)) {
            out.add(new FieldViolation(field, "PASSWORD_TOO_LONG",
                    messages.get("admin.violation.PASSWORD_TOO_LONG", PASSWORD_MAX_BYTES)));
        }
    }

    static boolean tooLongForBcrypt(String password) {
        return password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > PASSWORD_MAX_BYTES;
    }

    private FieldViolation required(String field) {
        return new FieldViolation(field, "REQUIRED", messages.get("admin.violation.REQUIRED"));
    }

    private static ApiException duplicate(String username) {
        return ApiException.conflict("USERNAME_TAKEN", java.util.Map.of("username", username), username);
    }

    private static ApiException locked(Duration remaining) {
        long seconds = Math.max(1, (remaining.toMillis() + 999) / 1000);
        return new RetryLaterException(HttpStatus.LOCKED, "ACCOUNT_LOCKED", seconds);
    }

    private static AdminUser withLastLogin(AdminUser u, Instant at) {
        return new AdminUser(u.id(), u.username(), u.role(), u.enabled(), at, u.passwordChangedAt(), u.createdAt());
    }
}
