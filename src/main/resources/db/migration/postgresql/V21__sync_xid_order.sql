-- No cluster-wide append lock (issue 9, deliver 1). V11 serialised every writer of cargo_manifest with an advisory
-- lock so that sequence values were taken in commit order. Instead, every entry now carries the id of the writing
-- transaction (pg_current_xact_id(), the top-level id even inside a savepoint) and a tailer reads by snapshot
-- visibility, not by "seq > last": an entry is read in the first tailer step whose snapshot sees its transaction
-- as finished. The argument that nothing committed is skipped is in docs/sync.md ("Ordering").
DROP TRIGGER trg_cargo_manifest_sync_lock ON cargo_manifest;
DROP FUNCTION sync_change_log_lock();

ALTER TABLE sync_change_log ADD COLUMN xid xid8;
-- entries written before this migration: transaction id 3 (the first normal id) is visible in every snapshot
UPDATE sync_change_log SET xid = '3'::xid8 WHERE xid IS NULL;
ALTER TABLE sync_change_log ALTER COLUMN xid SET NOT NULL;
CREATE INDEX idx_sync_change_log_xid ON sync_change_log (xid, seq);

CREATE OR REPLACE FUNCTION sync_log_manifest_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, xid, operation, tracking_number, package_number, manifest_id, node_id,
                                 changed_at)
    SELECT nextval('sync_change_seq'), pg_current_xact_id(), 'insert', n.tracking_number, n.package_number, n.id,
           sync_node_id(), clock_timestamp()
    FROM new_rows n ORDER BY n.id;
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;

-- Rows are paired by id. A statement that changed the id itself (UPDATE cargo_manifest SET id = ...) leaves old
-- rows and new rows without a partner: they are logged as a delete of the old row and an insert of the new one,
-- so the old tracking number and the new one are both invalidated.
CREATE OR REPLACE FUNCTION sync_log_manifest_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, xid, operation, tracking_number, previous_tracking_number, package_number,
                                 previous_package_number, manifest_id, node_id, changed_at)
    SELECT nextval('sync_change_seq'), pg_current_xact_id(), c.operation, c.tracking_number,
           c.previous_tracking_number, c.package_number, c.previous_package_number, c.id, sync_node_id(),
           clock_timestamp()
    FROM (
        SELECT 1 AS kind, 'update' AS operation, n.tracking_number,
               CASE WHEN o.tracking_number IS DISTINCT FROM n.tracking_number THEN o.tracking_number END
                   AS previous_tracking_number,
               n.package_number, o.package_number AS previous_package_number, n.id
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE ROW(n.*) IS DISTINCT FROM ROW(o.*)
        UNION ALL
        SELECT 0, 'delete', o.tracking_number, NULL, NULL, o.package_number, o.id
        FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id)
        UNION ALL
        SELECT 2, 'insert', n.tracking_number, NULL, n.package_number, NULL, n.id
        FROM new_rows n WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.id = n.id)
    ) c
    ORDER BY c.kind, c.id;
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION sync_log_manifest_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, xid, operation, tracking_number, previous_package_number, manifest_id, node_id,
                                 changed_at)
    SELECT nextval('sync_change_seq'), pg_current_xact_id(), 'delete', o.tracking_number, o.package_number, o.id,
           sync_node_id(), clock_timestamp()
    FROM old_rows o ORDER BY o.id;
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION sync_log_manifest_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, xid, operation, node_id, changed_at)
    VALUES (nextval('sync_change_seq'), pg_current_xact_id(), 'invalidate_all', sync_node_id(), clock_timestamp());
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;
