package com.tallytrack.sync.log;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.sql.Connection;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.sync.ManifestChange;
import com.tallytrack.sync.SyncTailerProperties;

/**
 * SQL for the change log, the acknowledgement and the node positions. The entries themselves are written by the
 * database triggers (V11, V21); the application appends only {@code invalidate_all} and {@code carrier_result}.
 *
 * <p>Order. PostgreSQL (V21): no append lock; each entry carries its transaction's id and a tailer reads by
 * snapshot visibility: a step takes the current snapshot and reads the entries whose transaction it sees as
 * finished but the previous step's snapshot did not (see docs/sync.md, "Ordering", for why nothing is skipped).
 * H2 (one embedded node): sequence values are taken under the append lock (V11), so {@code seq > last} is safe.
 *
 * <p>Every statement here runs with a query timeout ({@code tallytrack.sync.statement-timeout}); the tailer's
 * connection also gets a socket timeout ({@code tallytrack.sync.socket-timeout}, see {@link #withConnection}).
 */
public final class ChangeLog {

    public static final String CHANNEL = "tallytrack_sync";

    private static final String COLUMNS = "seq, operation, tracking_number, previous_tracking_number, package_number, "
            + "previous_package_number, manifest_id, node_id, changed_at";

    /**
     * PostgreSQL (V55): a row {@code r} of sync_change_log holds {@code entries} entries, numbered
     * {@code r.seq .. r.seq + entries - 1}; this unpacks it into its entries {@code u} (a plain row, arrays NULL, into
     * one), as the view sync_change_entry does. Select {@link #PACKED_COLUMNS} from it.
     */
    private static final String ENTRIES_OF_R = " CROSS JOIN LATERAL unnest("
            + "CASE WHEN r.tracking_numbers IS NULL THEN ARRAY[r.tracking_number] ELSE r.tracking_numbers END, "
            + "CASE WHEN r.tracking_numbers IS NULL THEN ARRAY[r.previous_tracking_number] "
            + "ELSE r.previous_tracking_numbers END, "
            + "CASE WHEN r.tracking_numbers IS NULL THEN ARRAY[r.package_number] ELSE r.package_numbers END, "
            + "CASE WHEN r.tracking_numbers IS NULL THEN ARRAY[r.previous_package_number] "
            + "ELSE r.previous_package_numbers END, "
            + "CASE WHEN r.tracking_numbers IS NULL THEN ARRAY[r.manifest_id] ELSE r.manifest_ids END) "
            + "WITH ORDINALITY AS u(tracking_number, previous_tracking_number, package_number, "
            + "previous_package_number, manifest_id, ord)";
    private static final String PACKED_COLUMNS = "r.seq + u.ord - 1 AS seq, r.operation, u.tracking_number, "
            + "u.previous_tracking_number, u.package_number, u.previous_package_number, u.manifest_id, r.node_id, "
            + "r.changed_at";
    /**
     * Most entries in one row (V54's check; V55 steps the sequence by as much): a row holding an entry with sequence
     * {@code s} has {@code seq > s - MAX_ENTRIES_PER_ROW}, which lets the primary key narrow a search by entry.
     */
    static final int MAX_ENTRIES_PER_ROW = 1000;
    /** The sequence of a row's last entry. */
    private static final String LAST_SEQ = "(seq + entries - 1)";
    private static final Executor DIRECT = Runnable::run;

    /**
     * A tailer's page on PostgreSQL (parameters fromXmin, from, target, afterXid, afterSeq, limit), in three steps:
     * <ol>
     * <li>{@code c}: the first {@code limit} rows in (xid, seq) order that hold an entry after {@code after} (the
     * primary-key range narrows the search: a row holding entry s starts above s - MAX_ENTRIES_PER_ROW; the last-entry
     * test makes it exact), each with {@code remaining}, its entries after {@code after} (at least one);</li>
     * <li>{@code r}: of those, the rows the page needs: those with fewer than {@code limit} entries before them
     * ({@code before}, a running sum of {@code remaining});</li>
     * <li>their entries after {@code after}, up to {@code limit - before} of each row: exactly the page, not sorted
     * (the caller sorts; see {@link #read}).</li>
     * </ol>
     * So a page unpacks only the rows it returns entries of, at most {@code limit + MAX_ENTRIES_PER_ROW - 1} entries
     * ({@code ChangeLogPagePostgresTest}): unpacking every candidate row and sorting the lot for an {@code ORDER BY ...
     * LIMIT} cost a page of 1,000 entries 15-30 ms in a cold upload (the planner's choice there: a bitmap scan and a
     * full sort), and would grow with a node's backlog. Since every row has at least one entry to return, a page
     * shorter than {@code limit} means the step has read everything (ChangeLogTailer relies on it).
     */
    static final String READ_PAGE_POSTGRES = "SELECT CAST(CAST(r.xid AS text) AS bigint) AS xid_n, " + PACKED_COLUMNS
            + pageOfRows("l.xid >= CAST(CAST(:fromXmin AS text) AS xid8)"
                    + " AND NOT pg_visible_in_snapshot(l.xid, CAST(:from AS pg_snapshot))"
                    + " AND pg_visible_in_snapshot(l.xid, CAST(:target AS pg_snapshot))"
                    + " AND (l.xid, l.seq) > (CAST(CAST(:afterXid AS text) AS xid8), :afterSeq - "
                    + MAX_ENTRIES_PER_ROW + ")"
                    + " AND (l.xid, l.seq + l.entries - 1) > (CAST(CAST(:afterXid AS text) AS xid8), :afterSeq)",
                    "l.xid = CAST(CAST(:afterXid AS text) AS xid8) AND l.seq <= :afterSeq", ":afterSeq", "xid, seq");
    /**
     * Entries after {@code seq} on PostgreSQL (parameters seq, limit), as a page of {@link #READ_PAGE_POSTGRES} in seq
     * order: exactly the first {@code limit} of them, not sorted.
     */
    static final String AFTER_POSTGRES = "SELECT " + PACKED_COLUMNS
            + pageOfRows("l.seq > :seq - " + MAX_ENTRIES_PER_ROW + " AND l.seq + l.entries - 1 > :seq",
                    "l.seq <= :seq", ":seq", "seq");

    /**
     * The FROM and WHERE of a page (see {@link #READ_PAGE_POSTGRES}): the rows {@code l} of the log that
     * {@code holdsEntryAfter} selects, in {@code order} (of l's columns), the one that {@code holdsAfter} (if any)
     * holding the last entry before the page, whose sequence is {@code afterSeq}; unpacked as {@code r} and
     * {@code u}, {@code :limit} entries at most.
     */
    private static String pageOfRows(String holdsEntryAfter, String holdsAfter, String afterSeq, String order) {
        return " FROM (SELECT w.* FROM (SELECT c.*, SUM(c.remaining) OVER (ORDER BY " + of("c", order)
                + " ROWS UNBOUNDED PRECEDING) - c.remaining AS before FROM (SELECT l.*, CASE WHEN " + holdsAfter
                + " THEN l.seq + l.entries - 1 - " + afterSeq + " ELSE l.entries END AS remaining"
                + " FROM sync_change_log l WHERE " + holdsEntryAfter + " ORDER BY " + of("l", order)
                + " LIMIT :limit) c) w WHERE w.before < :limit) r" + ENTRIES_OF_R
                + " WHERE u.ord > r.entries - r.remaining AND u.ord <= r.entries - r.remaining + :limit - r.before";
    }
    /** "a.x, a.y" of "x, y". */
    private static String of(String alias, String columns) {
        return Arrays.stream(columns.split(", ")).map(c -> alias + "." + c).collect(Collectors.joining(", "));
    }

    private static final Comparator<Entry> XID_SEQ = Comparator.comparingLong(Entry::xid)
            .thenComparingLong(e -> e.change().sequence());

    /**
     * Where a tailer stands. PostgreSQL: {@code snapshot} is the snapshot of its last completed step — every entry
     * of a transaction visible in it has been applied — and {@code checkpoint} that snapshot's xmin (every
     * transaction with a lower id had finished): the durable checkpoint, recorded by the heartbeat, and what
     * pruning must keep. H2: {@code checkpoint} is the last applied sequence and {@code snapshot} is null.
     */
    public record Position(long checkpoint, String snapshot) {
    }

    /** One entry as a tailer reads it: its transaction id (0 on H2) and the change. */
    public record Entry(long xid, ManifestChange change) {
    }

    /** The transaction that holds the safe horizon back; pid and the rest only when pg_stat_activity shows them. */
    public record HorizonHolder(long xid, Integer pid, String applicationName, String database, String state,
            Instant transactionStart) {
    }

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final TransactionTemplate transactions;
    private final TransactionTemplate bound;
    private final boolean postgres;
    private final SyncTailerProperties timeouts;

    public ChangeLog(PlatformTransactionManager transactionManager, DataSource dataSource) {
        this(transactionManager, dataSource, SyncTailerProperties.defaults());
    }

    public ChangeLog(PlatformTransactionManager transactionManager, DataSource dataSource,
            SyncTailerProperties timeouts) {
        JdbcTemplate template = new JdbcTemplate(dataSource);
        // whole seconds (JDBC); rounded up so a sub-second setting still bounds the statement
        template.setQueryTimeout((int) Math.max(1, (timeouts.statementTimeout().toMillis() + 999) / 1000));
        this.jdbc = JdbcClient.create(template);
        this.dataSource = dataSource;
        this.timeouts = timeouts;
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

    public boolean postgres() {
        return postgres;
    }

    /**
     * Runs {@code work} with one pooled connection bound to this thread, taken before the work starts (and joined
     * when the caller already has one). The tailer catches up this way: it must never wait for the pool while it
     * holds its apply lock, because writers that just committed wait for that lock while they still hold their
     * connections; with as many writers as the pool has connections, that wait would last the pool's timeout.
     * Read committed: every read sees what was committed before it.
     */
    public <T> T withConnection(Supplier<T> work) {
        return bound.execute(tx -> bounded(work));
    }

    /**
     * Runs {@code work} with a socket timeout on this thread's connection (PostgreSQL), restored afterwards (Hikari
     * also restores it when the connection returns to the pool). A blackholed network then fails the step after
     * {@code socket-timeout} instead of hanging it — and with it every writer waiting for the apply lock.
     */
    public <T> T bounded(Supplier<T> work) {
        if (!postgres) {
            return work.get();
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        int previous;
        try {
            previous = connection.getNetworkTimeout();
            connection.setNetworkTimeout(DIRECT, (int) timeouts.socketTimeout().toMillis());
        } catch (SQLException e) {
            DataSourceUtils.releaseConnection(connection, dataSource);
            throw new IllegalStateException("could not set the socket timeout of the sync connection", e);
        }
        try {
            return work.get();
        } finally {
            try {
                if (!connection.isClosed()) {
                    connection.setNetworkTimeout(DIRECT, previous);
                }
            } catch (SQLException ignored) {
                // a broken connection is discarded by the pool anyway
            }
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** The position of a node that has applied everything committed so far (start-up, full resynchronisation). */
    public Position head() {
        if (postgres) {
            String snapshot = currentSnapshot();
            return new Position(xmin(snapshot), snapshot);
        }
        return new Position(latestSeq(), null);
    }

    /** A step's target: the current snapshot on PostgreSQL, null on H2 (where a step reads up to the latest). */
    public String stepTarget() {
        return postgres ? currentSnapshot() : null;
    }

    private String currentSnapshot() {
        return jdbc.sql("SELECT CAST(pg_current_snapshot() AS text)").query(String.class).single();
    }

    /**
     * The entries a step from {@code from} to {@code target} must apply, after {@code after} (the last entry of the
     * previous page of this step, or null), oldest first: on PostgreSQL those of transactions finished in
     * {@code target} but not in {@code from}'s snapshot, in (xid, seq) order.
     */
    public List<Entry> read(Position from, String target, Entry after, int limit) {
        if (postgres) {
            return jdbc.sql(READ_PAGE_POSTGRES)
                    .param("fromXmin", from.checkpoint()).param("from", from.snapshot()).param("target", target)
                    .param("afterXid", after == null ? 0L : after.xid())
                    .param("afterSeq", after == null ? 0L : after.change().sequence())
                    .param("limit", limit)
                    .query((rs, n) -> new Entry(rs.getLong(1), map(rs, 2))).list().stream().sorted(XID_SEQ)
                    .toList();
        }
        long seq = after == null ? from.checkpoint() : after.change().sequence();
        return after(seq, limit).stream().map(c -> new Entry(0, c)).toList();
    }

    /** Where a step from {@code from} to {@code target} ends, {@code last} being the last entry it applied. */
    public Position advance(Position from, String target, Entry last) {
        if (postgres) {
            return new Position(xmin(target), target);
        }
        return last == null ? from : new Position(last.change().sequence(), null);
    }

    /** Committed entries a node at {@code position} has not applied yet. */
    public long pending(Position position) {
        if (postgres) {
            return jdbc.sql("SELECT COALESCE(SUM(entries), 0) FROM sync_change_log"
                    + " WHERE xid >= CAST(CAST(:xmin AS text) AS xid8)"
                    + " AND NOT pg_visible_in_snapshot(xid, CAST(:from AS pg_snapshot))")
                    .param("xmin", position.checkpoint()).param("from", position.snapshot())
                    .query(Long.class).single();
        }
        return countAfter(position.checkpoint());
    }

    /**
     * True when entries a node at {@code position} still needed may have been pruned: on PostgreSQL when the pruned
     * horizon (a transaction id) passed its checkpoint, on H2 when the pruned sequence passed its position.
     */
    public boolean prunedPast(Position position) {
        return position.checkpoint() < prunedHorizon();
    }

    /** Below this (a transaction id on PostgreSQL, a sequence on H2) entries may have been pruned. */
    long prunedHorizon() {
        return postgres
                ? jdbc.sql("SELECT pruned_xid FROM sync_state WHERE id = 1").query(Long.class).single()
                : prunedThrough();
    }

    /**
     * PostgreSQL: the transaction that holds the horizon of {@code snapshot} back — its xmin, when a transaction
     * with that id is still running ({@code xmin < xmax}) — else empty. pg_stat_activity adds pid, application,
     * state and start where this role may see them.
     */
    public Optional<HorizonHolder> horizonHolder(String snapshot) {
        if (!postgres || snapshot == null) {
            return Optional.empty();
        }
        String[] parts = snapshot.split(":", 3);
        long xmin = Long.parseLong(parts[0]);
        if (xmin >= Long.parseLong(parts[1])) {
            return Optional.empty();
        }
        // backend_xid is the 32-bit form of the id
        List<HorizonHolder> rows = jdbc.sql("SELECT pid, application_name, datname, state, xact_start "
                + "FROM pg_stat_activity WHERE CAST(backend_xid AS text) = :xid32 LIMIT 1")
                .param("xid32", Long.toString(xmin & 0xFFFFFFFFL))
                .query((rs, n) -> new HorizonHolder(xmin, rs.getInt(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), instant(rs.getTimestamp(5))))
                .list();
        return Optional.of(rows.isEmpty() ? new HorizonHolder(xmin, null, null, null, null, null) : rows.get(0));
    }

    static long xmin(String snapshot) {
        return Long.parseLong(snapshot.substring(0, snapshot.indexOf(':')));
    }

    /** Entries after {@code seq}, oldest first (H2 tailing; the admin list of pending operations). */
    public List<ManifestChange> after(long seq, int limit) {
        if (postgres) {
            return jdbc.sql(AFTER_POSTGRES).param("seq", seq).param("limit", limit).query((rs, n) -> map(rs, 1)).list()
                    .stream().sorted(Comparator.comparingLong(ManifestChange::sequence)).toList();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM sync_change_log WHERE seq > :seq ORDER BY seq LIMIT :limit")
                .param("seq", seq).param("limit", limit).query((rs, n) -> map(rs, 1)).list();
    }

    public long countAfter(long seq) {
        return countBetween(seq, Long.MAX_VALUE);
    }

    /** Entries with a sequence above {@code from} and at most {@code to}; a row may hold some of them only. */
    private long countBetween(long from, long to) {
        return jdbc.sql("SELECT COALESCE(SUM(LEAST(" + LAST_SEQ + ", :to) - GREATEST(seq, :from + 1) + 1), 0)"
                + " FROM sync_change_log WHERE seq > :from - " + MAX_ENTRIES_PER_ROW + " AND seq <= :to"
                + " AND " + LAST_SEQ + " > :from")
                .param("from", from).param("to", to).query(Long.class).single();
    }

    /** The sequence of the newest entry (the last of the row with the highest sequence), else the pruned one. */
    public long latestSeq() {
        Long latest = jdbc.sql("SELECT " + LAST_SEQ + " FROM sync_change_log ORDER BY seq DESC LIMIT 1")
                .query(Long.class).optional().orElse(null);
        return latest == null ? prunedThrough() : latest;
    }

    long prunedThrough() {
        return jdbc.sql("SELECT pruned_through FROM sync_state WHERE id = 1").query(Long.class).single();
    }

    public record Acknowledgement(long sequence, Instant at, String by) {
    }

    public Acknowledgement acknowledgement() {
        return jdbc.sql("SELECT acknowledged_seq, acknowledged_at, acknowledged_by FROM sync_state WHERE id = 1")
                .query((rs, n) -> new Acknowledgement(rs.getLong(1), instant(rs.getTimestamp(2)), rs.getString(3)))
                .single();
    }

    /** Acknowledges every entry up to the latest; returns how many were pending and the new acknowledgement. */
    public record Acknowledged(long count, Acknowledgement acknowledgement) {
    }

    public Acknowledged acknowledgeAll(String by, Instant now) {
        return transactions.execute(tx -> {
            long previous = jdbc.sql("SELECT acknowledged_seq FROM sync_state WHERE id = 1 FOR UPDATE")
                    .query(Long.class).single();
            long latest = latestSeq();
            long upTo = Math.max(previous, latest);
            long count = countBetween(previous, upTo);
            jdbc.sql("UPDATE sync_state SET acknowledged_seq = :seq, acknowledged_at = :at, acknowledged_by = :by "
                    + "WHERE id = 1").param("seq", upTo).param("at", Timestamp.from(now)).param("by", by).update();
            return new Acknowledged(count, new Acknowledgement(upTo, now, by));
        });
    }

    /** Appends a cluster-wide {@code invalidate_all}; committed when this returns. */
    public void appendInvalidateAll(String nodeId, Instant now) {
        transactions.executeWithoutResult(tx -> append(ManifestChange.INVALIDATE_ALL, null, nodeId, now));
    }

    /**
     * Appends a {@code carrier_result} entry for {@code queryNumber} in the caller's transaction (the one that
     * stored the carrier result), so every node drops its cached result for that number once it commits.
     */
    void appendCarrierResult(String queryNumber, String nodeId, Instant now) {
        append(ManifestChange.CARRIER_RESULT, queryNumber, nodeId, now);
    }

    private void append(String operation, String trackingNumber, String nodeId, Instant now) {
        if (postgres) {
            // no lock: the transaction id orders the entry (V21)
            jdbc.sql("INSERT INTO sync_change_log (seq, xid, operation, tracking_number, node_id, changed_at) "
                    + "VALUES (nextval('sync_change_seq'), pg_current_xact_id(), :op, :tn, :node, clock_timestamp())")
                    .param("op", operation).param("tn", trackingNumber).param("node", nodeId).update();
            jdbc.sql("SELECT pg_notify('" + CHANNEL + "', '')").query().singleRow();
        } else {
            // H2: the append lock of V11, so the sequence value is taken in commit order
            jdbc.sql("SELECT id FROM sync_state WHERE id = 1 FOR UPDATE").query().singleRow();
            jdbc.sql("INSERT INTO sync_change_log (seq, operation, tracking_number, node_id, changed_at) "
                    + "VALUES (NEXT VALUE FOR sync_change_seq, :op, :tn, :node, :at)")
                    .param("op", operation).param("tn", trackingNumber).param("node", nodeId)
                    .param("at", Timestamp.from(now)).update();
        }
    }

    /** On H2, tells the triggers which node id to record (PostgreSQL uses the connection's application_name). */
    public void registerLocalNode(String nodeId) {
        if (!postgres) {
            jdbc.sql("UPDATE sync_state SET local_node_id = :node WHERE id = 1").param("node", nodeId).update();
        }
    }

    /** Records this node as live at {@code position} ({@code appliedSeq}: the newest sequence it applied). */
    public void heartbeat(String nodeId, long appliedSeq, Position position, Instant startedAt, Instant now) {
        Long xid = postgres ? position.checkpoint() : null;
        long seq = postgres ? appliedSeq : position.checkpoint();
        int updated = jdbc.sql("UPDATE sync_node SET applied_seq = :seq, applied_xid = :xid, heartbeat_at = :now "
                + "WHERE node_id = :node")
                .param("seq", seq).param("xid", xid).param("now", Timestamp.from(now)).param("node", nodeId)
                .update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO sync_node (node_id, applied_seq, applied_xid, started_at, heartbeat_at) "
                    + "VALUES (:node, :seq, :xid, :started, :now)")
                    .param("node", nodeId).param("seq", seq).param("xid", xid)
                    .param("started", Timestamp.from(startedAt)).param("now", Timestamp.from(now)).update();
        }
    }

    public void removeNode(String nodeId) {
        jdbc.sql("DELETE FROM sync_node WHERE node_id = :node").param("node", nodeId).update();
    }

    /**
     * Deletes entries older than {@code olderThan} or beyond the newest {@code keep}, but never one a live node
     * (heartbeat after {@code liveSince}) has not applied, and never the newest entry (it carries the latest
     * sequence). Returns the number of entries deleted.
     */
    public int prune(Instant olderThan, long keep, Instant liveSince, Instant forgetNodesBefore) {
        jdbc.sql("DELETE FROM sync_node WHERE heartbeat_at < :before")
                .param("before", Timestamp.from(forgetNodesBefore)).update();
        return postgres ? prunePostgres(olderThan, keep, liveSince) : pruneBySequence(olderThan, keep, liveSince);
    }

    /**
     * PostgreSQL: the horizon is a transaction id L; entries of transactions below L go. L is at most the slowest
     * live node's checkpoint (everything below it is applied there), at most this snapshot's xmin (so no
     * transaction still running is below it: a node's checkpoint can never fall under a horizon set later), and at
     * most the newest entry's id (it stays).
     */
    private int prunePostgres(Instant olderThan, long keep, Instant liveSince) {
        Long newest = jdbc.sql("SELECT CAST(CAST(MAX(xid) AS text) AS bigint) FROM sync_change_log")
                .query(Long.class).optional().orElse(null);
        if (newest == null) {
            return 0;
        }
        Long byAge = jdbc.sql("SELECT CAST(CAST(MIN(xid) AS text) AS bigint) FROM sync_change_log "
                + "WHERE changed_at >= :cutoff").param("cutoff", Timestamp.from(olderThan))
                .query(Long.class).optional().orElse(null);
        long limit = byAge == null ? newest : byAge;
        // the transaction of the row that holds the keep-th newest entry
        List<Long> byCount = jdbc.sql("SELECT xid_n FROM (SELECT CAST(CAST(xid AS text) AS bigint) AS xid_n, "
                + "SUM(entries) OVER (ORDER BY xid DESC, seq DESC ROWS UNBOUNDED PRECEDING) AS newer "
                + "FROM sync_change_log) k WHERE newer >= :keep LIMIT 1").param("keep", Math.max(1, keep))
                .query(Long.class).list();
        if (!byCount.isEmpty()) {
            limit = Math.max(limit, byCount.get(0));
        }
        Long slowestLive = jdbc.sql("SELECT MIN(applied_xid) FROM sync_node WHERE heartbeat_at >= :since "
                + "AND applied_xid IS NOT NULL").param("since", Timestamp.from(liveSince))
                .query(Long.class).optional().orElse(null);
        if (slowestLive != null) {
            limit = Math.min(limit, slowestLive);
        }
        limit = Math.min(limit, xmin(currentSnapshot()));
        limit = Math.min(limit, newest);
        if (limit <= prunedHorizon()) {
            return 0;
        }
        long horizon = limit;
        return transactions.execute(tx -> {
            Long lastSeq = jdbc.sql("SELECT MAX(" + LAST_SEQ + ") FROM sync_change_log"
                    + " WHERE xid < CAST(CAST(:l AS text) AS xid8)")
                    .param("l", horizon).query(Long.class).optional().orElse(null);
            long deleted = jdbc.sql("WITH gone AS (DELETE FROM sync_change_log"
                    + " WHERE xid < CAST(CAST(:l AS text) AS xid8) RETURNING entries)"
                    + " SELECT COALESCE(SUM(entries), 0) FROM gone")
                    .param("l", horizon).query(Long.class).single();
            jdbc.sql("UPDATE sync_state SET pruned_xid = GREATEST(pruned_xid, :l), "
                    + "pruned_through = GREATEST(pruned_through, :seq) WHERE id = 1")
                    .param("l", horizon).param("seq", lastSeq == null ? 0L : lastSeq).update();
            return (int) Math.min(Integer.MAX_VALUE, deleted);
        });
    }

    private int pruneBySequence(Instant olderThan, long keep, Instant liveSince) {
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

    /**
     * The entry whose {@link #COLUMNS} (or {@link #PACKED_COLUMNS}: the same, in the same order) start at column
     * {@code first}; by position, as a tailer page maps a thousand rows of them (a lookup by name per column and row
     * was 7 % of the tailer thread's samples in a cold upload).
     */
    private static ManifestChange map(ResultSet rs, int first) throws SQLException {
        return new ManifestChange(rs.getLong(first), rs.getString(first + 1), rs.getString(first + 2),
                rs.getString(first + 3), rs.getString(first + 4), rs.getString(first + 5),
                rs.getObject(first + 6, Long.class), rs.getString(first + 7), instant(rs.getTimestamp(first + 8)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
