-- Stored carrier results (issue 10): the latest carrier answer per query number, written by every carrier answer
-- (a real-time query or a subscription push) and read by every node. The carrier-result cache is filled from it,
-- so a restarted or new node serves known results without a carrier call. Valid on H2 2.x and PostgreSQL.
--
-- A row is never replaced by an older result: the writer compares newest_event_time and track_count, and a final
-- (signed, returned, refused) result is not replaced by a non-final one.
CREATE TABLE carrier_result (
    query_number      VARCHAR(50)      NOT NULL PRIMARY KEY,
    company_code      VARCHAR(50),
    company_name      VARCHAR(100),
    -- Kuaidi100's base state and advanced sub-state codes, as the carrier sent them
    state             VARCHAR(10),
    detailed_state    VARCHAR(10),
    -- the normalised milestone (com.tallytrack.carrier.Milestone wire name)
    milestone         VARCHAR(30)      NOT NULL,
    is_final          BOOLEAN          NOT NULL,
    simulated         BOOLEAN          NOT NULL,
    -- the route as JSON (array of {time, location, description, milestone}), newest first
    tracks            VARCHAR(1000000) NOT NULL,
    track_count       INT              NOT NULL,
    -- the carrier's newest event: its time and text (the board's "last event")
    newest_event_time TIMESTAMP WITH TIME ZONE,
    last_event        VARCHAR(1000),
    source            VARCHAR(10)      NOT NULL,
    received_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT ck_carrier_result_source CHECK (source IN ('query', 'push'))
);
CREATE INDEX idx_carrier_result_milestone ON carrier_result (milestone);
CREATE INDEX idx_carrier_result_newest_event_time ON carrier_result (newest_event_time);
