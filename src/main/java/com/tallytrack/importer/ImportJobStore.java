package com.tallytrack.importer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code import_job}: background uploads as every node sees them. */
@Repository
class ImportJobStore {

    /** One stored job. {@code viewJson} is the JSON of the job endpoint; {@code rangesJson} the saved row ranges. */
    record StoredJob(String id, String node, String state, String mode, String fileName, String locale,
            Instant createdAt, Instant heartbeatAt, Instant finishedAt, String viewJson, String rangesJson) {

        boolean finished() {
            return finishedAt != null;
        }
    }

    private static final String ACTIVE = "state IN ('QUEUED', 'RUNNING')";

    private final JdbcClient jdbc;

    ImportJobStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String id, String node, String mode, String fileName, String locale, Instant now, String viewJson) {
        jdbc.sql("INSERT INTO import_job (id, node, state, mode, file_name, locale, created_at, heartbeat_at, "
                + "view_json, saved_row_ranges) VALUES (:id, :node, 'QUEUED', :mode, :f, :l, :now, :now, :v, '[]')")
                .param("id", id).param("node", node).param("mode", mode).param("f", fileName).param("l", locale)
                .param("now", at(now)).param("v", viewJson).update();
    }

    void delete(String id) {
        jdbc.sql("DELETE FROM import_job WHERE id = :id").param("id", id).update();
    }

    /** The latest progress of a job this node runs; a job already marked finished (by another node) stays so. */
    void progress(String id, String state, String viewJson, Instant now) {
        jdbc.sql("UPDATE import_job SET state = :s, view_json = :v, heartbeat_at = :now WHERE id = :id AND "
                + ACTIVE).param("s", state).param("v", viewJson).param("now", at(now)).param("id", id).update();
    }

    /** Called inside the transaction of a batch: it commits exactly when the batch does. */
    void savedRanges(String id, String rangesJson) {
        jdbc.sql("UPDATE import_job SET saved_row_ranges = :r WHERE id = :id").param("r", rangesJson)
                .param("id", id).update();
    }

    /** The end of a job this node ran; answers false if another node had marked it interrupted meanwhile. */
    boolean finish(String id, String state, String viewJson, String rangesJson, Instant now) {
        return jdbc.sql("UPDATE import_job SET state = :s, view_json = :v, saved_row_ranges = :r, finished_at = :now, "
                + "heartbeat_at = :now WHERE id = :id AND " + ACTIVE)
                .param("s", state).param("v", viewJson).param("r", rangesJson).param("now", at(now))
                .param("id", id).update() == 1;
    }

    Optional<StoredJob> find(String id) {
        return jdbc.sql("SELECT * FROM import_job WHERE id = :id").param("id", id).query(ImportJobStore::job)
                .optional();
    }

    /** Unfinished jobs whose node has not beaten since {@code cutoff}. */
    List<StoredJob> stale(Instant cutoff) {
        return jdbc.sql("SELECT * FROM import_job WHERE " + ACTIVE + " AND heartbeat_at < :cutoff")
                .param("cutoff", at(cutoff)).query(ImportJobStore::job).list();
    }

    /**
     * Marks a stale job interrupted, unless its node beat again or it ended meanwhile (then false): of several
     * nodes looking at once, exactly one wins.
     */
    boolean interrupt(String id, Instant cutoff, String viewJson, Instant now) {
        return jdbc.sql("UPDATE import_job SET state = 'INTERRUPTED', view_json = :v, finished_at = :now "
                + "WHERE id = :id AND " + ACTIVE + " AND heartbeat_at < :cutoff")
                .param("v", viewJson).param("now", at(now)).param("id", id).param("cutoff", at(cutoff))
                .update() == 1;
    }

    /** Drops finished jobs past the retention, then the oldest finished ones beyond {@code maxJobs}. */
    int prune(Instant finishedBefore, int maxJobs) {
        int dropped = jdbc.sql("DELETE FROM import_job WHERE finished_at < :before")
                .param("before", at(finishedBefore)).update();
        List<String> excess = jdbc.sql("SELECT id FROM import_job WHERE finished_at IS NOT NULL "
                + "ORDER BY finished_at DESC, id OFFSET :max ROWS").param("max", maxJobs).query(String.class).list();
        for (String id : excess) {
            dropped += jdbc.sql("DELETE FROM import_job WHERE id = :id").param("id", id).update();
        }
        return dropped;
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static StoredJob job(ResultSet rs, int row) throws SQLException {
        return new StoredJob(rs.getString("id"), rs.getString("node"), rs.getString("state"), rs.getString("mode"),
                rs.getString("file_name"), rs.getString("locale"), instant(rs, "created_at"),
                instant(rs, "heartbeat_at"), instant(rs, "finished_at"), rs.getString("view_json"),
                rs.getString("saved_row_ranges"));
    }
}
