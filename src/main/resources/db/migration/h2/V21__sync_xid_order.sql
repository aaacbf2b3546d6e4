-- H2 (one embedded node) keeps the sequence order under V11's append lock; the column exists so both vendors
-- share one shape of sync_change_log. It stays NULL here.
ALTER TABLE sync_change_log ADD COLUMN xid BIGINT;
