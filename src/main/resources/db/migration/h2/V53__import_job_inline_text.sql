-- import_job's two JSON columns as inline text on H2 (the PostgreSQL twin's TEXT is already inline): H2 keeps a CLOB
-- longer than a few hundred bytes in its LOB store, so every progress update of a running job (view_json and
-- saved_row_ranges, once per batch) left an old LOB to free; while H2's LOB cleaner thread freed it, the end of
-- every other statement, each change-log insert of the import among them, had H2 throw and catch a
-- RejectedExecutionException (H2 2.4, LobStorageMap). The JSON stays far below CHARACTER VARYING's maximum length
-- (1,000,000,000 characters): a job view holds at most tallytrack.import.max-errors errors and preview-rows rows.
ALTER TABLE import_job ALTER COLUMN view_json SET DATA TYPE CHARACTER VARYING;
ALTER TABLE import_job ALTER COLUMN saved_row_ranges SET DATA TYPE CHARACTER VARYING;
