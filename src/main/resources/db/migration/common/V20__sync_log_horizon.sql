-- Sync without the cluster-wide append lock (issue 9): the positions a node records and the pruned horizon are
-- now transaction ids on PostgreSQL (V21); H2 keeps its sequence order (one embedded node, V11's lock) and leaves
-- these at their defaults. Also a new operation: a stored carrier result (carrier_result) to invalidate per number.

-- The node's durable checkpoint on PostgreSQL: every transaction with a lower id had finished when the node last
-- applied the log (its snapshot's xmin), so everything below it has been applied.
ALTER TABLE sync_node ADD COLUMN applied_xid BIGINT;

-- Entries of transactions with an id below this were pruned (PostgreSQL); a node whose checkpoint is lower may
-- have missed some and resynchronises fully.
ALTER TABLE sync_state ADD COLUMN pruned_xid BIGINT DEFAULT 0 NOT NULL;

ALTER TABLE sync_change_log DROP CONSTRAINT ck_sync_change_log_operation;
ALTER TABLE sync_change_log ADD CONSTRAINT ck_sync_change_log_operation
    CHECK (operation IN ('insert', 'update', 'delete', 'invalidate_all', 'carrier_result'));
