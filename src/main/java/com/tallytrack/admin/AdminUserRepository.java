package com.tallytrack.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code admin_user} and {@code revoked_token}. */
@Repository
class AdminUserRepository {

    /** A user row with what sign-in needs. */
    record Account(AdminUser user, String passwordHash, String lastLoginIp) {
    }

    private final JdbcClient jdbc;

    AdminUserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** By name, regardless of case: names are unique case-insensitively ({@code username_key}). */
    Optional<Account> findByUsername(String username) {
        return jdbc.sql("SELECT * FROM admin_user WHERE username_key = :k").param("k", key(username))
                .query(AdminUserRepository::account).optional();
    }

    Optional<Account> findById(long id) {
        return jdbc.sql("SELECT * FROM admin_user WHERE id = :id").param("id", id)
                .query(AdminUserRepository::account).optional();
    }

    static String key(String username) {
        return username.toLowerCase(java.util.Locale.ROOT);
    }

    boolean anyAdmin() {
        return jdbc.sql("SELECT COUNT(*) FROM admin_user WHERE role = 'ADMIN' AND enabled = TRUE")
                .query(Long.class).single() > 0;
    }

    long insert(String username, String passwordHash, AdminUser.Role role, Instant now) {
        jdbc.sql("INSERT INTO admin_user (username, username_key, password_hash, role, password_changed_at, "
                + "created_at) VALUES (:u, :k, :h, :r, :now, :now)")
                .param("u", username).param("k", key(username)).param("h", passwordHash).param("r", role.name()).param("now", at(now))
                .update();
        return jdbc.sql("SELECT id FROM admin_user WHERE username_key = :k").param("k", key(username))
                .query(Long.class).single();
    }

    void recordLogin(long id, Instant now, String clientIp) {
        jdbc.sql("UPDATE admin_user SET failed_attempts = 0, locked_until = NULL, last_login_at = :now, "
                + "last_login_ip = :ip WHERE id = :id").param("now", at(now)).param("ip", clientIp).param("id", id)
                .update();
    }

    void changePassword(long id, String passwordHash, Instant now) {
        jdbc.sql("UPDATE admin_user SET password_hash = :h, password_changed_at = :now WHERE id = :id")
                .param("h", passwordHash).param("now", at(now)).param("id", id).update();
    }

    // ---- revoked tokens ----------------------------------------------------------------------------------

    void revoke(String tokenId, Instant expiresAt) {
        // Revoking twice (a retried logout) is fine: the second insert finds the row and does nothing.
        if (!isRevoked(tokenId)) {
            try {
                jdbc.sql("INSERT INTO revoked_token (token_id, expires_at) VALUES (:id, :exp)")
                        .param("id", tokenId).param("exp", at(expiresAt)).update();
            } catch (org.springframework.dao.DuplicateKeyException alreadyRevoked) {
                // another request revoked it in between
            }
        }
    }

    /** What every authenticated request needs to know about its token's user, as stored now. */
    record SessionState(AdminUser.Role role, boolean enabled, Instant passwordChangedAt, boolean tokenRevoked) {
    }

    /**
     * The user's current role, whether the account is enabled, when its password last changed, and whether
     * this token was revoked: one round trip, by the unique username index and the revoked_token key. Empty when
     * the account no longer exists.
     */
    Optional<SessionState> sessionState(String username, String tokenId) {
        return jdbc.sql("SELECT u.role, u.enabled, u.password_changed_at, "
                + "EXISTS (SELECT 1 FROM revoked_token r WHERE r.token_id = :id) AS revoked "
                + "FROM admin_user u WHERE u.username = :u")
                .param("u", username).param("id", tokenId)
                .query((rs, row) -> new SessionState(AdminUser.Role.valueOf(rs.getString("role")),
                        rs.getBoolean("enabled"), instant(rs, "password_changed_at"), rs.getBoolean("revoked")))
                .optional();
    }

    boolean isRevoked(String tokenId) {
        return jdbc.sql("SELECT COUNT(*) FROM revoked_token WHERE token_id = :id").param("id", tokenId)
                .query(Long.class).single() > 0;
    }

    /** Drops revocations of tokens that have expired anyway; answers how many. */
    int pruneRevoked(Instant now) {
        return jdbc.sql("DELETE FROM revoked_token WHERE expires_at < :now").param("now", at(now)).update();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Account account(ResultSet rs, int row) throws SQLException {
        AdminUser user = new AdminUser(rs.getLong("id"), rs.getString("username"),
                AdminUser.Role.valueOf(rs.getString("role")), rs.getBoolean("enabled"),
                instant(rs, "last_login_at"), instant(rs, "password_changed_at"), instant(rs, "created_at"));
        return new Account(user, rs.getString("password_hash"), rs.getString("last_login_ip"));
    }
}
