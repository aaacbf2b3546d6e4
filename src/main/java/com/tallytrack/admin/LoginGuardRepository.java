package com.tallytrack.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code login_guard}: the login counters every node shares. Callers hold the transaction. */
@Repository
class LoginGuardRepository {

    /** One counter: its window (or run) start, failures, and until when it refuses. */
    record Counter(String key, Instant windowStart, int failures, Instant lockedUntil) {
    }

    private final JdbcClient jdbc;

    LoginGuardRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The counter, row-locked until the transaction ends, created empty if missing. Two first attempts at once
     * may both insert; the loser gets a duplicate key and its caller retries the whole transaction.
     */
    Counter lock(String key, String subject, Instant now) {
        Optional<Counter> found = select(key);
        if (found.isPresent()) {
            return found.get();
        }
        jdbc.sql("INSERT INTO login_guard (guard_key, subject, window_start, failures, updated_at) "
                + "VALUES (:k, :s, :now, 0, :now)").param("k", key).param("s", subject).param("now", at(now))
                .update();
        return select(key).orElseThrow();
    }

    private Optional<Counter> select(String key) {
        return jdbc.sql("SELECT guard_key, window_start, failures, locked_until FROM login_guard "
                + "WHERE guard_key = :k FOR UPDATE").param("k", key)
                .query(LoginGuardRepository::counter).optional();
    }

    void save(Counter c, Instant now) {
        jdbc.sql("UPDATE login_guard SET window_start = :w, failures = :f, locked_until = :l, updated_at = :now "
                + "WHERE guard_key = :k").param("w", at(c.windowStart())).param("f", c.failures())
                .param("l", at(c.lockedUntil())).param("now", at(now)).param("k", c.key()).update();
    }

    void delete(String key) {
        jdbc.sql("DELETE FROM login_guard WHERE guard_key = :k").param("k", key).update();
    }

    /** Forgets every counter of one user name (all addresses): the unlock action. */
    int deleteSubject(String subject) {
        return jdbc.sql("DELETE FROM login_guard WHERE subject = :s").param("s", subject).update();
    }

    /** Drops counters idle since {@code before} that refuse nothing any more. */
    int prune(Instant before, Instant now) {
        return jdbc.sql("DELETE FROM login_guard WHERE updated_at < :before "
                + "AND (locked_until IS NULL OR locked_until < :now)")
                .param("before", at(before)).param("now", at(now)).update();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Counter counter(ResultSet rs, int row) throws SQLException {
        OffsetDateTime locked = rs.getObject("locked_until", OffsetDateTime.class);
        return new Counter(rs.getString("guard_key"), rs.getObject("window_start", OffsetDateTime.class).toInstant(),
                rs.getInt("failures"), locked == null ? null : locked.toInstant());
    }
}
