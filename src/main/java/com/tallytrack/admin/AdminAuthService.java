package com.tallytrack.admin;

import java.time.Clock;
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
import org.springframework.util.function.SingletonSupplier;

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
    private final LoginGuard guard;
    private final AuditLog audit;
    private final Messages messages;
    private final SecurityProperties properties;
    private final Clock clock;
    // Compared against when the username is unknown, so both failures cost the same BCrypt time. Made by the first
    // login after start, whichever name it names (not while the context starts: a cold BCrypt hash was about a
    // tenth of the start-up time, P5), so that login costs one hash more whether or not its name exists.
    private final SingletonSupplier<String> unknownUserHash;

    AdminAuthService(AdminUserRepository users, TokenService tokens, PasswordEncoder encoder, LoginGuard guard,
            AuditLog audit, Messages messages, SecurityProperties properties, Optional<Clock> clock) {
        this.users = users;
        this.tokens = tokens;
        this.encoder = encoder;
        this.guard = guard;
        this.audit = audit;
        this.messages = messages;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
        this.unknownUserHash = SingletonSupplier.of(() -> encoder.encode("not-a-password-" + System.nanoTime()));
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
        String username = rawUsername.strip();
        Instant now = clock.instant();
        Optional<AdminUserRepository.Account> found = users.findByUsername(username);
        boolean knownAddress = found.map(a -> clientIp != null && clientIp.equals(a.lastLoginIp())).orElse(false);
        // Counted (per address, per name and address, per name) before the slow hash check; see LoginGuard.
        int attempt = guarded(username, clientIp, knownAddress, found.isPresent());
        if (attempt > properties.maxFailedLogins()) {
            // More attempts than allowed were in flight at once: this one is refused like a locked one.
            RetryLaterException refusal = guard.lock(username, clientIp);
            audit.record(username, "LOGIN_REJECTED_LOCKED", username, "locked for this address"
                    + (found.isPresent() ? "" : " (unknown user)"));
            throw refusal;
        }
        String unknown = unknownUserHash.obtain();
        boolean passwordMatches = encoder.matches(password,
                found.map(AdminUserRepository.Account::passwordHash).orElse(unknown));
        if (found.isEmpty() || !passwordMatches || !found.get().user().enabled()) {
            audit.record(username, "LOGIN_FAILED", username,
                    (found.isPresent() ? "wrong password" : "unknown user") + "; attempt " + attempt);
            throw failed(username, clientIp, attempt, found.isPresent(), null);
        }
        guard.succeeded(username, clientIp);
        AdminUser user = found.get().user();
        users.recordLogin(user.id(), now, clientIp);
        TokenService.IssuedToken token = tokens.issue(user, now);
        audit.record(user.username(), "LOGIN", user.username(), "role " + user.role());
        return new SignedIn(token, withLastLogin(user, now));
    }

    /** {@link LoginGuard#begin}, with the refusal of a locked name audited. */
    private int guarded(String username, String clientIp, boolean knownAddress, boolean exists) {
        try {
            return guard.begin(username, clientIp, knownAddress);
        } catch (RetryLaterException e) {
            if (e.code().equals("ACCOUNT_LOCKED")) {
                audit.record(username, "LOGIN_REJECTED_LOCKED", username, "locked for this address"
                        + (exists ? "" : " (unknown user)"));
            }
            throw e;
        }
    }

    /**
     * The answer to a failed attempt: 401 (or {@code otherwise}), or, at the limit, the lock of this name for
     * this address (423). The same answers for an unknown user and a wrong password: no way to probe for names.
     */
    private ApiException failed(String username, String clientIp, int attempt, boolean exists,
            ApiException otherwise) {
        if (attempt >= properties.maxFailedLogins()) {
            RetryLaterException refusal = guard.lock(username, clientIp);
            if (exists) {
                audit.record(username, "ACCOUNT_LOCKED", username, attempt + " failed logins from " + clientIp
                        + "; locked for that address for " + properties.lockoutDuration());
            }
            return refusal;
        }
        return otherwise != null ? otherwise : new ApiException(HttpStatus.UNAUTHORIZED, "INVALID_CREDENTIALS", null);
    }

    /**
     * The ADMINs' unlock action: the account's failure counters and locks, from every address, are gone.
     * {@code idOrName} is the numeric id or the user name.
     */
    public AdminUser unlock(String idOrName) {
        Optional<AdminUserRepository.Account> account = Optional.empty();
        String key = idOrName == null ? "" : idOrName.strip();
        if (key.matches("\\d{1,18}")) {
            account = users.findById(Long.parseLong(key));
        }
        if (account.isEmpty() && !key.isEmpty()) {
            account = users.findByUsername(key);
        }
        AdminUser user = account.map(AdminUserRepository.Account::user)
                .orElseThrow(() -> ApiException.notFound("USER_NOT_FOUND", key));
        int cleared = guard.unlock(user.username());
        audit.record("USER_UNLOCK", user.username(), cleared + " login counters cleared");
        return user;
    }

    public void logout(TokenService.Session session) {
        tokens.revoke(session);
        audit.record(session.username(), "LOGOUT", session.username(), null);
    }

    /** A new token for the same user; the presented one is revoked so only one of them lives on. */
    public SignedIn refresh(TokenService.Session session) {
        AdminUser user = current(session);
        // the new token keeps the original sign-in time, so max-session-lifetime still ends it
        TokenService.IssuedToken token = tokens.reissue(user, session);
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

    /**
     * Sets a new password and ends every session of the user, on every node, including the calling one. A wrong
     * current password counts as a failed login of the user from this address (same counters, same lock), so a
     * stolen token is no unlimited password oracle.
     */
    public void changePassword(TokenService.Session session, String currentPassword, String newPassword,
            String clientIp) {
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
        String username = account.user().username();
        int attempt = guarded(username, clientIp, clientIp != null && clientIp.equals(account.lastLoginIp()), true);
        if (attempt > properties.maxFailedLogins()) {
            throw guard.lock(username, clientIp);
        }
        if (!encoder.matches(currentPassword, account.passwordHash())) {
            audit.record(session.username(), "PASSWORD_CHANGE_FAILED", session.username(),
                    "wrong current password; attempt " + attempt);
            throw failed(username, clientIp, attempt, true, new ApiException(HttpStatus.BAD_REQUEST,
                    "VALIDATION_ERROR", List.of(new FieldViolation("current_password", "WRONG_PASSWORD",
                            messages.get("admin.violation.WRONG_PASSWORD")))));
        }
        guard.succeeded(username, clientIp);
        if (newPassword.equals(currentPassword)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", List.of(new FieldViolation(
                    "new_password", "PASSWORD_UNCHANGED", messages.get("admin.violation.PASSWORD_UNCHANGED"))));
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
        return insert(username, encoder.encode(password), role, audited);
    }

    /** {@link #createUserUnchecked} with the password's hash made ahead ({@link #hash}), for the first admin. */
    AdminUser createUserWithHash(String username, String passwordHash, AdminUser.Role role, boolean audited) {
        if (users.findByUsername(username).isPresent()) {
            throw duplicate(username);
        }
        return insert(username, passwordHash, role, audited);
    }

    /** The hash of a password as a new account stores it. */
    String hash(String password) {
        return encoder.encode(password);
    }

    private AdminUser insert(String username, String passwordHash, AdminUser.Role role, boolean audited) {
        try {
            users.insert(username, passwordHash, role, clock.instant());
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
        } else if (password.isBlank()) {
            // only spaces (or other white space): as good as no password, whatever its length
            out.add(new FieldViolation(field, "PASSWORD_BLANK", messages.get("admin.violation.PASSWORD_BLANK")));
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

    private static AdminUser withLastLogin(AdminUser u, Instant at) {
        return new AdminUser(u.id(), u.username(), u.role(), u.enabled(), at, u.passwordChangedAt(), u.createdAt());
    }
}
