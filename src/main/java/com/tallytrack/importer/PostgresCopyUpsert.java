package com.tallytrack.importer;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.manifest.ManifestsChanged;

/**
 * The PostgreSQL write path of an import batch, in one transaction. One probe finds which of the batch's tracking
 * numbers are stored already; the new rows go straight into {@code cargo_manifest} with one {@code COPY}, and the
 * stored ones go to the server in one {@code COPY} into a temporary staging table, then one set-based
 * {@code INSERT … SELECT … ON CONFLICT DO UPDATE} moves them in. Both are ordinary writes to the table, so the
 * change-log statement triggers fire for them as for any other write ({@code COPY} fires the insert trigger with
 * its transition table; the upsert fires the insert and update triggers); rows whose stored values are the same
 * are not touched, so they neither bump their version nor reach the change log. Same results as
 * {@link ManifestService#upsertBatch} (first row of a tracking number wins, counts inserted / updated /
 * unchanged, {@link ManifestsChanged} inside the transaction).
 *
 * <p>A first upload of new rows thus costs what a {@code COPY} costs plus the change log. A number another writer
 * inserts between the probe and the {@code COPY} makes the {@code COPY} fail with a duplicate key; the whole batch
 * rolls back and {@link ImportBatchWriter} retries it with every row through the staging upsert, which waits for
 * such a row instead of failing on it.
 */
final class PostgresCopyUpsert {

    /**
     * Per connection, created once and emptied at every commit; a temporary table is invisible to other
     * sessions, so concurrent uploads on other connections never see each other's staged rows.
     */
    static final String STAGE = "tallytrack_import_stage";

    private static final String CREATE_STAGE = "CREATE TEMPORARY TABLE IF NOT EXISTS " + STAGE + " ("
            + "tracking_number VARCHAR(50), manifest_date DATE, transport_code VARCHAR(20), "
            + "customer_code VARCHAR(20), goods_code VARCHAR(20), package_number VARCHAR(50), "
            + "weight DECIMAL(10, 3), length DECIMAL(8, 2), width DECIMAL(8, 2), height DECIMAL(8, 2), "
            + "special_fee DECIMAL(10, 2)) ON COMMIT DELETE ROWS";

    /** Characters of CSV sent to the server at a time. */
    private static final int CHUNK = 32 * 1024;

    private static final String COPY = "COPY " + STAGE + " FROM STDIN (FORMAT csv)";

    private static final String FIELDS = "manifest_date, transport_code, customer_code, goods_code, package_number, "
            + "weight, length, width, height, special_fee";

    /** The new rows, in the column order of {@link #csv}, with the version and timestamps an insert gets. */
    private static final String COPY_NEW = "COPY cargo_manifest (tracking_number, " + FIELDS
            + ", version, created_at, updated_at) FROM STDIN (FORMAT csv)";

    private static final String STORED = "SELECT tracking_number FROM cargo_manifest WHERE tracking_number = ANY (?)";

    /**
     * Sorted by tracking number: a fixed order of row locks, so two uploads touching the same numbers wait for
     * each other instead of deadlocking. {@code xmax = 0} is true only for a row this statement inserted.
     */
    private static final String UPSERT = "INSERT INTO cargo_manifest (tracking_number, " + FIELDS
            + ", version, created_at, updated_at) SELECT tracking_number, " + FIELDS + ", 0, ?, ? FROM " + STAGE
            + " ORDER BY tracking_number ON CONFLICT (tracking_number) DO UPDATE SET "
            + "manifest_date = EXCLUDED.manifest_date, transport_code = EXCLUDED.transport_code, "
            + "customer_code = EXCLUDED.customer_code, goods_code = EXCLUDED.goods_code, "
            + "package_number = EXCLUDED.package_number, weight = EXCLUDED.weight, length = EXCLUDED.length, "
            + "width = EXCLUDED.width, height = EXCLUDED.height, special_fee = EXCLUDED.special_fee, "
            + "version = cargo_manifest.version + 1, updated_at = EXCLUDED.updated_at "
            + "WHERE (cargo_manifest." + FIELDS.replace(", ", ", cargo_manifest.") + ") IS DISTINCT FROM (EXCLUDED."
            + FIELDS.replace(", ", ", EXCLUDED.") + ") "
            + "RETURNING tracking_number, (xmax = 0) AS inserted";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    PostgresCopyUpsert(JdbcTemplate jdbc, TransactionTemplate transactions, ApplicationEventPublisher events,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
    }

    /**
     * @param copyNew {@code false} sends every row through the staging upsert, which waits for a concurrent
     *                insert of the same number instead of failing on it (the retry after a duplicate key)
     */
    ManifestService.UpsertResult write(List<ManifestInput> rows, String source, boolean copyNew) {
        Map<String, ManifestInput> byTracking = new LinkedHashMap<>(ImportRun.capacity(rows.size()));
        rows.forEach(r -> byTracking.putIfAbsent(r.trackingNumber(), r));
        if (byTracking.isEmpty()) {
            return new ManifestService.UpsertResult(0, 0, 0);
        }
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS); // what the column keeps
        return transactions.execute(status -> jdbc.execute((ConnectionCallback<ManifestService.UpsertResult>) c -> {
            Set<String> stored = copyNew ? stored(c, byTracking.keySet()) : byTracking.keySet();
            List<ManifestInput> fresh = new ArrayList<>(byTracking.size() - stored.size());
            List<ManifestInput> known = new ArrayList<>(stored.size());
            for (ManifestInput m : byTracking.values()) {
                (stored.contains(m.trackingNumber()) ? known : fresh).add(m);
            }
            int inserted = 0;
            int updated = 0;
            Set<String> touched = new LinkedHashSet<>(ImportRun.capacity(byTracking.size()));
            if (!fresh.isEmpty()) {
                // sorted (Java's order; the upsert sorts in the database's collation, but a COPY only ever waits
                // for another insert of a new number): two COPYs of the same new numbers wait in one order
                fresh.sort(Comparator.comparing(ManifestInput::trackingNumber));
                String suffix = ",0," + now + "," + now;
                copy(c, COPY_NEW, fresh, suffix);
                inserted += fresh.size();
                fresh.forEach(m -> touched.add(m.trackingNumber()));
            }
            if (!known.isEmpty()) {
                try (Statement create = c.createStatement()) {
                    create.execute(CREATE_STAGE);
                }
                copy(c, COPY, known, "");
                Timestamp at = Timestamp.from(now);
                try (PreparedStatement upsert = c.prepareStatement(UPSERT)) {
                    upsert.setTimestamp(1, at);
                    upsert.setTimestamp(2, at);
                    try (ResultSet rs = upsert.executeQuery()) {
                        while (rs.next()) {
                            touched.add(rs.getString(1));
                            if (rs.getBoolean(2)) {
                                inserted++;
                            } else {
                                updated++;
                            }
                        }
                    }
                }
            }
            if (!touched.isEmpty()) {
                events.publishEvent(new ManifestsChanged(touched, source));
            }
            return new ManifestService.UpsertResult(inserted, updated, byTracking.size() - inserted - updated);
        }));
    }

    /**
     * Which of the numbers are in {@code cargo_manifest}: one index probe per number, one round trip. The numbers go
     * as a {@code String[]}, which PgJDBC sends in binary (a {@code createArrayOf} is a text literal, every element
     * quoted and escaped: 8 % of the import thread's samples in a cold upload).
     */
    private static Set<String> stored(Connection c, Set<String> numbers) throws SQLException {
        Set<String> out = new HashSet<>(ImportRun.capacity(numbers.size()));
        try (PreparedStatement probe = c.prepareStatement(STORED)) {
            probe.setObject(1, numbers.toArray(String[]::new));
            try (ResultSet rs = probe.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * Streams the rows to the server as CSV in chunks of about {@link #CHUNK} characters while it formats them, so
     * the server inserts the first rows while the last are still being written (one batch is about 400 KB). Package
     * visible for {@code PostgresCopyStreamTest}.
     */
    static void copy(Connection c, String sql, List<ManifestInput> rows, String suffix) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            StringBuilder chunk = new StringBuilder(CHUNK + 1024);
            for (ManifestInput m : rows) {
                line(chunk, m, suffix);
                if (chunk.length() >= CHUNK) {
                    send(in, chunk);
                }
            }
            send(in, chunk);
            in.endCopy();
        } catch (Throwable e) {
            // an Error too (out of memory while formatting): a COPY left open keeps the connection locked, and the
            // rollback that follows would wait for it for ever
            if (in.isActive()) {
                try {
                    in.cancelCopy(); // the server rolls back what it received; the transaction fails
                } catch (SQLException cancelled) {
                    e.addSuppressed(cancelled);
                }
            }
            throw e;
        }
    }

    private static void send(CopyIn in, StringBuilder chunk) throws SQLException {
        if (!chunk.isEmpty()) {
            byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8); // PgJDBC's client encoding
            in.writeToCopy(bytes, 0, bytes.length);
            chunk.setLength(0);
        }
    }

    /**
     * One row as COPY's CSV reads it: an unquoted empty field is NULL, every text is quoted (so "" stays an empty
     * text); {@code suffix} ends the line (further columns, the same for every row).
     */
    private static void line(StringBuilder out, ManifestInput m, String suffix) {
        text(out, m.trackingNumber()).append(',');
        out.append(m.manifestDate() == null ? "" : m.manifestDate().toString()).append(',');
        text(out, m.transportCode()).append(',');
        text(out, m.customerCode()).append(',');
        text(out, m.goodsCode()).append(',');
        text(out, m.packageNumber()).append(',');
        number(out, m.weight()).append(',');
        number(out, m.length()).append(',');
        number(out, m.width()).append(',');
        number(out, m.height()).append(',');
        number(out, m.specialFee()).append(suffix).append('\n');
    }

    private static StringBuilder text(StringBuilder out, String value) {
        if (value == null) {
            return out;
        }
        if (value.indexOf('"') < 0) {
            return out.append('"').append(value).append('"');
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"') {
                out.append('"');
            }
            out.append(ch);
        }
        return out.append('"');
    }

    private static StringBuilder number(StringBuilder out, BigDecimal value) {
        return value == null ? out : out.append(value.toPlainString());
    }
}
