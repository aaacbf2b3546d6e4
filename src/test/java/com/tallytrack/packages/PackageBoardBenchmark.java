package com.tallytrack.packages;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

import com.tallytrack.support.PostgresInitializer;

/**
 * The board on 100,000 manifests in 2,000 packages (1,500 of them with a stored carrier result, 100 in exception,
 * 200 stale): how long the default page, a filtered page, the CSV-sized listing and a flag scan take, cold (first
 * call) and warm (median of 20). A measurement, not a test (the name keeps it out of the default run); run it with
 * {@code mvn -o test -Dtest='PackageBoardBenchmark*'} and copy the printed table into docs/BENCHMARKS.md.
 */
class PackageBoardBenchmark {

    static final int PACKAGES = 2_000;
    static final int PARCELS_PER_PACKAGE = 50;

    abstract static class Run {
        @Autowired
        JdbcTemplate jdbc;
        @Autowired
        PackageBoard board;
        @Autowired
        PackageFlagging flagging;
        @Autowired
        org.springframework.transaction.support.TransactionTemplate transactions;

        void measure(String database) {
            String prefix = "BM" + Long.toString(System.nanoTime(), 36).toUpperCase();
            long loadStart = System.nanoTime();
            load(prefix);
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            List<String> rows = new ArrayList<>();
            rows.add(time("default page (flagged first, 20 rows)", () -> board.list(
                    new PackageBoard.Criteria(null, null, null, null, null, null), 1, 20)));
            rows.add(time("milestone=in_transit, page 5", () -> board.list(
                    new PackageBoard.Criteria(null, "in_transit", null, null, null, null), 5, 20)));
            rows.add(time("q=fragment, sort by parcel_count", () -> board.list(
                    new PackageBoard.Criteria(prefix + "P01", null, null, null, "parcel_count", "desc"), 1, 20)));
            rows.add(time("all 2,000 rows (export size)", () -> board.list(
                    new PackageBoard.Criteria(null, null, null, null, null, null), 1, 10_000)));
            rows.add(time("flag scan (nothing new)", () -> flagging.scan()));
            StringBuilder out = new StringBuilder("\nPackage board on " + database + ": " + PACKAGES + " packages, "
                    + PACKAGES * PARCELS_PER_PACKAGE + " manifests (loaded in " + String.format("%.1f", loadSeconds)
                    + " s)\n| operation | cold ms | warm median ms |\n| --- | --- | --- |\n");
            rows.forEach(r -> out.append(r).append('\n'));
            System.out.println(out);
        }

        private static String time(String name, Runnable op) {
            long t0 = System.nanoTime();
            op.run();
            double cold = (System.nanoTime() - t0) / 1e6;
            double[] warm = new double[20];
            for (int i = 0; i < warm.length; i++) {
                long s = System.nanoTime();
                op.run();
                warm[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(warm);
            return String.format("| %s | %.1f | %.1f |", name, cold, warm[warm.length / 2]);
        }

        private void load(String prefix) {
            AtomicInteger id = new AtomicInteger();
            List<Object[]> batch = new ArrayList<>();
            Instant now = Instant.now();
            for (int p = 0; p < PACKAGES; p++) {
                String pkg = prefix + "P" + String.format("%05d", p);
                for (int i = 0; i < PARCELS_PER_PACKAGE; i++) {
                    batch.add(new Object[] {prefix + "T" + id.incrementAndGet(), pkg});
                }
                if (batch.size() >= 5_000) {
                    insert(batch, now);
                }
            }
            insert(batch, now);
            List<Object[]> results = new ArrayList<>();
            for (int p = 0; p < 1_500; p++) {
                String milestone = p < 100 ? "exception" : "in_transit";
                Instant event = p >= 100 && p < 300 ? now.minusSeconds(10 * 86_400L) : now.minusSeconds(3_600);
                results.add(new Object[] {prefix + "P" + String.format("%05d", p), milestone,
                        OffsetDateTime.ofInstant(event, ZoneOffset.UTC), OffsetDateTime.ofInstant(now, ZoneOffset.UTC)});
            }
            jdbc.batchUpdate("INSERT INTO carrier_result (query_number, company_code, company_name, state,"
                    + " detailed_state, milestone, is_final, simulated, tracks, track_count, newest_event_time,"
                    + " last_event, source, received_at) VALUES (?, 'ems', 'EMS', '0', NULL, ?, FALSE, TRUE, '[]', 0,"
                    + " ?, 'event', 'query', ?)", results);
            flagging.scan();
        }

        private void insert(List<Object[]> batch, Instant now) {
            OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            List<Object[]> rows = batch.stream().map(b -> new Object[] {b[0], java.sql.Date.valueOf(
                    LocalDate.of(2026, 11, 1)), b[1], at, at}).toList();
            // in a transaction: the H2 change-log trigger may not run under auto-commit
            transactions.executeWithoutResult(s -> jdbc.batchUpdate("INSERT INTO cargo_manifest (tracking_number,"
                    + " manifest_date, transport_code, customer_code, goods_code, package_number, version, created_at,"
                    + " updated_at) VALUES (?, ?, 'T1', 'C1', 'G1', ?, 0, ?, ?)", rows));
            batch.clear();
        }
    }

    @Nested
    @SpringBootTest(properties = "tallytrack.packages.scan-interval=1h")
    @ActiveProfiles("test")
    class OnH2 extends Run {
        @Test
        void board() {
            measure("H2");
        }
    }

    @Nested
    @SpringBootTest(properties = "tallytrack.packages.scan-interval=1h")
    @ActiveProfiles("test")
    @ContextConfiguration(initializers = PostgresInitializer.class)
    class OnPostgres extends Run {
        @Test
        void board() {
            measure("PostgreSQL");
        }
    }
}
