package com.tallytrack.carrier.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.carrier.CarrierResult;
import com.tallytrack.carrier.CarrierResultStored;
import com.tallytrack.carrier.CarrierTrack;
import com.tallytrack.carrier.Milestone;
import com.tallytrack.carrier.MilestoneChanged;
import com.tallytrack.carrier.Milestones;
import com.tallytrack.carrier.StoredCarrierResult;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Table {@code carrier_result}: the latest carrier answer per query number, shared by every node.
 *
 * <p>A write locks the number's row ({@code SELECT … FOR UPDATE}; a first write inserts, and when another node
 * inserted the same number at the same moment the whole transaction is tried once more, now finding the row to
 * lock), so concurrent writers on several nodes decide one after the other. A result replaces the stored one only
 * when it is newer: a later newest event, or the same newest event with a longer route, or the same route with a
 * different state (Kuaidi100 moves a quiet parcel to 202 without a new event); a final result is never replaced
 * by a non-final one. In the same transaction it publishes {@link CarrierResultStored} and, when the milestone
 * differs from the stored one, {@link MilestoneChanged} — so exactly one writer in the cluster announces a change.
 */
public class CarrierResultStore {

    private static final String COLUMNS = "query_number, company_code, company_name, state, detailed_state, milestone, "
            + "is_final, simulated, tracks, track_count, newest_event_time, last_event, source, received_at";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final MilestoneProperties milestones;
    private final Clock clock;
    private final ObjectMapper json = JsonMapper.builder().build();

    public CarrierResultStore(JdbcClient jdbc, PlatformTransactionManager transactionManager,
            ApplicationEventPublisher events, MilestoneProperties milestones, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.events = events;
        this.milestones = milestones;
        this.clock = clock;
    }

    /** What a write did: whether the given result replaced the stored one, and what is stored now. */
    public record Outcome(boolean replaced, boolean milestoneChanged, StoredCarrierResult current) {
    }

    public Optional<StoredCarrierResult> find(String queryNumber) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM carrier_result WHERE query_number = :n")
                .param("n", queryNumber).query(this::row).optional();
    }

    /**
     * Stores the answer unless the stored one is newer. Runs in its own transaction, or joins the caller's.
     *
     * @param source {@link StoredCarrierResult#SOURCE_QUERY} or {@link StoredCarrierResult#SOURCE_PUSH}
     */
    public Outcome store(String queryNumber, CarrierResult result, String source) {
        for (int attempt = 1;; attempt++) {
            try {
                return transactions.execute(status -> write(queryNumber, result, source));
            } catch (DuplicateKeyException e) {
                // another node inserted this number first; its row exists now, so the next try locks and compares
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    private Outcome write(String queryNumber, CarrierResult given, String source) {
        Instant now = clock.instant();
        Instant newest = Milestones.newestEventTime(given.tracks());
        CarrierResult result = given.withMilestone(
                Milestones.withExpiry(given.milestone(), newest, now, milestones.expireAfter()));
        StoredCarrierResult incoming = new StoredCarrierResult(queryNumber, result, source, now, newest);
        Optional<StoredCarrierResult> locked = jdbc.sql("SELECT " + COLUMNS
                + " FROM carrier_result WHERE query_number = :n FOR UPDATE").param("n", queryNumber).query(this::row)
                .optional();
        Milestone previous = null;
        if (locked.isEmpty()) {
            insert(incoming);
        } else {
            StoredCarrierResult stored = locked.get();
            int order = compare(incoming, stored);
            if (order < 0) {
                return new Outcome(false, false, stored);
            }
            if (order == 0) {
                // the same answer again (a replayed push, a repeated query): nothing changes, except that a query
                // confirms the stored answer is current, which later cache fills count their freshness from
                if (StoredCarrierResult.SOURCE_QUERY.equals(source) && !stored.pushed()) {
                    jdbc.sql("UPDATE carrier_result SET received_at = :at WHERE query_number = :n")
                            .param("at", Timestamp.from(now)).param("n", queryNumber).update();
                    return new Outcome(false, false, new StoredCarrierResult(queryNumber, stored.result(),
                            stored.source(), now, stored.newestEventTime()));
                }
                return new Outcome(false, false, stored);
            }
            previous = stored.result().milestone();
            update(incoming);
        }
        events.publishEvent(new CarrierResultStored(queryNumber));
        boolean changed = previous != result.milestone();
        if (changed) {
            CarrierTrack last = result.tracks().isEmpty() ? null : result.tracks().get(0);
            events.publishEvent(new MilestoneChanged(queryNumber, result.companyCode(), previous, result.milestone(),
                    newest, last == null ? null : last.description(), now));
        }
        return new Outcome(true, changed, incoming);
    }

    /** Positive when {@code a} should replace {@code b}, negative when it is older, 0 when it says the same. */
    static int compare(StoredCarrierResult a, StoredCarrierResult b) {
        boolean aFinal = a.result().isFinal();
        boolean bFinal = b.result().isFinal();
        if (bFinal && !aFinal) {
            return -1;
        }
        if (a.newestEventTime() != null || b.newestEventTime() != null) {
            if (a.newestEventTime() == null) {
                return -1;
            }
            if (b.newestEventTime() == null) {
                return 1;
            }
            int byTime = a.newestEventTime().compareTo(b.newestEventTime());
            if (byTime != 0) {
                return byTime;
            }
        }
        int byLength = Integer.compare(a.result().tracks().size(), b.result().tracks().size());
        if (byLength != 0) {
            return byLength;
        }
        if (aFinal != bFinal) {
            return aFinal ? 1 : -1;
        }
        boolean same = Objects.equals(a.result().state(), b.result().state())
                && Objects.equals(a.result().detailedState(), b.result().detailedState())
                && a.result().milestone() == b.result().milestone()
                && Objects.equals(a.result().companyCode(), b.result().companyCode())
                && a.result().tracks().equals(b.result().tracks());
        return same ? 0 : 1;
    }

    private void insert(StoredCarrierResult s) {
        bind(jdbc.sql("INSERT INTO carrier_result (" + COLUMNS + ") VALUES (:n, :company, :companyName, :state, "
                + ":detailed, :milestone, :final, :simulated, :tracks, :count, :newest, :lastEvent, :source, :at)"), s)
                .update();
    }

    private void update(StoredCarrierResult s) {
        bind(jdbc.sql("UPDATE carrier_result SET company_code = :company, company_name = :companyName, state = :state, "
                + "detailed_state = :detailed, milestone = :milestone, is_final = :final, simulated = :simulated, "
                + "tracks = :tracks, track_count = :count, newest_event_time = :newest, last_event = :lastEvent, "
                + "source = :source, received_at = :at WHERE query_number = :n"), s).update();
    }

    private JdbcClient.StatementSpec bind(JdbcClient.StatementSpec spec, StoredCarrierResult s) {
        CarrierResult r = s.result();
        String lastEvent = r.tracks().isEmpty() ? null : r.tracks().get(0).description();
        if (lastEvent != null && lastEvent.length() > 1000) {
            lastEvent = lastEvent.substring(0, 1000);
        }
        return spec.param("n", s.queryNumber())
                .param("company", truncate(r.companyCode(), 50))
                .param("companyName", truncate(r.companyName(), 100))
                .param("state", truncate(r.state(), 10))
                .param("detailed", truncate(r.detailedState(), 10))
                .param("milestone", r.milestone().wireName())
                .param("final", r.isFinal())
                .param("simulated", r.simulated())
                .param("tracks", tracksJson(r.tracks()))
                .param("count", r.tracks().size())
                .param("newest", s.newestEventTime() == null ? null : Timestamp.from(s.newestEventTime()))
                .param("lastEvent", lastEvent)
                .param("source", s.source())
                .param("at", Timestamp.from(s.receivedAt()));
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private String tracksJson(List<CarrierTrack> tracks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CarrierTrack t : tracks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", t.time());
            m.put("location", t.location());
            m.put("description", t.description());
            m.put("status_code", t.statusCode());
            m.put("milestone", t.milestone() == null ? null : t.milestone().wireName());
            out.add(m);
        }
        return json.writeValueAsString(out);
    }

    private List<CarrierTrack> tracks(String text) {
        List<CarrierTrack> out = new ArrayList<>();
        JsonNode root = json.readTree(text);
        for (JsonNode n : root.values()) {
            out.add(new CarrierTrack(Kuaidi100Results.text(n.get("time")), Kuaidi100Results.text(n.get("location")),
                    Kuaidi100Results.text(n.get("description")), Kuaidi100Results.text(n.get("status_code")),
                    Milestone.fromWireName(Kuaidi100Results.text(n.get("milestone")))));
        }
        return out;
    }

    private StoredCarrierResult row(ResultSet rs, int i) throws SQLException {
        String state = rs.getString("state");
        CarrierResult result = new CarrierResult(rs.getString("company_code"), rs.getString("company_name"), state,
                rs.getString("detailed_state"), "3".equals(state), tracks(rs.getString("tracks")),
                rs.getBoolean("simulated"), Milestone.fromWireName(rs.getString("milestone")));
        Timestamp newest = rs.getTimestamp("newest_event_time");
        return new StoredCarrierResult(rs.getString("query_number"), result, rs.getString("source"),
                rs.getTimestamp("received_at").toInstant(), newest == null ? null : newest.toInstant());
    }
}
