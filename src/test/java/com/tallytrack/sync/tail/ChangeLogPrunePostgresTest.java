package com.tallytrack.sync.tail;

import static com.tallytrack.sync.SyncTestSupport.insertManifests;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.ContextConfiguration;

import com.tallytrack.support.PostgresInitializer;

/** {@link ChangeLogPruneTest.Base} on the shared embedded PostgreSQL. */
@ContextConfiguration(initializers = PostgresInitializer.class)
class ChangeLogPrunePostgresTest extends ChangeLogPruneTest.Base {

    /**
     * Retention by count is in entries, where the log is packed (V55): keeping the newest 1,500 entries when the
     * newest transaction holds 1,000 and the one before it 2,500 (in rows of up to 1,000) keeps both transactions
     * whole — the 1,500th newest entry lies inside a packed row of the older one, and pruning deletes whole
     * transactions only.
     */
    @Test
    void retentionByCountCountsEntriesOfPackedRows() {
        String older = unique("PKO");
        String newer = unique("PKN");
        insertManifests(jdbc, older, 2_500);
        insertManifests(jdbc, newer, 1_000);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sync_change_log WHERE tracking_numbers[1] LIKE :p")
                .param("p", older + "%").query(Long.class).single()).as("the older transaction is packed")
                .isBetween(3L, 4L);

        sync.catchUp(); // this application's node has applied both (pruning never cuts below what it applied)
        // by count alone: no entry is past the age limit, and no node counts as live, so none holds pruning back
        Instant now = Instant.now();
        changeLog.prune(now.minus(Duration.ofDays(30)), 1_500, now.plus(Duration.ofDays(1)),
                now.minus(Duration.ofDays(1)));

        assertThat(entriesOf(older)).isEqualTo(2_500);
        assertThat(entriesOf(newer)).isEqualTo(1_000);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM sync_change_entry").query(Long.class).single())
                .as("nothing older than the older transaction is kept beyond what ran beside it")
                .isGreaterThanOrEqualTo(3_500);
        // and counting goes by entries, not by rows: keeping the newest 1,000 prunes the older transaction
        // (a background transaction of this application still open from before the older one would hold the
        // horizon below it for its few milliseconds: the prune is repeated until it is past)
        for (int attempt = 0; attempt < 50 && entriesOf(older) > 0; attempt++) {
            changeLog.prune(now.minus(Duration.ofDays(30)), 1_000, now.plus(Duration.ofDays(1)),
                    now.minus(Duration.ofDays(1)));
        }
        assertThat(entriesOf(older)).isZero();
        assertThat(entriesOf(newer)).isEqualTo(1_000);
    }

    private long entriesOf(String prefix) {
        return jdbc.sql("SELECT COUNT(*) FROM sync_change_entry WHERE tracking_number LIKE :p")
                .param("p", prefix + "%").query(Long.class).single();
    }
}
