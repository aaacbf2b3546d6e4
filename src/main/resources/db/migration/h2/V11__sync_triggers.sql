-- Change-log capture on H2 (the embedded, single-node default): Java triggers, see
-- com.tallytrack.sync.internal.H2ChangeLogTrigger. The statement trigger takes the append lock (a row lock on
-- sync_state, held to commit) before any row is touched; the row trigger appends the entry.
CREATE TRIGGER trg_cargo_manifest_sync_lock BEFORE INSERT, UPDATE, DELETE ON cargo_manifest FOR EACH STATEMENT
    CALL 'com.tallytrack.sync.internal.H2ChangeLogTrigger';
CREATE TRIGGER trg_cargo_manifest_sync AFTER INSERT, UPDATE, DELETE ON cargo_manifest FOR EACH ROW
    CALL 'com.tallytrack.sync.internal.H2ChangeLogTrigger';
