package com.tallytrack.tracking;

import static com.tallytrack.support.ObservedStatements.observed;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * What a node learned of the other nodes' use stays right while it shares its own: the check made while a sync
 * has added this node's new use to the table but not yet read the totals back must still count the others in
 * full. (CI, 2026-12-04: QueryRateLimitAcrossNodesTest let an 11th query through, because in that gap the
 * node subtracted its freshly added use from a total read before it was added.)
 */
class SharedQueryUsageTest {

    static final String IP = "10.1.2.3";
    static final int LIMIT = 10;

    SingleConnectionDataSource database;
    SharedQueryUsage usage;
    final List<Runnable> duringReadBack = new ArrayList<>();

    @BeforeEach
    void start() {
        database = new SingleConnectionDataSource(
                "jdbc:h2:mem:rate-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "", true);
        JdbcClient jdbc = JdbcClient.create(database);
        jdbc.sql("CREATE TABLE query_rate_usage (client_ip VARCHAR(64) NOT NULL, window_id BIGINT NOT NULL,"
                + " used INT NOT NULL, PRIMARY KEY (client_ip, window_id))").update();
        // ten seconds into a minute, so that every step of a test is in one window
        Clock clock = Clock.fixed(Instant.parse("2026-12-04T23:10:10Z"), ZoneOffset.UTC);
        // what a test puts in duringReadBack runs as the totals are read back (after this node's use was added)
        DataSource observed = observed(database, sql -> {
            if (sql.startsWith("SELECT client_ip, used")) {
                duringReadBack.forEach(Runnable::run);
            }
        });
        // a sync interval of an hour: only the test's own sync() calls run
        usage = new SharedQueryUsage(JdbcClient.create(observed), Optional.of(clock),
                new QueryRateSyncProperties(Duration.ofHours(1)));
        // another node served the address seven times in this window
        jdbc.sql("INSERT INTO query_rate_usage (client_ip, window_id, used) VALUES (:ip, :w, 7)")
                .param("ip", IP).param("w", usage.window()).update();
    }

    @AfterEach
    void stop() {
        usage.destroy();
        database.destroy();
    }

    @Test
    void theOthersUseCountsInFullWhileThisNodeAddsItsOwn() {
        usage.took(IP, 1);
        usage.sync();
        usage.took(IP, 1);
        usage.took(IP, 1);
        assertThat(usage.allows(IP, 1, LIMIT)).as("7 elsewhere + 3 here + 1 > 10").isFalse();

        List<Boolean> seenDuringReadBack = new ArrayList<>();
        duringReadBack.add(() -> seenDuringReadBack.add(usage.allows(IP, 1, LIMIT)));
        usage.sync();

        assertThat(seenDuringReadBack).as("checked after this node added its 2 and before it read the total")
                .containsExactly(false);
        assertThat(usage.allows(IP, 1, LIMIT)).as("and after the sync").isFalse();
    }

    @Test
    void theLastQueryThatFitsStillPasses() {
        usage.took(IP, 1);
        usage.sync();
        usage.took(IP, 1);
        assertThat(usage.allows(IP, 1, LIMIT)).as("7 + 2 + 1 = 10").isTrue();
        usage.sync();
        assertThat(usage.allows(IP, 1, LIMIT)).isTrue();
        usage.took(IP, 1);
        assertThat(usage.allows(IP, 1, LIMIT)).as("7 + 3 + 1 = 11").isFalse();
    }
}
