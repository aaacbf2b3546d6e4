-- Package board flags (issue 11.3): one row per package and reason while the package stays flagged. The primary
-- key is what makes a flagging happen once for the cluster: the node whose INSERT succeeds publishes PackageFlagged,
-- a node that races it gets a duplicate key and publishes nothing. The row is deleted when the reason no longer
-- holds, so a later relapse is a new flagging. Valid on H2 2.x and PostgreSQL.
CREATE TABLE package_flag (
    package_number  VARCHAR(50)              NOT NULL,
    reason          VARCHAR(20)              NOT NULL,
    last_event_time TIMESTAMP WITH TIME ZONE,
    flagged_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_package_flag PRIMARY KEY (package_number, reason),
    CONSTRAINT ck_package_flag_reason CHECK (reason IN ('stale', 'exception'))
);
