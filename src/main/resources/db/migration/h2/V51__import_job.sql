-- Import jobs as cluster state (issue 12.1); the PostgreSQL twin differs only in the CLOB/TEXT types.
-- One row per background upload: which node runs it (node), its state, the latest progress (view_json, the JSON of
-- GET /upload/jobs/{id}), the heartbeat of its node, and the row ranges saved so far (saved_row_ranges, written in
-- the transaction of each batch, so it says exactly which batches committed). Any node answers the job endpoints
-- from here; a job whose node stopped beating is marked INTERRUPTED by another node.
CREATE TABLE import_job (
    id               VARCHAR(36)  PRIMARY KEY,
    node             VARCHAR(64)  NOT NULL,
    state            VARCHAR(20)  NOT NULL,
    mode             VARCHAR(10)  NOT NULL,
    file_name        VARCHAR(255) NOT NULL,
    locale           VARCHAR(20),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at      TIMESTAMP WITH TIME ZONE,
    view_json        CLOB,
    saved_row_ranges CLOB,
    CONSTRAINT ck_import_job_state CHECK (state IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'INTERRUPTED'))
);
CREATE INDEX idx_import_job_state_heartbeat ON import_job (state, heartbeat_at);
CREATE INDEX idx_import_job_finished_at ON import_job (finished_at);
