package com.tallytrack.tracking;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads the stored carrier results (table {@code carrier_result}, written by the carrier module for every
 * carrier answer and push). Read-only: the journey uses a stored final result instead of asking the carrier again,
 * the package board shows a package's latest stored result.
 */
@Component
public class StoredCarrierResults {

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    StoredCarrierResults(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** One stored result; {@code tracks} newest first, {@code milestone} a {@code Milestone} wire name. */
    public record StoredCarrierResult(
            String queryNumber,
            String companyCode,
            String companyName,
            String state,
            String detailedState,
            String milestone,
            boolean isFinal,
            boolean simulated,
            List<StoredTrack> tracks,
            Instant newestEventTime,
            String lastEvent,
            String source,
            Instant receivedAt) {
    }

    public record StoredTrack(String time, String location, String description, String milestone) {
    }

    public Optional<StoredCarrierResult> find(String queryNumber) {
        return jdbc.sql("SELECT query_number, company_code, company_name, state, detailed_state, milestone, is_final,"
                        + " simulated, tracks, newest_event_time, last_event, source, received_at"
                        + " FROM carrier_result WHERE query_number = :n")
                .param("n", queryNumber)
                .query(this::row)
                .optional();
    }

    private StoredCarrierResult row(ResultSet rs, int n) throws SQLException {
        return new StoredCarrierResult(rs.getString("query_number"), rs.getString("company_code"),
                rs.getString("company_name"), rs.getString("state"), rs.getString("detailed_state"),
                rs.getString("milestone"), rs.getBoolean("is_final"), rs.getBoolean("simulated"),
                tracks(rs.getString("tracks")), instant(rs.getObject("newest_event_time", OffsetDateTime.class)),
                rs.getString("last_event"), rs.getString("source"), instant(rs.getObject("received_at", OffsetDateTime.class)));
    }

    private List<StoredTrack> tracks(String text) {
        List<StoredTrack> tracks = new ArrayList<>();
        try {
            JsonNode array = json.readTree(text);
            if (array != null && array.isArray()) {
                for (JsonNode t : array) {
                    tracks.add(new StoredTrack(text(t, "time"), text(t, "location"), text(t, "description"),
                            text(t, "milestone")));
                }
            }
        } catch (JacksonException e) {
            // a route the carrier module could not have written; show the result without it rather than fail
            return List.of();
        }
        return tracks;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
