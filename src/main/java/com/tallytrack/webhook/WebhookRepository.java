package com.tallytrack.webhook;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** SQL of the webhook tables: endpoints, the outbox and the attempt log. Joins the caller's transaction. */
@Repository
class WebhookRepository {

    record Endpoint(long id, String url, List<String> events, String secret, boolean enabled,
            int consecutiveFailures, Instant disabledAt, Instant lastAttemptAt, String lastOutcome,
            Integer lastStatusCode, Instant createdAt, String createdBy, long pending) {
    }

    /** An outbox row this node has leased for one attempt (number {@code attempt}). */
    record Claimed(long outboxId, long endpointId, String url, String secret, String eventId, String eventType,
            String payload, int attempt) {
    }

    record Attempt(long id, String eventId, String eventType, int attempt, Instant attemptedAt, long durationMs,
            String outcome, Integer statusCode, String error, String responseBody, String nodeId) {
    }

    private static final String ENDPOINT_COLUMNS = "e.id, e.url, e.events, e.secret, e.enabled, "
            + "e.consecutive_failures, e.disabled_at, e.last_attempt_at, e.last_outcome, e.last_status_code, "
            + "e.created_at, e.created_by, (SELECT COUNT(*) FROM webhook_outbox o WHERE o.endpoint_id = e.id "
            + "AND o.state = 'pending') AS pending";

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private volatile Boolean postgres;

    WebhookRepository(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
    }

    // ---- endpoints --------------------------------------------------------------------------------------

    long insertEndpoint(String url, List<String> events, String secret, Instant now, String createdBy) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO webhook_endpoint (url, events, secret, enabled, consecutive_failures, created_at, "
                + "created_by) VALUES (:url, :events, :secret, TRUE, 0, :now, :by)")
                .param("url", url).param("events", String.join(",", events)).param("secret", secret)
                .param("now", Timestamp.from(now)).param("by", createdBy)
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    long countEndpoints() {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_endpoint").query(Long.class).single();
    }

    List<Endpoint> findEndpoints() {
        return jdbc.sql("SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoint e ORDER BY e.id")
                .query((rs, n) -> endpoint(rs)).list();
    }

    Optional<Endpoint> findEndpoint(long id) {
        return jdbc.sql("SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoint e WHERE e.id = :id")
                .param("id", id).query((rs, n) -> endpoint(rs)).optional();
    }

    /** Enabled endpoints subscribed to this event type (the table is small: bounded by max-endpoints). */
    List<Long> subscribedEndpointIds(String eventType) {
        return jdbc.sql("SELECT id, events FROM webhook_endpoint WHERE enabled = TRUE ORDER BY id")
                .query((rs, n) -> Arrays.asList(rs.getString("events").split(",")).contains(eventType)
                        ? rs.getLong("id") : null)
                .list().stream().filter(id -> id != null).toList();
    }

    boolean deleteEndpoint(long id) {
        // attempts and outbox rows go with it (ON DELETE CASCADE); deleted first so the order is the same everywhere
        jdbc.sql("DELETE FROM webhook_attempt WHERE endpoint_id = :id").param("id", id).update();
        jdbc.sql("DELETE FROM webhook_outbox WHERE endpoint_id = :id").param("id", id).update();
        return jdbc.sql("DELETE FROM webhook_endpoint WHERE id = :id").param("id", id).update() == 1;
    }

    /** Re-enables an endpoint; its held events become due at once. */
    boolean enable(long id, Instant now) {
        int updated = jdbc.sql("UPDATE webhook_endpoint SET enabled = TRUE, consecutive_failures = 0, "
                + "disabled_at = NULL WHERE id = :id").param("id", id).update();
        jdbc.sql("UPDATE webhook_outbox SET next_attempt_at = :now WHERE endpoint_id = :id AND state = 'pending'")
                .param("id", id).param("now", Timestamp.from(now)).update();
        return updated == 1;
    }

    // ---- outbox -----------------------------------------------------------------------------------------

    void enqueue(long endpointId, String eventId, String eventType, String payload, Instant now) {
        jdbc.sql("INSERT INTO webhook_outbox (endpoint_id, event_id, event_type, payload, state, attempts, "
                + "next_attempt_at, created_at) VALUES (:endpoint, :event, :type, :payload, 'pending', 0, :now, :now)")
                .param("endpoint", endpointId).param("event", eventId).param("type", eventType)
                .param("payload", payload).param("now", Timestamp.from(now))
                .update();
    }

    /**
     * Leases up to {@code limit} due rows of enabled endpoints for this node. Run in its own short transaction: on
     * PostgreSQL the candidate rows are locked with SKIP LOCKED, so two nodes polling at once take different rows
     * instead of waiting; the conditional UPDATE is the claim itself (on H2 too), and once it commits the row is
     * reserved until {@code leaseUntil} without any lock held during the HTTP call.
     */
    List<Claimed> claimDue(int limit, String nodeId, Instant now, Instant leaseUntil) {
        String select = "SELECT o.id FROM webhook_outbox o JOIN webhook_endpoint e ON e.id = o.endpoint_id "
                + "WHERE o.state = 'pending' AND e.enabled = TRUE AND o.next_attempt_at <= :now "
                + "AND (o.locked_until IS NULL OR o.locked_until < :now) ORDER BY o.next_attempt_at, o.id LIMIT :limit"
                + (isPostgres() ? " FOR UPDATE OF o SKIP LOCKED" : "");
        List<Long> candidates = jdbc.sql(select).param("now", Timestamp.from(now)).param("limit", limit)
                .query(Long.class).list();
        List<Claimed> claimed = new ArrayList<>();
        for (long id : candidates) {
            int won = jdbc.sql("UPDATE webhook_outbox SET locked_until = :until, locked_by = :node, "
                    + "attempts = attempts + 1 WHERE id = :id AND state = 'pending' "
                    + "AND (locked_until IS NULL OR locked_until < :now)")
                    .param("until", Timestamp.from(leaseUntil)).param("node", nodeId).param("id", id)
                    .param("now", Timestamp.from(now)).update();
            if (won == 1) {
                jdbc.sql("SELECT o.id, o.endpoint_id, e.url, e.secret, o.event_id, o.event_type, o.payload, o.attempts "
                        + "FROM webhook_outbox o JOIN webhook_endpoint e ON e.id = o.endpoint_id WHERE o.id = :id")
                        .param("id", id)
                        .query((rs, n) -> new Claimed(rs.getLong("id"), rs.getLong("endpoint_id"), rs.getString("url"),
                                rs.getString("secret"), rs.getString("event_id"), rs.getString("event_type"),
                                rs.getString("payload"), rs.getInt("attempts")))
                        .optional().ifPresent(claimed::add);
            }
        }
        return claimed;
    }

    /** Marks the row delivered if this node still holds the lease of this attempt; false when it lost it. */
    boolean markDelivered(Claimed c, String nodeId, Instant now) {
        return jdbc.sql("UPDATE webhook_outbox SET state = 'delivered', delivered_at = :now, locked_until = NULL "
                + "WHERE id = :id AND locked_by = :node AND attempts = :attempt AND state = 'pending'")
                .param("now", Timestamp.from(now)).param("id", c.outboxId()).param("node", nodeId)
                .param("attempt", c.attempt()).update() == 1;
    }

    boolean reschedule(Claimed c, String nodeId, Instant next) {
        return jdbc.sql("UPDATE webhook_outbox SET next_attempt_at = :next, locked_until = NULL "
                + "WHERE id = :id AND locked_by = :node AND attempts = :attempt AND state = 'pending'")
                .param("next", Timestamp.from(next)).param("id", c.outboxId()).param("node", nodeId)
                .param("attempt", c.attempt()).update() == 1;
    }

    void recordSuccess(long endpointId, Instant now, int status) {
        jdbc.sql("UPDATE webhook_endpoint SET consecutive_failures = 0, last_attempt_at = :now, "
                + "last_outcome = 'delivered', last_status_code = :status WHERE id = :id")
                .param("now", Timestamp.from(now)).param("status", status).param("id", endpointId).update();
    }

    /** Counts a failure; answers true when this failure disabled the endpoint (exactly one caller sees true). */
    boolean recordFailure(long endpointId, Instant now, Integer status, int disableAfter) {
        jdbc.sql("UPDATE webhook_endpoint SET consecutive_failures = consecutive_failures + 1, last_attempt_at = :now, "
                + "last_outcome = 'failed', last_status_code = :status WHERE id = :id")
                .param("now", Timestamp.from(now)).param("status", status).param("id", endpointId).update();
        return jdbc.sql("UPDATE webhook_endpoint SET enabled = FALSE, disabled_at = :now WHERE id = :id "
                + "AND enabled = TRUE AND consecutive_failures >= :limit")
                .param("now", Timestamp.from(now)).param("id", endpointId).param("limit", disableAfter).update() == 1;
    }

    void insertAttempt(Claimed c, Instant at, long durationMs, boolean delivered, Integer status, String error,
            String responseBody, String nodeId) {
        jdbc.sql("INSERT INTO webhook_attempt (endpoint_id, outbox_id, event_id, event_type, attempt, attempted_at, "
                + "duration_ms, outcome, status_code, error, response_body, node_id) VALUES (:endpoint, :outbox, "
                + ":event, :type, :attempt, :at, :duration, :outcome, :status, :error, :body, :node)")
                .param("endpoint", c.endpointId()).param("outbox", c.outboxId()).param("event", c.eventId())
                .param("type", c.eventType()).param("attempt", c.attempt()).param("at", Timestamp.from(at))
                .param("duration", durationMs).param("outcome", delivered ? "delivered" : "failed")
                .param("status", status).param("error", cut(error, 500)).param("body", cut(responseBody, 2000))
                .param("node", cut(nodeId, 100))
                .update();
    }

    long countAttempts(long endpointId) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_attempt WHERE endpoint_id = :id").param("id", endpointId)
                .query(Long.class).single();
    }

    List<Attempt> attempts(long endpointId, int limit, long offset) {
        return jdbc.sql("SELECT id, event_id, event_type, attempt, attempted_at, duration_ms, outcome, status_code, "
                + "error, response_body, node_id FROM webhook_attempt WHERE endpoint_id = :id "
                + "ORDER BY attempted_at DESC, id DESC LIMIT :limit OFFSET :offset")
                .param("id", endpointId).param("limit", limit).param("offset", offset)
                .query((rs, n) -> new Attempt(rs.getLong("id"), rs.getString("event_id"), rs.getString("event_type"),
                        rs.getInt("attempt"), rs.getTimestamp("attempted_at").toInstant(), rs.getLong("duration_ms"),
                        rs.getString("outcome"), (Integer) rs.getObject("status_code", Integer.class),
                        rs.getString("error"), rs.getString("response_body"), rs.getString("node_id")))
                .list();
    }

    /** Drops delivered rows and attempt entries older than {@code before}; pending rows are never dropped. */
    int prune(Instant before) {
        int attempts = jdbc.sql("DELETE FROM webhook_attempt WHERE attempted_at < :before")
                .param("before", Timestamp.from(before)).update();
        int rows = jdbc.sql("DELETE FROM webhook_outbox WHERE state = 'delivered' AND delivered_at < :before "
                + "AND NOT EXISTS (SELECT 1 FROM webhook_attempt a WHERE a.outbox_id = webhook_outbox.id)")
                .param("before", Timestamp.from(before)).update();
        return attempts + rows;
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private boolean isPostgres() {
        Boolean known = postgres;
        if (known == null) {
            try (Connection connection = dataSource.getConnection()) {
                known = connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
            } catch (SQLException e) {
                throw new IllegalStateException("could not read the database product name", e);
            }
            postgres = known;
        }
        return known;
    }

    private static Endpoint endpoint(ResultSet rs) throws SQLException {
        return new Endpoint(rs.getLong("id"), rs.getString("url"), List.of(rs.getString("events").split(",")),
                rs.getString("secret"), rs.getBoolean("enabled"), rs.getInt("consecutive_failures"),
                instant(rs.getTimestamp("disabled_at")), instant(rs.getTimestamp("last_attempt_at")),
                rs.getString("last_outcome"), (Integer) rs.getObject("last_status_code", Integer.class),
                instant(rs.getTimestamp("created_at")), rs.getString("created_by"), rs.getLong("pending"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
