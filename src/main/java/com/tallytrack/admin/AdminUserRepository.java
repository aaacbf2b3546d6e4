package com.tallytrack.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** SQL for {@code admin_user} and {@code revoked_token}. */
@Repository
class AdminUserRepository {

    /** A user row with what sign-in needs. */
    record Account(AdminUser user, String passwordHash, int failedAttempts, Instant lockedUntil) {
    }

    private final JdbcClient jdbc;

    AdminUserRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Account> findByUsername(String username) {
        return jdbc.sql("SELECT * FROM admin_user WHERE username = :u").param("u", username)
                .query(AdminUserRepository::account).optional();
    }

    boolean anyAdmin() {
        return jdbc.sql("SELECT COUNT(*) FROM admin_user WHERE role = 'ADMIN' AND enabled = TRUE")
                .query(Long.class).single() > 0;
    }

    long insert(String username, String passwordHash, AdminUser.Role role, Instant now) {
        jdbc.sql("INSERT INTO admin_user (username, password_hash, role, password_changed_at, created_at) "
                + "VALUES (:u, :h, :r, :now, :now)")
                .param("u", username).param("h", passwordHash).param("r", role.name()).param("now", at(now))
                .update();
        return jdbc.sql("SELECT id FROM admin_user WHERE username = :u").param("u", username)
                .query(Long.class).single();
    }

    /**
     * Counts one more login attempt on an account that is not locked at {@code now} and answers the new count,
     * or -1 when it is locked. The increment is one conditional statement, so concurrent attempts each count,
     * and an attempt that arrives after a lock was set does not count from zero again. One transaction: the
     * updated row stays locked until the read, so each attempt reads its own count, not a later one or the 0
     * of a lock set in between.
     */
    @Transactional
    int countAttempt(long id, Instant now) {
        int changed = jdbc.sql("UPDATE admin_user SET failed_attempts = failed_attempts + 1 WHERE id = :id "
                + "AND (locked_until IS NULL OR locked_until <= :now)").param("id", id).param("now", at(now)).update();
        if (changed == 0) {
            return -1;
        }
        return jdbc.sql("SELECT failed_attempts FROM admin_user WHERE id = :id").param("id", id)
                .query(Integer.class).single();
    }

    void lock(long id, Instant until) {
        jdbc.sql("UPDATE admin_user SET failed_attempts = 0, locked_until = :until WHERE id = :id")
                .param("until", at(until)).param("id", id).update();
    }

    void recordLogin(long id, Instant now) {
        jdbc.sql("UPDATE admin_user SET failed_attempts = 0, locked_until = NULL, last_login_at = :now "
                + "WHERE id = :id").param("now", at(now)).param("id", id).update();
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
        return new Account(user, rs.getString("password_hash"), rs.getInt("failed_attempts"),
                instant(rs, "locked_until"));
    }
}
