package com.tallytrack.sync.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.h2.api.Trigger;

/**
 * The H2 side of the change log (PostgreSQL uses PL/pgSQL, see {@code V11__sync_triggers.sql}). H2 creates one
 * instance per {@code CREATE TRIGGER}: the BEFORE statement trigger takes the append lock, the AFTER row trigger
 * appends one entry per changed row, in the writer's transaction.
 *
 * <p>The append lock is a row lock on {@code sync_state}, taken before the statement touches any manifest row and
 * held until commit: sequence values are therefore handed out in commit order (a tailer reading
 * {@code seq > last} never skips a slower transaction), and no writer waits for the lock while holding a row lock
 * another lock holder needs. An update that changed the id is logged as a delete of the old row and an insert of
 * the new one.
 */
public class H2ChangeLogTrigger implements Trigger {

    private boolean statementLock;
    private final Map<String, Integer> columns = new HashMap<>();
    private volatile String nodeId;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
            int type) throws SQLException {
        statementLock = before;
        if (!before) {
            try (ResultSet rs = conn.getMetaData().getColumns(null, schemaName, tableName, null)) {
                while (rs.next()) {
                    columns.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getInt("ORDINAL_POSITION") - 1);
                }
            }
        }
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (statementLock) {
            try (PreparedStatement lock = conn.prepareStatement("SELECT id FROM sync_state WHERE id = 1 FOR UPDATE");
                    ResultSet rs = lock.executeQuery()) {
                rs.next();
            }
            return;
        }
        if (nodeId == null) {
            // set by the node at start-up, before it serves; constant for the life of this trigger instance
            try (PreparedStatement node = conn.prepareStatement("SELECT local_node_id FROM sync_state WHERE id = 1");
                    ResultSet rs = node.executeQuery()) {
                if (rs.next()) {
                    nodeId = rs.getString(1);
                }
            }
        }
        if (oldRow == null) {
            append(conn, "insert", value(newRow, "tracking_number"), null, value(newRow, "package_number"), null,
                    newRow[columns.get("id")]);
        } else if (newRow == null) {
            append(conn, "delete", value(oldRow, "tracking_number"), null, null, value(oldRow, "package_number"),
                    oldRow[columns.get("id")]);
        } else if (Arrays.deepEquals(oldRow, newRow)) {
            return;
        } else if (!Objects.equals(oldRow[columns.get("id")], newRow[columns.get("id")])) {
            // the id itself changed (UPDATE cargo_manifest SET id = ...): the old row is gone and a new one exists,
            // as the PostgreSQL trigger logs it (V21), so both numbers are invalidated
            append(conn, "delete", value(oldRow, "tracking_number"), null, null, value(oldRow, "package_number"),
                    oldRow[columns.get("id")]);
            append(conn, "insert", value(newRow, "tracking_number"), null, value(newRow, "package_number"), null,
                    newRow[columns.get("id")]);
        } else {
            String tracking = value(newRow, "tracking_number");
            String oldTracking = value(oldRow, "tracking_number");
            append(conn, "update", tracking, Objects.equals(tracking, oldTracking) ? null : oldTracking,
                    value(newRow, "package_number"), value(oldRow, "package_number"), newRow[columns.get("id")]);
        }
    }

    private void append(Connection conn, String operation, String tracking, String previousTracking, String pkg,
            String previousPkg, Object id) throws SQLException {
        try (PreparedStatement insert = conn.prepareStatement("INSERT INTO sync_change_log (seq, operation, "
                + "tracking_number, previous_tracking_number, package_number, previous_package_number, manifest_id, "
                + "node_id, changed_at) VALUES (NEXT VALUE FOR sync_change_seq, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, operation);
            insert.setString(2, tracking);
            insert.setString(3, previousTracking);
            insert.setString(4, pkg);
            insert.setString(5, previousPkg);
            insert.setObject(6, id);
            insert.setString(7, nodeId == null ? "h2" : nodeId);
            insert.setObject(8, OffsetDateTime.now(ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    private String value(Object[] row, String column) {
        Object v = row[columns.get(column)];
        return v == null ? null : v.toString();
    }
}
