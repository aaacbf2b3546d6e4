package com.tallytrack.importer;

import static com.tallytrack.importer.ImportFixtures.HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.ActiveProfiles;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.tail.SyncLifecycle;
import com.tallytrack.tracking.PackageResolver;

/**
 * The import's write path on each database ({@link ImportWritePathOnH2Test}, {@link ImportWritePathOnPostgresTest}):
 * which path it takes, and that the sync module's change log receives exactly one entry per row it inserted or
 * changed — a set-based path (COPY into a staging table, then one upsert) that bypassed the change-log trigger
 * would leave other nodes serving stale manifests, and fails here. Same context configuration as
 * {@link ManifestImportApiContract}, so the two share a cached context.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
abstract class ImportWritePathContract {

    private static final AtomicLong SEQ = new AtomicLong(System.nanoTime() % 1_000_000L);

    @Autowired
    ManifestImportService imports;
    @Autowired
    ImportBatchWriter writer;
    @Autowired
    ManifestService manifests;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    ImportProperties properties;
    @Autowired
    PackageResolver resolver;
    @Autowired
    SyncLifecycle lifecycle;

    /** Whether this database's batches go through {@link PostgresCopyUpsert}. */
    abstract boolean expectsCopy();

    static String prefix() {
        return "W" + Long.toString(SEQ.incrementAndGet() * 104729 + System.nanoTime() % 1000, 36)
                .toUpperCase(Locale.ROOT);
    }

    /**
     * A job rewrites its progress (view_json) and saved ranges once per batch. As an H2 CLOB each rewrite left an
     * old LOB to free, and while H2's LOB cleaner ran, the end of every statement of the import threw and caught
     * an exception inside H2: a fifth of a cold 100,000-row import on H2 (issue 13). Inline text on both databases.
     */
    @Test
    void theJobTableKeepsItsJsonAsInlineText() {
        List<String> types = jdbc.sql("SELECT data_type FROM information_schema.columns WHERE LOWER(table_name) = "
                + "'import_job' AND LOWER(column_name) IN ('view_json', 'saved_row_ranges')").query(String.class).list();
        assertThat(types).hasSize(2).allSatisfy(type -> assertThat(type.toUpperCase(Locale.ROOT))
                .isIn("CHARACTER VARYING", "TEXT"));
    }

    @Test
    void takesThePathOfItsDatabase() {
        assertThat(writer.usesCopy()).isEqualTo(expectsCopy());
    }

    @Test
    void theChangeLogReceivesEveryRowOfAnImportAndOnlyTheChangedOnesOfAReimport() {
        String p = prefix();
        int n = 2 * properties.batchSize() + properties.batchSize() * 3 / 5; // three batches, the last one partial
        ImportReport first = upload(p, n, i -> "PK" + (i % 13));
        assertThat(first.state()).isEqualTo("COMPLETED");
        assertThat(first.statistics().inserted()).isEqualTo(n);

        Map<String, Long> inserts = entries(p, "insert");
        assertThat(inserts).as("one insert entry per row, none missing, none twice").hasSize(n)
                .allSatisfy((tracking, count) -> assertThat(count).isEqualTo(1L));
        assertThat(inserts.keySet()).containsAll(numbers(p, n));
        Long ids = jdbc.sql("SELECT COUNT(*) FROM sync_change_entry l JOIN cargo_manifest m ON m.id = l.manifest_id "
                + "AND m.tracking_number = l.tracking_number AND m.package_number = l.package_number "
                + "WHERE l.operation = 'insert' AND l.tracking_number LIKE :p").param("p", p + "%")
                .query(Long.class).single();
        assertThat(ids).as("each entry names the stored row and its package").isEqualTo(n);

        // every fifth row moves to another package; the others are sent again unchanged
        ImportReport again = upload(p, n, i -> i % 5 == 0 ? "NEW" + (i % 13) : "PK" + (i % 13));
        assertThat(again.statistics().updated()).isEqualTo(n / 5);
        assertThat(again.statistics().unchanged()).isEqualTo(n - n / 5);
        Map<String, Long> updates = entries(p, "update");
        assertThat(updates).hasSize(n / 5).allSatisfy((tracking, count) -> assertThat(count).isEqualTo(1L));
        List<String> moved = jdbc.sql("SELECT previous_package_number || '>' || package_number FROM sync_change_entry "
                + "WHERE operation = 'update' AND tracking_number = :t").param("t", p + "00005")
                .query(String.class).list();
        assertThat(moved).containsExactly("PK5>NEW5");
        assertThat(manifests.getByTrackingNumber(p + "00005").version()).isEqualTo(1);
        assertThat(manifests.getByTrackingNumber(p + "00006").version()).as("unchanged row untouched").isZero();
        assertThat(entries(p, "insert")).hasSize(n);
    }

    /**
     * Numbers cached before an upload, in each of its three batches, are answered with their new packages as soon as
     * it returns, with this node's tailer thread stopped: the upload itself must have applied its batches. (That it
     * does so once, at its end, rather than after each commit, is {@code ImportApplyScopeTest}'s business.)
     */
    @Test
    void whenAnUploadReturnsThisNodeAnswersWithWhatItWroteEvenWithoutItsTailerThread() {
        String p = prefix();
        int n = 2 * properties.batchSize() + properties.batchSize() / 2;
        assertThat(upload(p, n, i -> "OLD" + (i % 7)).state()).isEqualTo("COMPLETED");
        List<String> probes = List.of(p + "00000", p + String.format("%05d", properties.batchSize() + 1),
                p + String.format("%05d", n - 1));
        probes.forEach(t -> assertThat(resolver.resolve(t).map(Manifest::packageNumber)).hasValueSatisfying(
                pkg -> assertThat(pkg).startsWith("OLD")));
        lifecycle.stop();
        try {
            ImportReport moved = upload(p, n, i -> "MOVED" + (i % 7));
            assertThat(moved.statistics().updated()).isEqualTo(n);
            probes.forEach(t -> assertThat(resolver.resolve(t).map(Manifest::packageNumber)).as(t)
                    .hasValueSatisfying(pkg -> assertThat(pkg).startsWith("MOVED")));
        } finally {
            lifecycle.start();
        }
    }

    @Test
    void storesTextWithQuotesCommasAndBackslashesAndNullsAsTheyCame() {
        String p = prefix();
        ManifestInput odd = new ManifestInput(p + "Q1", LocalDate.of(2024, 5, 1), "T\"1", "C,1", "G\\1",
                null, new BigDecimal("1.234"), null, new BigDecimal("20.50"), null, new BigDecimal("0"));
        ManifestInput empty = new ManifestInput(p + "Q2", LocalDate.of(2024, 5, 2), "T1", "C1", "G1",
                "", null, null, null, null, null);
        ManifestService.UpsertResult result = writer.write(List.of(odd, empty, odd));
        assertThat(result).isEqualTo(new ManifestService.UpsertResult(2, 0, 0));
        Manifest stored = manifests.getByTrackingNumber(p + "Q1");
        assertThat(stored.toInput().sameValuesAs(odd)).as("%s", stored).isTrue();
        assertThat(stored.packageNumber()).isNull();
        assertThat(manifests.getByTrackingNumber(p + "Q2").packageNumber()).isEqualTo("");
        assertThat(writer.write(List.of(odd, empty))).isEqualTo(new ManifestService.UpsertResult(0, 0, 2));
    }

    /**
     * One batch of stored rows (one changed, one the same) and new ones: on PostgreSQL the new rows take the
     * {@code COPY} into the table and the stored ones the staging upsert, in the same transaction; counts, stored
     * values and change-log entries are those of one upsert.
     */
    @Test
    void aBatchOfNewAndStoredRowsCountsAndLogsEachOnce() {
        String p = prefix();
        ManifestInput a = row(p + "A", "PA");
        ManifestInput b = row(p + "B", "PB");
        assertThat(writer.write(List.of(a, b))).isEqualTo(new ManifestService.UpsertResult(2, 0, 0));

        ManifestInput movedA = row(p + "A", "PA2");
        ManifestInput c = row(p + "C", "PC");
        ManifestInput d = row(p + "D", null);
        ManifestService.UpsertResult result = writer.write(List.of(d, movedA, b, c, row(p + "C", "IGNORED")));
        assertThat(result).isEqualTo(new ManifestService.UpsertResult(2, 1, 1));

        assertThat(manifests.getByTrackingNumber(p + "A").packageNumber()).isEqualTo("PA2");
        assertThat(manifests.getByTrackingNumber(p + "A").version()).isEqualTo(1);
        assertThat(manifests.getByTrackingNumber(p + "B").version()).isZero();
        assertThat(manifests.getByTrackingNumber(p + "C").packageNumber()).as("first row of a number wins")
                .isEqualTo("PC");
        assertThat(manifests.getByTrackingNumber(p + "D").toInput().sameValuesAs(d)).isTrue();
        assertThat(manifests.getByTrackingNumber(p + "C").createdAt()).isNotNull();
        assertThat(entries(p, "insert")).containsOnlyKeys(p + "A", p + "B", p + "C", p + "D")
                .allSatisfy((tracking, count) -> assertThat(count).isEqualTo(1L));
        assertThat(entries(p, "update")).containsOnlyKeys(p + "A");
    }

    /**
     * Another session inserted a number of the batch and has not committed: the batch does not see it, tries to
     * insert it and waits; when the other session commits, the batch's attempt fails on the duplicate key, rolls
     * back whole and is retried through the upsert, which now finds the stored row. Nothing is lost or logged twice.
     */
    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aNumberInsertedByAnOpenTransactionIsRetriedAsStoredOnceThatCommits(CapturedOutput output) throws Exception {
        String p = prefix();
        ManifestInput theirs = row(p + "X", "THEIRS");
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement insert = other.prepareStatement("INSERT INTO cargo_manifest (tracking_number, "
                    + "manifest_date, transport_code, customer_code, goods_code, package_number) "
                    + "VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, theirs.trackingNumber());
                insert.setObject(2, theirs.manifestDate());
                insert.setString(3, theirs.transportCode());
                insert.setString(4, theirs.customerCode());
                insert.setString(5, theirs.goodsCode());
                insert.setString(6, theirs.packageNumber());
                insert.executeUpdate();
            }
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<ManifestService.UpsertResult> ours = pool.submit(
                        () -> writer.write(List.of(row(p + "X", "OURS"), row(p + "Y", "OURS"))));
                // the batch's write is blocked on the open transaction's row, not merely not yet started
                await().atMost(Duration.ofSeconds(20)).until(this::aSessionWaitsForALock);
                assertThat(ours).as("waits for the open transaction").isNotDone();
                other.commit();
                assertThat(ours.get(30, TimeUnit.SECONDS)).isEqualTo(new ManifestService.UpsertResult(1, 1, 0));
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(output.getAll()).as("the first attempt failed on the duplicate key and was retried")
                .contains("import batch conflicted with another writer (attempt 1), retrying: DuplicateKeyException");
        assertThat(manifests.getByTrackingNumber(p + "X").packageNumber()).isEqualTo("OURS");
        assertThat(manifests.getByTrackingNumber(p + "X").version()).isEqualTo(1);
        assertThat(manifests.getByTrackingNumber(p + "Y").packageNumber()).isEqualTo("OURS");
        assertThat(entries(p, "insert")).containsOnlyKeys(p + "X", p + "Y")
                .allSatisfy((tracking, count) -> assertThat(count).isEqualTo(1L));
        assertThat(entries(p, "update")).containsOnlyKeys(p + "X");
    }

    /** PostgreSQL: the batch's COPY waiting on a lock; H2: a session with a blocker. */
    private boolean aSessionWaitsForALock() {
        String sql = expectsCopy()
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        + "AND query LIKE 'COPY cargo_manifest%'"
                : "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL";
        return jdbc.sql(sql).query(Long.class).single() > 0;
    }

    private static ManifestInput row(String tracking, String pkg) {
        return new ManifestInput(tracking, LocalDate.of(2024, 5, 1), "T1", "C1", "G1", pkg,
                new BigDecimal("1.250"), new BigDecimal("10.00"), null, null, null);
    }

    private ImportReport upload(String p, int n, Function<Integer, String> pkg) {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (int i = 0; i < n; i++) {
            lines.add(ManifestImportApiContract.row(p + String.format("%05d", i), pkg.apply(i)));
        }
        byte[] csv = ImportFixtures.utf8(lines.toArray(String[]::new));
        return ((ManifestImportService.Finished) imports.upload(
                new MockMultipartFile("file", p + ".csv", "text/csv", csv), false, false, Locale.CHINA, "admin"))
                .report();
    }

    private Map<String, Long> entries(String p, String operation) {
        return jdbc.sql("SELECT tracking_number FROM sync_change_entry WHERE operation = :op AND tracking_number LIKE :p")
                .param("op", operation).param("p", p + "%").query(String.class).list().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static List<String> numbers(String p, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(p + String.format("%05d", i));
        }
        return out;
    }
}
