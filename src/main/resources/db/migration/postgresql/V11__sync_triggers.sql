-- Change-log capture on PostgreSQL: every write to cargo_manifest, from the application or from any other
-- program (psql, an ERP), appends to sync_change_log in the writing transaction.
--
-- Ordering: a BEFORE STATEMENT trigger takes a transaction-scoped advisory lock before the statement touches a
-- row, and the lock is released only after commit (after the rows became visible). Sequence values are
-- therefore taken in commit order, and a tailer reading "seq > last applied" never skips a slower transaction.
-- Taking the lock before any row lock keeps the order "append lock, then row locks" in every writer, so the
-- lock adds no deadlock between writers. The cost: writes to cargo_manifest are serialised cluster-wide.
--
-- Node id: the connection's application_name (each TallyTrack node sets its node id there); other programs
-- appear under their own application_name, or 'external'.
--
-- Wake-up: pg_notify once per statement with an empty payload; PostgreSQL folds identical notifications of a
-- transaction into one and delivers them only at commit, so a rolled-back change announces nothing.

CREATE FUNCTION sync_change_log_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7461100117);
    RETURN NULL;
END;
$$;

CREATE FUNCTION sync_node_id() RETURNS varchar LANGUAGE sql STABLE AS $$
    SELECT left(coalesce(nullif(current_setting('application_name', true), ''), 'external'), 100)
$$;

CREATE FUNCTION sync_log_manifest_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, operation, tracking_number, package_number, manifest_id, node_id, changed_at)
    SELECT nextval('sync_change_seq'), 'insert', n.tracking_number, n.package_number, n.id, sync_node_id(),
           clock_timestamp()
    FROM new_rows n ORDER BY n.id;
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;

CREATE FUNCTION sync_log_manifest_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, operation, tracking_number, previous_tracking_number, package_number,
                                 previous_package_number, manifest_id, node_id, changed_at)
    SELECT nextval('sync_change_seq'), 'update', n.tracking_number,
           CASE WHEN o.tracking_number IS DISTINCT FROM n.tracking_number THEN o.tracking_number END,
           n.package_number, o.package_number, n.id, sync_node_id(), clock_timestamp()
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE ROW(n.*) IS DISTINCT FROM ROW(o.*)
    ORDER BY n.id;
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;

CREATE FUNCTION sync_log_manifest_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, operation, tracking_number, previous_package_number, manifest_id, node_id,
                                 changed_at)
    SELECT nextval('sync_change_seq'), 'delete', o.tracking_number, o.package_number, o.id, sync_node_id(),
           clock_timestamp()
    FROM old_rows o ORDER BY o.id;
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;

-- TRUNCATE fires no row triggers: record it as a cluster-wide invalidation.
CREATE FUNCTION sync_log_manifest_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_change_log (seq, operation, node_id, changed_at)
    VALUES (nextval('sync_change_seq'), 'invalidate_all', sync_node_id(), clock_timestamp());
    PERFORM pg_notify('tallytrack_sync', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_cargo_manifest_sync_lock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON cargo_manifest
    FOR EACH STATEMENT EXECUTE FUNCTION sync_change_log_lock();

-- Statement triggers with transition tables: one INSERT ... SELECT per statement instead of one per row, so an
-- import batch of thousands of rows costs one extra statement.
CREATE TRIGGER trg_cargo_manifest_sync_insert AFTER INSERT ON cargo_manifest
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_manifest_insert();
CREATE TRIGGER trg_cargo_manifest_sync_update AFTER UPDATE ON cargo_manifest
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION sync_log_manifest_update();
CREATE TRIGGER trg_cargo_manifest_sync_delete AFTER DELETE ON cargo_manifest
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION sync_log_manifest_delete();
CREATE TRIGGER trg_cargo_manifest_sync_truncate AFTER TRUNCATE ON cargo_manifest
    FOR EACH STATEMENT EXECUTE FUNCTION sync_log_manifest_truncate();
