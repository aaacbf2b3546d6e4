package com.tallytrack.admin;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Service;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.tallytrack.system.InvalidConfigurationException;
import com.tallytrack.system.LocalSecrets;

/**
 * Issues and checks the admin bearer tokens: HS256-signed JWTs with a random id ({@code jti}) and an expiry of
 * {@code tallytrack.security.session-timeout}. Every node that shares the database shares the secret, so a
 * token issued by one node works on all. Every request with a token reads the user's row in the database
 * (one query, which also checks the revocations): a logout revokes the token's id, a password change ends every
 * token issued before it, and the role and the enabled flag are the stored ones, not those the token was
 * issued with.
 */
@Service
public class TokenService {

    static final int MIN_SECRET_BYTES = 32;
    private static final String ISSUER = "tallytrack";
    // The issue time in milliseconds: "iat" has whole seconds only, too coarse to tell a token issued just
    // before a password change from one issued just after it.
    private static final String ISSUED_AT_MILLIS = "iat_ms";
    private static final String SECRET_PROPERTY = "tallytrack.security.jwt-secret";
    // When the user signed in (milliseconds): a refreshed token carries the original one, so no chain of
    // refreshes outlives max-session-lifetime.
    private static final String SIGNED_IN_AT_MILLIS = "auth_ms";

    private final byte[] secret;
    private final Duration timeout;
    private final Duration maxLifetime;
    private final AdminUserRepository repository;
    private final Clock clock;

    TokenService(SecurityProperties properties, LocalSecrets localSecrets, AdminUserRepository repository,
            Optional<Clock> clock) {
        this.secret = resolveSecret(properties.jwtSecret(), localSecrets);
        this.timeout = properties.sessionTimeout();
        this.maxLifetime = properties.maxSessionLifetime();
        this.repository = repository;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** The signing key: configured, else the embedded default's generated one, else a start-up failure. */
    static byte[] resolveSecret(String configured, LocalSecrets localSecrets) {
        String value = configured;
        if (value == null || value.isBlank()) {
            value = localSecrets.readOrCreate("jwt", 48).orElseThrow(() -> new InvalidConfigurationException(
                    SECRET_PROPERTY, "no JWT secret is configured, and on a database other than the embedded H2 "
                            + "every node must sign admin tokens with the same secret",
                    "Set " + SECRET_PROPERTY + " (environment TALLYTRACK_SECURITY_JWTSECRET) to the same random "
                            + "value of at least " + MIN_SECRET_BYTES + " bytes on every node, "
                            + "e.g. the output of: openssl rand -base64 48"));
        }
        byte[] bytes = value.strip().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new InvalidConfigurationException(SECRET_PROPERTY,
                    "the JWT secret is " + bytes.length + " bytes long; HS256 needs at least " + MIN_SECRET_BYTES,
                    "Set " + SECRET_PROPERTY + " (environment TALLYTRACK_SECURITY_JWTSECRET) to a random value of "
                            + "at least " + MIN_SECRET_BYTES + " bytes, e.g. the output of: openssl rand -base64 48");
        }
        return bytes;
    }

    /** A signed token of an authenticated session. */
    public record IssuedToken(String value, String tokenId, Instant issuedAt, Instant expiresAt) {

        public long expiresInSeconds(Instant now) {
            return Math.max(0, Duration.between(now, expiresAt).toSeconds());
        }
    }

    /** A valid token's session: who, which role (as stored now), which token, until when. */
    public record Session(String username, AdminUser.Role role, String tokenId, Instant issuedAt,
            Instant expiresAt, Instant signedInAt) implements java.security.Principal {

        @Override
        public String getName() {
            return username;
        }
    }

    /** Why a presented token was refused. */
    enum Rejection {
        INVALID, EXPIRED, REVOKED
    }

    /** The outcome of checking a token: a session or a rejection. */
    record Verification(Session session, Rejection rejection) {
    }

    IssuedToken issue(AdminUser user) {
        return issue(user, clock.instant());
    }

    /**
     * A token issued at {@code now}. Login passes the time before it read the account, so a password change
     * that lands while the login checks the old password still ends the new token.
     */
    IssuedToken issue(AdminUser user, Instant now) {
        return issue(user, now, now);
    }

    /**
     * A token for a refresh: new id and expiry, but the sign-in time of the session it replaces, so its expiry
     * never passes {@code signedInAt + max-session-lifetime}.
     */
    IssuedToken reissue(AdminUser user, Session session) {
        return issue(user, clock.instant(), session.signedInAt());
    }

    private IssuedToken issue(AdminUser user, Instant now, Instant signedInAt) {
        // JWT times are whole seconds; truncating here keeps what we report equal to what the token says.
        Instant issuedAt = Instant.ofEpochSecond(now.getEpochSecond());
        Instant expiresAt = issuedAt.plus(timeout);
        Instant lifetimeEnd = Instant.ofEpochSecond(signedInAt.plus(maxLifetime).getEpochSecond());
        if (lifetimeEnd.isBefore(expiresAt)) {
            expiresAt = lifetimeEnd;
        }
        String id = UUID.randomUUID().toString();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(user.username())
                .jwtID(id)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .claim("role", user.role().name())
                .claim(ISSUED_AT_MILLIS, now.toEpochMilli())
                .claim(SIGNED_IN_AT_MILLIS, signedInAt.toEpochMilli())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a token", e);
        }
        return new IssuedToken(jwt.serialize(), id, issuedAt, expiresAt);
    }

    Verification verify(String token) {
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(secret))) {
                return new Verification(null, Rejection.INVALID);
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException | RuntimeException e) {
            return new Verification(null, Rejection.INVALID);
        }
        String username;
        String tokenId;
        Instant issuedAt;
        Instant issuedAtExactly;
        ChronoUnit precision;
        Instant expiresAt;
        Instant signedInAt;
        try {
            username = claims.getSubject();
            tokenId = claims.getJWTID();
            issuedAt = claims.getIssueTime().toInstant();
            Long millis = claims.getLongClaim(ISSUED_AT_MILLIS);
            issuedAtExactly = millis == null ? issuedAt : Instant.ofEpochMilli(millis);
            precision = millis == null ? ChronoUnit.SECONDS : ChronoUnit.MILLIS;
            expiresAt = claims.getExpirationTime().toInstant();
            Long signedInMillis = claims.getLongClaim(SIGNED_IN_AT_MILLIS);
            signedInAt = signedInMillis == null ? issuedAtExactly : Instant.ofEpochMilli(signedInMillis);
            AdminUser.Role.valueOf(claims.getStringClaim("role"));
        } catch (ParseException | RuntimeException e) {
            return new Verification(null, Rejection.INVALID);
        }
        if (!ISSUER.equals(claims.getIssuer()) || username == null || tokenId == null) {
            return new Verification(null, Rejection.INVALID);
        }
        // the lifetime is checked on its own too: a token signed before the limit was lowered obeys the new one
        if (!clock.instant().isBefore(expiresAt) || !clock.instant().isBefore(signedInAt.plus(maxLifetime))) {
            return new Verification(null, Rejection.EXPIRED);
        }
        // The one database round trip of an authenticated request.
        Optional<AdminUserRepository.SessionState> found = repository.sessionState(username, tokenId);
        if (found.isEmpty() || !found.get().enabled() || found.get().tokenRevoked()) {
            return new Verification(null, Rejection.REVOKED);
        }
        AdminUserRepository.SessionState state = found.get();
        // Compared at the token's precision, so a token issued right after the change (in the same millisecond, or
        // second for a token without "iat_ms") still works; one issued before it in an earlier one does not.
        if (state.passwordChangedAt() != null
                && issuedAtExactly.isBefore(state.passwordChangedAt().truncatedTo(precision))) {
            return new Verification(null, Rejection.REVOKED);
        }
        return new Verification(new Session(username, state.role(), tokenId, issuedAt, expiresAt,
                signedInAt), null);
    }

    /** Makes the token unusable on every node, and forgets revocations that have expired anyway. */
    void revoke(Session session) {
        repository.revoke(session.tokenId(), session.expiresAt());
        repository.pruneRevoked(clock.instant());
    }

    Duration timeout() {
        return timeout;
    }
}
