package com.tallytrack.sync.log;

import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

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
import com.tallytrack.sync.SyncTestSupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A page of the packed change log (V55) unpacks only the rows it returns entries of, not every row it could
 * return: a tailer behind by n packed rows must not unpack and sort up to {@code limit} rows of up to 1,000 entries
 * each to return {@code limit} of them (seen in a cold 100,000-row upload on PostgreSQL: the tailer's 130 pages took
 * 978 ms in pg_stat_statements, against 244 ms for the per-row log). Measured by the plan: {@code EXPLAIN ANALYZE}
 * of the page's own statement, the rows its {@code unnest} produced.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
@Import(SyncTestSupport.class)
@ContextConfiguration(initializers = PostgresInitializer.class)
class ChangeLogPagePostgresTest {

    private static final int ROWS = 6_000;
    private static final int LIMIT = 1_000;

    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    ObjectMapper json;

    @Test
    void aPageUnpacksAtMostTheRowsThatHoldItsEntries() {
        ChangeLog changeLog = new ChangeLog(transactionManager, dataSource);
        ChangeLog.Position from = changeLog.head();
        String p = unique("PGC");
        jdbc.sql("INSERT INTO cargo_manifest (tracking_number, manifest_date, transport_code, customer_code, "
                + "goods_code, package_number) SELECT :p || lpad(CAST(g AS text), 5, '0'), DATE '2024-05-01', 'T01', "
                + "'C001', 'G01', :p || 'PK' || (g % 13) FROM generate_series(1, :n) g")
                .param("p", p).param("n", ROWS).update();
        String target = changeLog.stepTarget();

        // from the start of the step, and from the middle of its first row
        ChangeLog.Entry first = changeLog.read(from, target, null, 1).get(0);
        List<ChangeLog.Entry> firstPage = changeLog.read(from, target, null, LIMIT);
        ChangeLog.Entry middle = firstPage.get(LIMIT / 2);
        for (boolean indexScans : new boolean[] {true, false}) {
            for (ChangeLog.Entry after : new ChangeLog.Entry[] {null, first, middle}) {
                long unpacked = unpacked(explain(from, target, after, indexScans));
                // a page of LIMIT entries starts in one row and ends in another: at most LIMIT + 999 unpacked
                assertThat(unpacked).as("entries unpacked for a page of %d after %s (index scans %s)", LIMIT, after,
                        indexScans).isLessThanOrEqualTo(LIMIT + ChangeLog.MAX_ENTRIES_PER_ROW - 1)
                        .isGreaterThanOrEqualTo(LIMIT);
            }
        }
        // and the page is still the full page (the step holds 6,000 entries)
        assertThat(changeLog.read(from, target, middle, LIMIT)).hasSize(LIMIT);
    }

    @Test
    void theAdminListAfterASequenceUnpacksAtMostTheRowsThatHoldItsEntries() {
        String p = unique("PGA");
        SyncTestSupport.insertManifests(jdbc, p, ROWS);
        long firstSeq = jdbc.sql("SELECT MIN(seq) FROM sync_change_entry WHERE tracking_number LIKE :p")
                .param("p", p + "%").query(Long.class).single();
        for (long after : new long[] {firstSeq - 1, firstSeq + 300}) {
            String plan = jdbc.sql("EXPLAIN (ANALYZE, FORMAT JSON) " + ChangeLog.AFTER_POSTGRES)
                    .param("seq", after).param("limit", LIMIT).query(String.class).single();
            assertThat(unpacked(plan)).as("entries unpacked for %d entries after %d", LIMIT, after)
                    .isLessThanOrEqualTo(LIMIT + ChangeLog.MAX_ENTRIES_PER_ROW - 1)
                    .isGreaterThanOrEqualTo(LIMIT);
        }
    }

    /**
     * The plan of a page. Without index scans the planner takes the shape seen in the service (a bitmap scan of the
     * transaction-id index, then a sort of everything the page's rows unpack), whatever this database's other rows.
     */
    private String explain(ChangeLog.Position from, String target, ChangeLog.Entry after, boolean indexScans) {
        return new TransactionTemplate(transactionManager).execute(tx -> {
            if (!indexScans) {
                jdbc.sql("SET LOCAL enable_indexscan = off").update();
            }
            return jdbc.sql("EXPLAIN (ANALYZE, FORMAT JSON) " + ChangeLog.READ_PAGE_POSTGRES)
                    .params(Map.of("fromXmin", from.checkpoint(), "from", from.snapshot(), "target", target,
                            "afterXid", after == null ? 0L : after.xid(),
                            "afterSeq", after == null ? 0L : after.change().sequence(), "limit", LIMIT))
                    .query(String.class).single();
        });
    }

    /** Rows produced by the plan's scans of the unpacking function, over all their loops. */
    private long unpacked(String plan) {
        return unnested(json.readTree(plan).get(0).get("Plan"));
    }

    private static long unnested(JsonNode node) {
        long rows = 0;
        // ChangeLog's ENTRIES_OF_R: unnest(...) WITH ORDINALITY AS u (one function scan of several unnests)
        if ("Function Scan".equals(node.path("Node Type").asString()) && "u".equals(node.path("Alias").asString())) {
            rows += node.path("Actual Rows").asLong() * node.path("Actual Loops").asLong();
        }
        for (JsonNode child : node.path("Plans")) {
            rows += unnested(child);
        }
        return rows;
    }
}
