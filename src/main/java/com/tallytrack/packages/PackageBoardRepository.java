package com.tallytrack.packages;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The board's SQL. Set-based: one GROUP BY over {@code cargo_manifest} (index on {@code package_number}) joined
 * with the stored carrier results by primary key, so a page costs two statements however many packages there are
 * (no query per package). The flag rule is one SQL expression, used by the listing and by the flagging scan alike.
 */
@Repository
class PackageBoardRepository {

    /** The flag reason of a stored result: exception first, then stale (not final, no new event since the cutoff). */
    private static final String STALE_SQL =
            "cr.is_final = FALSE AND (cr.milestone = 'expired' OR cr.newest_event_time < :cutoff)";
    static final String REASON_SQL = "CASE WHEN cr.milestone = 'exception' THEN 'exception' WHEN " + STALE_SQL
            + " THEN 'stale' END";
    /** The default order: exception first, then stale, then the rest. */
    private static final String FLAG_RANK_SQL = "CASE WHEN cr.milestone = 'exception' THEN 0 WHEN " + STALE_SQL
            + " THEN 1 ELSE 2 END";

    private static final String FROM = " FROM (SELECT package_number, COUNT(*) AS parcel_count FROM cargo_manifest"
            + " WHERE package_number IS NOT NULL%s GROUP BY package_number) p"
            + " LEFT JOIN carrier_result cr ON cr.query_number = p.package_number";

    static final Map<String, String> SORTABLE = Map.of(
            "package_number", "p.package_number",
            "parcel_count", "p.parcel_count",
            "milestone", "COALESCE(cr.milestone, 'unknown')",
            "last_event_time", "cr.newest_event_time",
            "checked_at", "cr.received_at");

    private final JdbcClient jdbc;

    PackageBoardRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Sort(String column, boolean ascending) {
    }

    /** One page of packages; {@code sort == null} is the default order: exception, stale, then the rest. */
    List<PackageSummary> page(PackageFilter filter, Instant cutoff, Instant now, Sort sort, int offset, int limit) {
        List<PackageSummary> rows = new ArrayList<>();
        stream(filter, cutoff, now, sort, offset, limit, rows::add);
        return rows;
    }

    void stream(PackageFilter filter, Instant cutoff, Instant now, Sort sort, int offset, int limit,
            Consumer<PackageSummary> sink) {
        Query q = where(filter, cutoff, now);
        String order = sort == null
                ? FLAG_RANK_SQL + ", cr.newest_event_time ASC NULLS LAST, p.package_number"
                : SORTABLE.get(sort.column()) + (sort.ascending() ? " ASC NULLS LAST" : " DESC NULLS LAST")
                        + ", p.package_number";
        String sql = "SELECT p.package_number, p.parcel_count, COALESCE(cr.milestone, 'unknown') AS milestone,"
                + " cr.newest_event_time, cr.last_event, cr.received_at, " + REASON_SQL + " AS flag_reason"
                + q.sql() + " ORDER BY " + order + " LIMIT :limit OFFSET :offset";
        JdbcClient.StatementSpec spec = jdbc.sql(sql).params(q.params()).param("limit", limit).param("offset", offset);
        spec.query((org.springframework.jdbc.core.RowCallbackHandler) rs -> sink.accept(summary(rs)));
    }

    long count(PackageFilter filter, Instant cutoff, Instant now) {
        Query q = where(filter, cutoff, now);
        return jdbc.sql("SELECT COUNT(*)" + q.sql()).params(q.params()).query(Long.class).single();
    }

    Optional<PackageSummary> summary(String packageNumber, Instant cutoff) {
        return jdbc.sql("SELECT p.package_number, p.parcel_count, COALESCE(cr.milestone, 'unknown') AS milestone,"
                        + " cr.newest_event_time, cr.last_event, cr.received_at, " + REASON_SQL + " AS flag_reason"
                        + String.format(FROM, " AND package_number = :pkg"))
                .param("pkg", packageNumber).param("cutoff", utc(cutoff))
                .query((rs, n) -> summary(rs)).optional();
    }

    /** A parcel of a package as the drill-down shows it. */
    record Member(long id, String trackingNumber, LocalDate manifestDate, String customerCode, String transportCode,
            String goodsCode, java.math.BigDecimal weight) {
    }

    List<Member> members(String packageNumber, int limit) {
        return jdbc.sql("SELECT id, tracking_number, manifest_date, customer_code, transport_code, goods_code, weight"
                        + " FROM cargo_manifest WHERE package_number = :pkg ORDER BY tracking_number LIMIT :limit")
                .param("pkg", packageNumber).param("limit", limit)
                .query((rs, n) -> new Member(rs.getLong("id"), rs.getString("tracking_number"),
                        rs.getObject("manifest_date", LocalDate.class), rs.getString("customer_code"),
                        rs.getString("transport_code"), rs.getString("goods_code"), rs.getBigDecimal("weight")))
                .list();
    }

    List<String> trackingNumbers(String packageNumber) {
        return jdbc.sql("SELECT tracking_number FROM cargo_manifest WHERE package_number = :pkg"
                + " ORDER BY tracking_number").param("pkg", packageNumber).query(String.class).list();
    }

    /** A package that should be flagged for {@code reason} and is not yet (no row in {@code package_flag}). */
    record Candidate(String packageNumber, String reason, Instant lastEventTime) {
    }

    List<Candidate> unflaggedCandidates(Instant cutoff, String onlyPackage) {
        return jdbc.sql("SELECT x.package_number, x.reason, x.newest_event_time FROM ("
                        + "SELECT cr.query_number AS package_number, " + REASON_SQL + " AS reason, cr.newest_event_time"
                        + " FROM carrier_result cr WHERE EXISTS (SELECT 1 FROM cargo_manifest m"
                        + " WHERE m.package_number = cr.query_number)"
                        + (onlyPackage == null ? "" : " AND cr.query_number = :pkg")
                        + ") x WHERE x.reason IS NOT NULL AND NOT EXISTS (SELECT 1 FROM package_flag f"
                        + " WHERE f.package_number = x.package_number AND f.reason = x.reason)"
                        + " ORDER BY x.package_number")
                .params(onlyPackage == null ? Map.of("cutoff", utc(cutoff))
                        : Map.of("cutoff", utc(cutoff), "pkg", onlyPackage))
                .query((rs, n) -> new Candidate(rs.getString("package_number"), rs.getString("reason"),
                        instant(rs.getObject("newest_event_time", OffsetDateTime.class))))
                .list();
    }

    /** Inserts the flag row; a duplicate key (another node flagged first) propagates to the caller. */
    void insertFlag(Candidate c, Instant now) {
        jdbc.sql("INSERT INTO package_flag (package_number, reason, last_event_time, flagged_at)"
                        + " VALUES (:pkg, :reason, :last, :now)")
                .param("pkg", c.packageNumber()).param("reason", c.reason())
                .param("last", c.lastEventTime() == null ? null : utc(c.lastEventTime()))
                .param("now", utc(now))
                .update();
    }

    /** Removes flags whose reason no longer holds, so that a relapse later is a new flagging. */
    int clearResolvedFlags(Instant cutoff, String onlyPackage) {
        return jdbc.sql("DELETE FROM package_flag WHERE " + (onlyPackage == null ? "" : "package_number = :pkg AND ")
                        + "NOT EXISTS (SELECT 1 FROM carrier_result cr WHERE cr.query_number = package_flag.package_number"
                        + " AND " + REASON_SQL + " = package_flag.reason"
                        + " AND EXISTS (SELECT 1 FROM cargo_manifest m WHERE m.package_number = cr.query_number))")
                .params(onlyPackage == null ? Map.of("cutoff", utc(cutoff))
                        : Map.of("cutoff", utc(cutoff), "pkg", onlyPackage))
                .update();
    }

    private record Query(String sql, Map<String, Object> params) {
    }

    private static Query where(PackageFilter f, Instant cutoff, Instant now) {
        Map<String, Object> params = new java.util.HashMap<>();
        params.put("cutoff", utc(cutoff));
        String inner = "";
        if (f.q() != null) {
            inner = " AND package_number LIKE :q ESCAPE '\\'";
            params.put("q", "%" + f.q().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        StringBuilder where = new StringBuilder();
        if (f.milestone() != null) {
            where.append(" AND COALESCE(cr.milestone, 'unknown') = :milestone");
            params.put("milestone", f.milestone());
        }
        if (f.staleDays() != null) {
            where.append(" AND cr.newest_event_time < :staleSince");
            params.put("staleSince", utc(now.minus(java.time.Duration.ofDays(f.staleDays()))));
        }
        if (f.flagged() != null) {
            where.append(" AND (").append(REASON_SQL).append(f.flagged() ? ") IS NOT NULL" : ") IS NULL");
        }
        String sql = String.format(FROM, inner) + (where.isEmpty() ? "" : " WHERE" + where.substring(4));
        return new Query(sql, params);
    }

    private static PackageSummary summary(ResultSet rs) throws SQLException {
        String reason = rs.getString("flag_reason");
        return new PackageSummary(rs.getString("package_number"), rs.getLong("parcel_count"),
                rs.getString("milestone"), instant(rs.getObject("newest_event_time", OffsetDateTime.class)),
                rs.getString("last_event"), instant(rs.getObject("received_at", OffsetDateTime.class)),
                reason != null, reason);
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
