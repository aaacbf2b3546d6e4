-- Kuaidi100 subscriptions (issue 10.2): one row per subscribed query number. Valid on H2 2.x and PostgreSQL.
-- A worker takes due rows (state pending or abort, next_attempt_at reached) with row locks, leases them by moving
-- next_attempt_at forward, commits, and only then calls the carrier: no network call is made under a row lock.
CREATE TABLE carrier_subscription (
    query_number     VARCHAR(50)  NOT NULL PRIMARY KEY,
    -- the carrier code subscribed with; NULL lets Kuaidi100 detect it (autoCom=1)
    company_code     VARCHAR(50),
    state            VARCHAR(10)  NOT NULL,
    -- subscribe requests sent for the current state (reset when a subscription becomes active)
    attempts         INT          NOT NULL,
    -- re-subscriptions after an abort push (at most tallytrack.carrier.kuaidi100.push.max-resubscribes)
    resubscribes     INT          NOT NULL,
    -- the last reply: Kuaidi100's returnCode (or "transport") and message, or the last push's status
    last_code        VARCHAR(20),
    last_message     VARCHAR(500),
    next_attempt_at  TIMESTAMP WITH TIME ZONE,
    subscribed_at    TIMESTAMP WITH TIME ZONE,
    last_push_at     TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT ck_carrier_subscription_state CHECK (state IN ('pending', 'active', 'shutdown', 'abort', 'failed'))
);
CREATE INDEX idx_carrier_subscription_due ON carrier_subscription (next_attempt_at);
CREATE INDEX idx_carrier_subscription_state ON carrier_subscription (state);
