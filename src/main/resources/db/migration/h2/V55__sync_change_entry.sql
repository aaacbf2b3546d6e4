-- The change log one entry per row, as PostgreSQL's view of the same name (V55 there) unpacks it. On H2 every row
-- of sync_change_log is one entry (its Java trigger writes one per changed row), so this is the table itself.
CREATE VIEW sync_change_entry AS
SELECT seq, xid, operation, tracking_number, previous_tracking_number, package_number, previous_package_number,
       manifest_id, node_id, changed_at
FROM sync_change_log;
