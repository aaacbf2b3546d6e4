-- The public query's rate limit across nodes (issue 12.2): tracking numbers queried per client address per
-- one-minute window (window = minutes since the epoch), summed over the nodes. Each node adds its own use about
-- once a second and reads the totals back; the query itself never waits for this table.
CREATE TABLE query_rate_usage (
    client_ip VARCHAR(64) NOT NULL,
    window_id BIGINT      NOT NULL,
    used      INT         NOT NULL,
    CONSTRAINT pk_query_rate_usage PRIMARY KEY (client_ip, window_id)
);
CREATE INDEX idx_query_rate_usage_window ON query_rate_usage (window_id);
