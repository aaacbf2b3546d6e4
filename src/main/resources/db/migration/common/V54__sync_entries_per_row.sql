-- Packed change-log rows (issue 13, V55 on PostgreSQL): a row of sync_change_log may hold several entries, each with
-- a sequence of its own, seq .. seq + entries - 1. Rows written before, and every row on H2, hold one.
ALTER TABLE sync_change_log ADD COLUMN entries INT DEFAULT 1 NOT NULL;
ALTER TABLE sync_change_log ADD CONSTRAINT ck_sync_change_log_entries CHECK (entries BETWEEN 1 AND 1000);
