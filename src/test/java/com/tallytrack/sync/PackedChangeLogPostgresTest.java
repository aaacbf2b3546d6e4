package com.tallytrack.sync;

import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.support.PostgresInitializer;
import com.tallytrack.sync.log.ChangeLog;

/**
 * The packed change log of V55 on PostgreSQL: a statement's changes are logged in rows of at most 1,000 entries, each
 * entry with a sequence of its own; {@code sync_change_entry} and {@link ChangeLog} unpack them into exactly the
 * entries the per-row log had (values aligned across the arrays: each entry names its own manifest's numbers), and
 * a tailer reading them in small pages gets every entry once, in order — also where plain rows of one transaction
 * have consecutive sequences (rows written before V55) and a page ends inside a packed row.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import(SyncTestSupport.class)
@ContextConfiguration(initializers = PostgresInitializer.class)
class PackedChangeLogPostgresTest {

    private static final int ROWS = 2_500;

    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager transactionManager;

    private ChangeLog log() {
        return new ChangeLog(transactionManager, dataSource);
    }

    private void insertMany(String prefix) {
        jdbc.sql("INSERT INTO cargo_manifest (tracking_number, manifest_date, transport_code, customer_code, "
                + "goods_code, package_number) SELECT :p || lpad(CAST(g AS text), 5, '0'), DATE '2024-05-01', 'T01', "
                + "'C001', 'G01', CASE WHEN g % 7 = 0 THEN NULL ELSE :p || 'PK' || (g % 13) END "
                + "FROM generate_series(1, :n) g").param("p", prefix).param("n", ROWS).update();
    }

    /** Entries of the view for this prefix whose values are those of their own manifest now. */
    private long alignedWithTheTable(String prefix, String operation) {
        return jdbc.sql("SELECT COUNT(*) FROM sync_change_entry e JOIN cargo_manifest m ON m.id = e.manifest_id "
                + "AND m.tracking_number = e.tracking_number "
                + "AND m.package_number IS NOT DISTINCT FROM e.package_number "
                + "WHERE e.operation = :op AND e.tracking_number LIKE :p")
                .param("op", operation).param("p", prefix + "%").query(Long.class).single();
    }

    @Test
    void aStatementOfThousandsOfRowsIsLoggedInRowsOfAtMostAThousandEntriesThatUnpackToOnePerManifest() {
        String p = unique("PKD");
        insertMany(p);

        List<long[]> rows = jdbc.sql("SELECT seq, entries FROM sync_change_log WHERE tracking_numbers[1] LIKE :p "
                + "ORDER BY seq").param("p", p + "%").query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .list();
        assertThat(rows).hasSizeBetween(3, 4); // 2,500 consecutive ids over three or four thousands
        assertThat(rows.stream().mapToLong(r -> r[1]).sum()).isEqualTo(ROWS);
        assertThat(rows).allSatisfy(r -> assertThat(r[1]).isBetween(1L, 1000L));
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i)[0]).as("the sequences of two rows never overlap")
                    .isGreaterThanOrEqualTo(rows.get(i - 1)[0] + rows.get(i - 1)[1]);
        }
        assertThat(jdbc.sql("SELECT COUNT(DISTINCT seq) FROM sync_change_entry WHERE tracking_number LIKE :p")
                .param("p", p + "%").query(Long.class).single()).isEqualTo(ROWS);
        assertThat(alignedWithTheTable(p, "insert")).isEqualTo(ROWS);

        // an update of every row: the new and the old package number of each manifest, one entry each
        jdbc.sql("UPDATE cargo_manifest SET package_number = tracking_number || 'N' WHERE tracking_number LIKE :p")
                .param("p", p + "%").update();
        assertThat(alignedWithTheTable(p, "update")).isEqualTo(ROWS);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sync_change_entry WHERE operation = 'update' "
                + "AND tracking_number LIKE :p || '%' AND package_number = tracking_number || 'N' "
                + "AND previous_package_number IS NOT DISTINCT FROM CASE WHEN CAST(substr(tracking_number, "
                + "length(tracking_number) - 4) AS int) % 7 = 0 THEN NULL "
                + "ELSE :p || 'PK' || (CAST(substr(tracking_number, length(tracking_number) - 4) AS int) % 13) END")
                .param("p", p).query(Long.class).single()).isEqualTo(ROWS);

        // a delete: each entry names the deleted manifest's number and its last package number
        List<Long> ids = jdbc.sql("SELECT id FROM cargo_manifest WHERE tracking_number LIKE :p")
                .param("p", p + "%").query(Long.class).list();
        jdbc.sql("DELETE FROM cargo_manifest WHERE tracking_number LIKE :p").param("p", p + "%").update();
        assertThat(jdbc.sql("SELECT manifest_id FROM sync_change_entry WHERE operation = 'delete' "
                + "AND tracking_number LIKE :p AND previous_package_number = tracking_number || 'N'")
                .param("p", p + "%").query(Long.class).list()).containsExactlyInAnyOrderElementsOf(ids);
    }

    /**
     * Ids on both sides of zero ({@code cargo_manifest.id} is generated by default, so a client may give any): a
     * statement's rows are grouped by thousands of ids rounded down, so -999..-1 and 0..999 are two rows, not one of
     * 1,999 entries that V54's check refuses (and with it the manifests' own write). On a scratch copy of the table
     * with the same trigger functions, in a transaction rolled back, so the ids are free whatever this database holds.
     */
    @Test
    void idsAroundZeroAreLoggedInRowsOfAtMostAThousandEntries() {
        String p = unique("PNZ");
        new TransactionTemplate(transactionManager).executeWithoutResult(tx -> {
            jdbc.sql("CREATE TEMP TABLE packed_ids (LIKE cargo_manifest INCLUDING DEFAULTS) ON COMMIT DROP").update();
            for (String[] trigger : new String[][] {{"INSERT", "NEW TABLE AS new_rows", "sync_log_manifest_insert"},
                    {"UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", "sync_log_manifest_update"},
                    {"DELETE", "OLD TABLE AS old_rows", "sync_log_manifest_delete"}}) {
                jdbc.sql("CREATE TRIGGER packed_ids_" + trigger[0].toLowerCase() + " AFTER " + trigger[0]
                        + " ON packed_ids REFERENCING " + trigger[1] + " FOR EACH STATEMENT EXECUTE FUNCTION "
                        + trigger[2] + "()").update();
            }
            jdbc.sql("INSERT INTO packed_ids (id, tracking_number, manifest_date, transport_code, customer_code, "
                    + "goods_code, package_number) SELECT g, :p || g, DATE '2024-05-01', 'T01', 'C001', 'G01', "
                    + ":p || 'PK' FROM generate_series(-1500, 1500) g").param("p", p).update();
            jdbc.sql("UPDATE packed_ids SET package_number = :p || 'PK2'").param("p", p).update();
            jdbc.sql("DELETE FROM packed_ids").update();
            for (String operation : new String[] {"insert", "update", "delete"}) {
                List<Long> entries = jdbc.sql("SELECT entries FROM sync_change_log WHERE operation = :op "
                        + "AND tracking_numbers[1] LIKE :p").param("op", operation).param("p", p + "%")
                        .query(Long.class).list();
                assertThat(entries).as(operation).allSatisfy(n -> assertThat(n).isBetween(1L, 1000L));
                assertThat(entries.stream().mapToLong(Long::longValue).sum()).as(operation).isEqualTo(3001);
                assertThat(jdbc.sql("SELECT COUNT(DISTINCT manifest_id) FROM sync_change_entry WHERE operation = :op "
                        + "AND tracking_number = :p || manifest_id").param("op", operation).param("p", p)
                        .query(Long.class).single()).as(operation + ": each entry names its own manifest")
                        .isEqualTo(3001);
            }
            tx.setRollbackOnly();
        });
    }

    @Test
    void smallPagesReadEveryEntryOnceInOrderAcrossPackedAndPlainRows() {
        ChangeLog changeLog = log();
        ChangeLog.Position from = changeLog.head();
        String p = unique("PGS");
        new TransactionTemplate(transactionManager).executeWithoutResult(tx -> {
            insertMany(p + "A");
            // ten plain rows of one transaction with consecutive sequences, as the log had them before V55: the
            // numbers come from one block of the sequence, which nothing else uses
            long block = jdbc.sql("SELECT nextval('sync_change_seq')").query(Long.class).single();
            for (int i = 0; i < 10; i++) {
                jdbc.sql("INSERT INTO sync_change_log (seq, xid, operation, tracking_number, node_id, changed_at) "
                        + "VALUES (:s, pg_current_xact_id(), 'carrier_result', :t, 'test', clock_timestamp())")
                        .param("s", block + i).param("t", p + "C" + i).update();
            }
            insertMany(p + "B");
        });
        jdbc.sql("UPDATE cargo_manifest SET package_number = 'PGSX' WHERE tracking_number LIKE :p")
                .param("p", p + "%").update();
        String target = changeLog.stepTarget();

        List<ChangeLog.Entry> all = changeLog.read(from, target, null, 1_000_000);
        assertPagesReadAll(changeLog, from, target, all);
        long ours = all.stream().filter(e -> e.change().trackingNumber() != null
                && e.change().trackingNumber().startsWith(p)).count();
        assertThat(ours).isEqualTo(4L * ROWS + 10);
        for (int i = 1; i < all.size(); i++) {
            ChangeLog.Entry a = all.get(i - 1);
            ChangeLog.Entry b = all.get(i);
            assertThat(a.xid() < b.xid() || a.xid() == b.xid() && a.change().sequence() < b.change().sequence())
                    .as("(xid, seq) order").isTrue();
        }
    }

    /**
     * Two transactions whose writes interleave: the first writes, the second writes and commits, the first writes
     * again and commits. In (xid, seq) order the first one's rows come first although the second one's sequences lie
     * between them; pages of any size still read every entry once, in that order, as the view lists them.
     */
    @Test
    void pagesFollowTransactionOrderWhereItDiffersFromSequenceOrder() throws Exception {
        ChangeLog changeLog = log();
        ChangeLog.Position from = changeLog.head();
        String p = unique("PXO");
        try (Connection first = dataSource.getConnection(); Connection second = dataSource.getConnection()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            insertOn(first, p + "A", 1_500);
            insertOn(second, p + "B", 700);
            second.commit();
            insertOn(first, p + "C", 1_200);
            first.commit();
        }
        String target = changeLog.stepTarget();
        List<ChangeLog.Entry> all = changeLog.read(from, target, null, 1_000_000);
        List<ChangeLog.Entry> ours = all.stream().filter(e -> e.change().trackingNumber().startsWith(p)).toList();
        assertThat(ours).hasSize(3_400);
        // the first transaction's second statement (C) is read before the second transaction (B), whose sequences
        // are lower
        assertThat(ours.get(1_500).change().trackingNumber()).startsWith(p + "C");
        assertThat(ours.get(2_700).change().trackingNumber()).startsWith(p + "B");
        assertThat(ours.get(2_700).change().sequence()).isLessThan(ours.get(1_500).change().sequence());
        assertThat(sequences(ours)).isEqualTo(jdbc.sql("SELECT seq FROM sync_change_entry WHERE tracking_number "
                + "LIKE :p ORDER BY xid, seq").param("p", p + "%").query(Long.class).list());
        assertPagesReadAll(changeLog, from, target, all);
    }

    private static void insertOn(Connection connection, String prefix, int rows) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO cargo_manifest (tracking_number, "
                + "manifest_date, transport_code, customer_code, goods_code) SELECT ? || lpad(CAST(g AS text), 5, '0'), "
                + "DATE '2024-05-01', 'T01', 'C001', 'G01' FROM generate_series(1, ?) g")) {
            insert.setString(1, prefix);
            insert.setInt(2, rows);
            insert.executeUpdate();
        }
    }

    @Test
    void countsAndTheLatestSequenceAreInEntries() {
        ChangeLog changeLog = log();
        ChangeLog.Position from = changeLog.head();
        String p = unique("PCT");
        insertMany(p);
        long first = jdbc.sql("SELECT MIN(seq) FROM sync_change_entry WHERE tracking_number LIKE :p")
                .param("p", p + "%").query(Long.class).single();
        // inside a row of at least 500 entries (the first row may be short: the ids need not start at a thousand)
        long middle = jdbc.sql("SELECT MIN(seq) FROM sync_change_log WHERE tracking_numbers[1] LIKE :p "
                + "AND entries >= 500").param("p", p + "%").query(Long.class).single() + 400;

        assertThat(stable(() -> changeLog.countAfter(middle), () -> jdbc.sql(
                "SELECT COUNT(*) FROM sync_change_entry WHERE seq > :s").param("s", middle).query(Long.class).single()))
                .isGreaterThanOrEqualTo(ROWS - 1_400);
        assertThat(stable(changeLog::latestSeq, () -> jdbc.sql("SELECT MAX(seq) FROM sync_change_entry")
                .query(Long.class).single())).isGreaterThanOrEqualTo(first + ROWS - 1);
        assertThat(stable(() -> changeLog.pending(from), () -> (long) changeLog.read(from, changeLog.stepTarget(),
                null, 1_000_000).size())).isGreaterThanOrEqualTo(ROWS);
        List<com.tallytrack.sync.ManifestChange> listed = changeLog.after(middle, 50);
        assertThat(listed).hasSize(50);
        assertThat(listed.get(0).sequence()).isEqualTo(middle + 1);
        assertThat(listed).extracting(com.tallytrack.sync.ManifestChange::sequence).isSorted().doesNotHaveDuplicates();
    }

    /**
     * The value of {@code actual} once {@code expected} read the same before and after it (other test classes' nodes
     * may write meanwhile); asserts they agree.
     */
    private static long stable(LongSupplier actual, LongSupplier expected) {
        for (int attempt = 0; attempt < 20; attempt++) {
            long before = expected.getAsLong();
            long value = actual.getAsLong();
            long after = expected.getAsLong();
            if (before == after) {
                assertThat(value).isEqualTo(before);
                return value;
            }
        }
        throw new AssertionError("the change log did not stand still for a moment");
    }

    /**
     * Reading the step from {@code from} to {@code target} in pages of 1, 7, 999, 1,000 and 1,001 entries gives
     * {@code all}, as ChangeLogTailer reads it: a short page ends the step.
     */
    private static void assertPagesReadAll(ChangeLog changeLog, ChangeLog.Position from, String target,
            List<ChangeLog.Entry> all) {
        for (int limit : new int[] {1, 7, 999, 1000, 1001}) {
            List<ChangeLog.Entry> paged = new ArrayList<>();
            ChangeLog.Entry last = null;
            while (true) {
                List<ChangeLog.Entry> page = changeLog.read(from, target, last, limit);
                assertThat(page.size()).isLessThanOrEqualTo(limit);
                paged.addAll(page);
                if (page.size() < limit) {
                    break;
                }
                last = page.get(page.size() - 1);
            }
            assertThat(sequences(paged)).as("pages of " + limit).isEqualTo(sequences(all));
        }
    }

    private static List<Long> sequences(List<ChangeLog.Entry> entries) {
        return entries.stream().map(e -> e.change().sequence()).toList();
    }
}
