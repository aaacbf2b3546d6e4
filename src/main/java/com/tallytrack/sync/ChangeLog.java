package com.tallytrack.sync;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * SQL for the change log, the acknowledgement and the node positions. The entries themselves are written by the
 * database triggers (V11); the application appends only {@code invalidate_all}, under the same append lock.
 */
final class ChangeLog {

    /** The PostgreSQL advisory-lock key the triggers use for the change-log append lock. */
    static final long APPEND_LOCK_KEY = 7461100117L;
    static final String CHANNEL = "tallytrack_sync";

    private static final String COLUMNS = "seq, operation, tracking_number, previous_tracking_number, package_number, "
            + "previous_package_number, manifest_id, node_id, changed_at";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final TransactionTemplate bound;
    private final boolean postgres;

    ChangeLog(JdbcClient jdbc, PlatformTransactionManager transactionManager, DataSource dataSource) {
        this.jdbc = jdbc;
        // Own transactions, committed before the call returns, even when the caller is inside one.
        this.transactions = new TransactionTemplate(transactionManager);
        this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.bound = new TransactionTemplate(transactionManager);
        this.bound.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.postgres = isPostgres(dataSource);
    }

    static boolean isPostgres(DataSource dataSource) {
        try {
            String product = JdbcUtils.extractDatabaseMetaData(dataSource,
                    java.sql.DatabaseMetaData::getDatabaseProductName);
            return product != null && product.toLowerCase().contains("postgres");
        } catch (Exception e) {
            throw new IllegalStateException("could not read the database product name", e);
        }
    }

    boolean postgres() {
        return postgres;
    }

    /**
     * Runs {@code work} with one pooled connection bound to this thread, taken before the work starts (and joined
     * when the caller already has one). The tailer catches up this way: it must never wait for the pool while it
     * holds its apply lock, because writers that just committed wait for that lock while they still hold their
     * connections; with as many writers as the pool has connections, that wait would last the pool's timeout.
     * Read committed: every read sees what was committed before it.
     */
    <T> T withConnection(java.util.function.Supplier<T> work) {
        return bound.execute(tx -> work.get());
    }

    /** Entries after {@code seq}, oldest first. */
    List<ManifestChange> after(long seq, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM sync_change_log WHERE seq > :seq ORDER BY seq LIMIT :limit")
                .param("seq", seq).param("limit", limit).query(ChangeLog::map).list();
    }

    long countAfter(long seq) {
        return jdbc.sql("SELECT COUNT(*) FROM sync_change_log WHERE seq > :seq").param("seq", seq)
                .query(Long.class).single();
    }

    long latestSeq() {
        Long latest = jdbc.sql("SELECT MAX(seq) FROM sync_change_log").query(Long.class).optional().orElse(null);
        return latest == null ? prunedThrough() : latest;
    }

    long prunedThrough() {
        return jdbc.sql("SELECT pruned_through FROM sync_state WHERE id = 1").query(Long.class).single();
    }

    record Acknowledgement(long sequence, Instant at, String by) {
    }

    Acknowledgement acknowledgement() {
        return jdbc.sql("SELECT acknowledged_seq, acknowledged_at, acknowledged_by FROM sync_state WHERE id = 1")
                .query((rs, n) -> new Acknowledgement(rs.getLong(1), instant(rs.getTimestamp(2)), rs.getString(3)))
                .single();
    }

    /** Acknowledges every entry up to the latest; returns how many were pending and the new acknowledgement. */
    record Acknowledged(long count, Acknowledgement acknowledgement) {
    }

    Acknowledged acknowledgeAll(String by, Instant now) {
        return transactions.execute(tx -> {
            long previous = jdbc.sql("SELECT acknowledged_seq FROM sync_state WHERE id = 1 FOR UPDATE")
                    .query(Long.class).single();
            long latest = latestSeq();
            long upTo = Math.max(previous, latest);
            long count = jdbc.sql("SELECT COUNT(*) FROM sync_change_log WHERE seq > :from AND seq <= :to")
                    .param("from", previous).param("to", upTo).query(Long.class).single();
            jdbc.sql("UPDATE sync_state SET acknowledged_seq = :seq, acknowledged_at = :at, acknowledged_by = :by "
                    + "WHERE id = 1").param("seq", upTo).param("at", Timestamp.from(now)).param("by", by).update();
            return new Acknowledged(count, new Acknowledgement(upTo, now, by));
        });
    }

    /** Appends a cluster-wide {@code invalidate_all} under the append lock; committed when this returns. */
    void appendInvalidateAll(String nodeId, Instant now) {
        transactions.executeWithoutResult(tx -> {
            if (postgres) {
                jdbc.sql("SELECT pg_advisory_xact_lock(:key)").param("key", APPEND_LOCK_KEY).query().singleRow();
                jdbc.sql("INSERT INTO sync_change_log (seq, operation, node_id, changed_at) "
                        + "VALUES (nextval('sync_change_seq'), 'invalidate_all', :node, clock_timestamp())")
                        .param("node", nodeId).update();
                jdbc.sql("SELECT pg_notify('" + CHANNEL + "', '')").query().singleRow();
            } else {
                jdbc.sql("SELECT id FROM sync_state WHERE id = 1 FOR UPDATE").query().singleRow();
                jdbc.sql("INSERT INTO sync_change_log (seq, operation, node_id, changed_at) "
                        + "VALUES (NEXT VALUE FOR sync_change_seq, 'invalidate_all', :node, :at)")
                        .param("node", nodeId).param("at", Timestamp.from(now)).update();
            }
        });
    }

    /** On H2, tells the triggers which node id to record (PostgreSQL uses the connection's application_name). */
    void registerLocalNode(String nodeId) {
        if (!postgres) {
            jdbc.sql("UPDATE sync_state SET local_node_id = :node WHERE id = 1").param("node", nodeId).update();
        }
    }

    void heartbeat(String nodeId, long appliedSeq, Instant startedAt, Instant now) {
        int updated = jdbc.sql("UPDATE sync_node SET applied_seq = :seq, heartbeat_at = :now WHERE node_id = :node")
                .param("seq", appliedSeq).param("now", Timestamp.from(now)).param("node", nodeId).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO sync_node (node_id, applied_seq, started_at, heartbeat_at) "
                    + "VALUES (:node, :seq, :started, :now)")
                    .param("node", nodeId).param("seq", appliedSeq).param("started", Timestamp.from(startedAt))
                    .param("now", Timestamp.from(now)).update();
        }
    }

    void removeNode(String nodeId) {
        jdbc.sql("DELETE FROM sync_node WHERE node_id = :node").param("node", nodeId).update();
    }

    /**
     * Deletes entries older than {@code olderThan} or beyond the newest {@code keep}, but never one a live node
     * (heartbeat after {@code liveSince}) has not applied, and never the newest entry (it carries the latest
     * sequence). Returns the number of entries deleted.
     */
    int prune(Instant olderThan, long keep, Instant liveSince, Instant forgetNodesBefore) {
        jdbc.sql("DELETE FROM sync_node WHERE heartbeat_at < :before")
                .param("before", Timestamp.from(forgetNodesBefore)).update();
        long latest = latestSeq();
        long byAge = jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM sync_change_log WHERE changed_at < :cutoff")
                .param("cutoff", Timestamp.from(olderThan)).query(Long.class).single();
        long byCount = latest - keep;
        Optional<Long> slowestLive = jdbc.sql("SELECT MIN(applied_seq) FROM sync_node WHERE heartbeat_at >= :since")
                .param("since", Timestamp.from(liveSince)).query(Long.class).optional();
        long limit = Math.max(byAge, byCount);
        if (slowestLive.isPresent() && slowestLive.get() != null) {
            limit = Math.min(limit, slowestLive.get());
        }
        limit = Math.min(limit, latest - 1);
        if (limit <= prunedThrough()) {
            return 0;
        }
        long through = limit;
        return transactions.execute(tx -> {
            int deleted = jdbc.sql("DELETE FROM sync_change_log WHERE seq <= :limit").param("limit", through).update();
            jdbc.sql("UPDATE sync_state SET pruned_through = :limit WHERE id = 1 AND pruned_through < :limit")
                    .param("limit", through).update();
            return deleted;
        });
    }

    private static ManifestChange map(ResultSet rs, int row) throws SQLException {
        return new ManifestChange(rs.getLong("seq"), rs.getString("operation"), rs.getString("tracking_number"),
                rs.getString("previous_tracking_number"), rs.getString("package_number"),
                rs.getString("previous_package_number"), rs.getObject("manifest_id", Long.class), rs.getString("node_id"),
                instant(rs.getTimestamp("changed_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
