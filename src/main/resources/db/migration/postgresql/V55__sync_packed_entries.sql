-- Packed change-log rows (issue 13). The statement triggers of V21 wrote one row per changed manifest: for an
-- import batch of 5,000 rows that is 5,000 index insertions in each of the log's three B-trees, about 390 ms of
-- the 1.15 s its 20 COPYs of a 100,000-row upload took on the database (docs/BENCHMARKS.md, 2026-12-05). Now a
-- statement's changes go into rows of up to 1,000 entries each, the values of the entries as arrays, one row per
-- operation and thousand ids: the 20 COPYs take 0.83 s, against 1.13-1.18 s before and 0.77 s with no log at all.
--
-- Every entry keeps a sequence of its own: the sequence now steps by 1,000 and a row with n entries numbers them
-- seq .. seq + n - 1 (entries <= 1,000 by V54's check, so the numbers of two rows never overlap). Rows written
-- before (one entry each, seq in steps of 1) and the rows ChangeLog appends itself (invalidate_all, carrier_result)
-- are plain: entries = 1, arrays NULL, the values in the scalar columns.
--
-- sync_change_entry is the log one entry per row, with the columns and the meaning of V10's table: read it, not the
-- table, from other programs. ChangeLog reads the rows and unpacks them the same way (its ENTRIES_OF).
ALTER TABLE sync_change_log
    ADD COLUMN tracking_numbers          VARCHAR(50)[],
    ADD COLUMN previous_tracking_numbers VARCHAR(50)[],
    ADD COLUMN package_numbers           VARCHAR(50)[],
    ADD COLUMN previous_package_numbers  VARCHAR(50)[],
    ADD COLUMN manifest_ids              BIGINT[];
-- Out of line but not compressed: compressing five arrays of a few thousand values per statement cost more than
-- the per-row log saved (0.93 s against 0.82 s for the 20 COPYs); a 100,000-row upload's rows take about 4 MB.
ALTER TABLE sync_change_log
    ALTER COLUMN tracking_numbers SET STORAGE EXTERNAL,
    ALTER COLUMN previous_tracking_numbers SET STORAGE EXTERNAL,
    ALTER COLUMN package_numbers SET STORAGE EXTERNAL,
    ALTER COLUMN previous_package_numbers SET STORAGE EXTERNAL,
    ALTER COLUMN manifest_ids SET STORAGE EXTERNAL;
ALTER TABLE sync_change_log ADD CONSTRAINT ck_sync_change_log_packed
    CHECK (tracking_numbers IS NULL OR cardinality(tracking_numbers) = entries);

ALTER SEQUENCE sync_change_seq INCREMENT BY 1000;

CREATE VIEW sync_change_entry AS
SELECT l.seq + u.ord - 1 AS seq, l.xid, l.operation, u.tracking_number, u.previous_tracking_number,
       u.package_number, u.previous_package_number, u.manifest_id, l.node_id, l.changed_at
FROM sync_change_log l
CROSS JOIN LATERAL unnest(
    CASE WHEN l.tracking_numbers IS NULL THEN ARRAY[l.tracking_number] ELSE l.tracking_numbers END,
    CASE WHEN l.tracking_numbers IS NULL THEN ARRAY[l.previous_tracking_number] ELSE l.previous_tracking_numbers END,
    CASE WHEN l.tracking_numbers IS NULL THEN ARRAY[l.package_number] ELSE l.package_numbers END,
    CASE WHEN l.tracking_numbers IS NULL THEN ARRAY[l.previous_package_number] ELSE l.previous_package_numbers END,
    CASE WHEN l.tracking_numbers IS NULL THEN ARRAY[l.manifest_id] ELSE l.manifest_ids END)
    WITH ORDINALITY AS u(tracking_number, previous_tracking_number, package_number, previous_package_number,
                         manifest_id, ord);

-- Rows of one statement are grouped by id / 1000: ids are unique, so a group holds at most 1,000 entries (fewer
-- where the ids do not fill it). The arrays of a row are aggregated in one pass over the same rows, so their n-th
-- values belong to the same manifest; their order is that of the transition table (for a COPY or a multi-row
-- insert, the order of insertion), not sorted: three sorts per row cost 50-100 ms per 100,000 entries and nothing
-- reads entries of one statement in an order. A statement that changed nothing logs nothing.
CREATE OR REPLACE FUNCTION sync_log_manifest_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, xid, operation, entries, tracking_numbers, package_numbers, manifest_ids,
                                 node_id, changed_at)
    SELECT nextval('sync_change_seq'), pg_current_xact_id(), 'insert', count(*), array_agg(n.tracking_number),
           array_agg(n.package_number), array_agg(n.id), sync_node_id(), clock_timestamp()
    FROM new_rows n
    GROUP BY n.id / 1000
    ORDER BY n.id / 1000;
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;

-- As V21: rows paired by id are updates (only those whose values changed), an old row without a partner a delete,
-- a new row without one an insert (a statement that changed the id itself); deletes first, then updates, then
-- inserts, in rows of up to 1,000 of one kind.
CREATE OR REPLACE FUNCTION sync_log_manifest_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, xid, operation, entries, tracking_numbers, previous_tracking_numbers,
                                 package_numbers, previous_package_numbers, manifest_ids, node_id, changed_at)
    SELECT nextval('sync_change_seq'), pg_current_xact_id(), min(c.operation), count(*),
           array_agg(c.tracking_number), array_agg(c.previous_tracking_number), array_agg(c.package_number),
           array_agg(c.previous_package_number), array_agg(c.id), sync_node_id(), clock_timestamp()
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
    GROUP BY c.kind, c.id / 1000
    ORDER BY c.kind, c.id / 1000;
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION sync_log_manifest_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, xid, operation, entries, tracking_numbers, previous_package_numbers,
                                 manifest_ids, node_id, changed_at)
    SELECT nextval('sync_change_seq'), pg_current_xact_id(), 'delete', count(*), array_agg(o.tracking_number),
           array_agg(o.package_number), array_agg(o.id), sync_node_id(), clock_timestamp()
    FROM old_rows o
    GROUP BY o.id / 1000
    ORDER BY o.id / 1000;
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;
