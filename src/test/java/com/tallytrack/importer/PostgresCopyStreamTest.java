package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.AbstractList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.support.EmbeddedPostgres;

/**
 * {@link PostgresCopyUpsert#copy} streams a batch to the server in chunks while it formats the rows. Whatever stops
 * it half-way — an exception or an {@code Error} (out of memory while formatting) — must end the COPY, or the
 * connection stays locked in COPY mode and the rollback that follows waits for ever. Against the shared embedded
 * PostgreSQL, on a temporary table of this connection.
 */
class PostgresCopyStreamTest {

    private static final String COPY = "COPY stream_test FROM STDIN (FORMAT csv)";

    @Test
    void rowsOfSeveralChunksArriveWhole() throws Exception {
        try (Connection c = connection()) {
            PostgresCopyUpsert.copy(c, COPY, rows(20_000, -1, null), "");
            assertThat(count(c)).isEqualTo(20_000);
            assertThat(text(c, "SELECT transport_code FROM stream_test WHERE tracking_number = 'S0000019999'"))
                    .isEqualTo("T\"9");
            c.rollback();
        }
    }

    @Test
    void anErrorHalfWayEndsTheCopyAndLeavesTheConnectionUsable() throws Exception {
        assertFailsAndRecovers(new OutOfMemoryError("formatting row 12000"));
    }

    @Test
    void anExceptionHalfWayEndsTheCopyAndLeavesTheConnectionUsable() throws Exception {
        assertFailsAndRecovers(new IllegalStateException("formatting row 12000"));
    }

    private static void assertFailsAndRecovers(Throwable failure) throws Exception {
        try (Connection c = connection()) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                assertThatThrownBy(() -> PostgresCopyUpsert.copy(c, COPY, rows(20_000, 12_000, failure), ""))
                        .isSameAs(failure);
                c.rollback();
                assertThat(text(c, "SELECT 'usable'")).isEqualTo("usable");
            });
        }
    }

    private static Connection connection() throws Exception {
        Connection c = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(), "postgres", "postgres");
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE stream_test (tracking_number VARCHAR(50), manifest_date DATE, "
                    + "transport_code VARCHAR(20), customer_code VARCHAR(20), goods_code VARCHAR(20), "
                    + "package_number VARCHAR(50), weight DECIMAL(10, 3), length DECIMAL(8, 2), width DECIMAL(8, 2), "
                    + "height DECIMAL(8, 2), special_fee DECIMAL(10, 2)) ON COMMIT DROP");
        }
        return c;
    }

    /** {@code n} rows; reading row {@code failAt} throws {@code failure} (an unchecked exception or an Error). */
    private static List<ManifestInput> rows(int n, int failAt, Throwable failure) {
        return new AbstractList<>() {
            @Override
            public ManifestInput get(int i) {
                if (i == failAt) {
                    if (failure instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) failure;
                }
                return new ManifestInput(String.format("S%010d", i), LocalDate.of(2024, 1, 1).plusDays(i % 300),
                        "T\"" + i % 10, "C,1", "G1", i % 10 == 0 ? null : "PKG-" + i / 50, new BigDecimal("1.250"),
                        new BigDecimal("10.50"), null, null, null);
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    private static long count(Connection c) throws Exception {
        return Long.parseLong(text(c, "SELECT COUNT(*) FROM stream_test"));
    }

    private static String text(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
