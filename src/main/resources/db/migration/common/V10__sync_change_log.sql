-- Data sync (PRODUCT §5): the durable change log of cargo_manifest, written by database triggers (V11, per vendor)
-- in the same transaction as the change, plus the cluster-wide acknowledgement and the nodes' positions.

-- Sequence values are taken only while holding the change-log append lock (see V11), so they are handed out
-- in commit order: a reader that sees seq N has also seen every committed seq below N.
CREATE SEQUENCE sync_change_seq;

CREATE TABLE sync_change_log (
    seq                      BIGINT       NOT NULL PRIMARY KEY,
    operation                VARCHAR(20)  NOT NULL,
    tracking_number          VARCHAR(50),
    -- set when an update changed the tracking number itself: the old number must be invalidated too
    previous_tracking_number VARCHAR(50),
    -- the package number after the change (NULL after a delete) and before it (NULL after an insert)
    package_number           VARCHAR(50),
    previous_package_number  VARCHAR(50),
    manifest_id              BIGINT,
    -- which node (PostgreSQL application_name of the writing connection) or external program wrote it
    node_id                  VARCHAR(100) NOT NULL,
    changed_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT ck_sync_change_log_operation CHECK (operation IN ('insert', 'update', 'delete', 'invalidate_all'))
);
CREATE INDEX idx_sync_change_log_changed_at ON sync_change_log (changed_at);

-- One row: the admin acknowledgement of pending operations, and how far the log has been pruned.
CREATE TABLE sync_state (
    id               INT    NOT NULL PRIMARY KEY,
    acknowledged_seq BIGINT NOT NULL DEFAULT 0,
    acknowledged_at  TIMESTAMP WITH TIME ZONE,
    acknowledged_by  VARCHAR(50),
    pruned_through   BIGINT NOT NULL DEFAULT 0,
    -- H2 only (one in-process node): the node id the H2 trigger records; PostgreSQL uses application_name
    local_node_id    VARCHAR(100),
    CONSTRAINT ck_sync_state_single_row CHECK (id = 1)
);
INSERT INTO sync_state (id) VALUES (1);

-- Each running node's applied position, refreshed by its heartbeat: pruning never removes what a live node
-- still has to apply.
CREATE TABLE sync_node (
    node_id      VARCHAR(100) NOT NULL PRIMARY KEY,
    applied_seq  BIGINT       NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL
);
