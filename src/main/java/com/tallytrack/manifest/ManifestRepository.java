package com.tallytrack.manifest;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** SQL for {@code cargo_manifest}; portable between H2 and PostgreSQL. Only {@link ManifestService} uses it. */
@Repository
class ManifestRepository {

    /** Bind-parameter lists are chunked to this size (PostgreSQL allows 32767 parameters per statement). */
    static final int IN_CHUNK = 1000;

    private static final String COLUMNS = "id, tracking_number, manifest_date, transport_code, customer_code, "
            + "goods_code, package_number, weight, length, width, height, special_fee, version, created_at, updated_at";

    static final RowMapper<Manifest> ROW = ManifestRepository::map;

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;

    ManifestRepository(JdbcClient jdbc, NamedParameterJdbcTemplate named) {
        this.jdbc = jdbc;
        this.named = named;
    }

    Optional<Manifest> findById(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM cargo_manifest WHERE id = :id").param("id", id)
                .query(ROW).optional();
    }

    Optional<Manifest> findByTrackingNumber(String trackingNumber) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM cargo_manifest WHERE tracking_number = :t")
                .param("t", trackingNumber).query(ROW).optional();
    }

    /** The stored rows of these tracking numbers, keyed by tracking number. */
    Map<String, Manifest> findByTrackingNumbers(Collection<String> trackingNumbers) {
        Map<String, Manifest> out = new LinkedHashMap<>();
        List<String> all = List.copyOf(trackingNumbers);
        for (int i = 0; i < all.size(); i += IN_CHUNK) {
            List<String> chunk = all.subList(i, Math.min(all.size(), i + IN_CHUNK));
            jdbc.sql("SELECT " + COLUMNS + " FROM cargo_manifest WHERE tracking_number IN (:t)")
                    .param("t", chunk).query(ROW).list()
                    .forEach(m -> out.put(m.trackingNumber(), m));
        }
        return out;
    }

    List<Manifest> findByIds(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM cargo_manifest WHERE id IN (:ids) ORDER BY id")
                .param("ids", ids).query(ROW).list();
    }

    long insert(ManifestInput m, Instant now) {
        KeyHolder keys = new GeneratedKeyHolder();
        named.update("INSERT INTO cargo_manifest (tracking_number, manifest_date, transport_code, customer_code, "
                + "goods_code, package_number, weight, length, width, height, special_fee, version, created_at, "
                + "updated_at) VALUES (:tracking_number, :manifest_date, :transport_code, :customer_code, "
                + ":goods_code, :package_number, :weight, :length, :width, :height, :special_fee, 0, :now, :now)",
                params(m, now), keys, new String[] {"id"});
        return keys.getKeyAs(Number.class).longValue();
    }

    /** Updates when the stored version is {@code expectedVersion}; false when it moved on (or the row is gone). */
    boolean update(long id, int expectedVersion, ManifestInput m, Instant now) {
        MapSqlParameterSource p = params(m, now).addValue("id", id).addValue("version", expectedVersion);
        return named.update("UPDATE cargo_manifest SET tracking_number = :tracking_number, "
                + "manifest_date = :manifest_date, transport_code = :transport_code, customer_code = :customer_code, "
                + "goods_code = :goods_code, package_number = :package_number, weight = :weight, length = :length, "
                + "width = :width, height = :height, special_fee = :special_fee, version = version + 1, "
                + "updated_at = :now WHERE id = :id AND version = :version", p) == 1;
    }

    boolean delete(long id) {
        return jdbc.sql("DELETE FROM cargo_manifest WHERE id = :id").param("id", id).update() == 1;
    }

    int deleteByIds(Collection<Long> ids) {
        return ids.isEmpty() ? 0
                : jdbc.sql("DELETE FROM cargo_manifest WHERE id IN (:ids)").param("ids", ids).update();
    }

    /** Rows per multi-row INSERT: 13 parameters each, far below PostgreSQL's 32767 per statement. */
    static final int INSERT_CHUNK = 500;

    private static final String INSERT_HEAD = "INSERT INTO cargo_manifest (tracking_number, manifest_date, "
            + "transport_code, customer_code, goods_code, package_number, weight, length, width, height, special_fee, "
            + "version, created_at, updated_at) VALUES ";
    private static final String INSERT_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";

    /**
     * Inserts rows with multi-row {@code INSERT ... VALUES (...), (...)} statements of {@link #INSERT_CHUNK} rows:
     * one round trip per chunk instead of one per row (PostgreSQL's driver does not rewrite batches unless told).
     */
    void insertBatch(List<ManifestInput> rows, Instant now) {
        Timestamp at = Timestamp.from(now);
        for (int from = 0; from < rows.size(); from += INSERT_CHUNK) {
            List<ManifestInput> chunk = rows.subList(from, Math.min(rows.size(), from + INSERT_CHUNK));
            StringBuilder sql = new StringBuilder(INSERT_HEAD.length() + chunk.size() * (INSERT_ROW.length() + 2))
                    .append(INSERT_HEAD);
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(INSERT_ROW);
            }
            named.getJdbcTemplate().update(sql.toString(), ps -> {
                int i = 1;
                for (ManifestInput m : chunk) {
                    ps.setString(i++, m.trackingNumber());
                    ps.setObject(i++, m.manifestDate());
                    ps.setString(i++, m.transportCode());
                    ps.setString(i++, m.customerCode());
                    ps.setString(i++, m.goodsCode());
                    ps.setString(i++, m.packageNumber());
                    ps.setBigDecimal(i++, m.weight());
                    ps.setBigDecimal(i++, m.length());
                    ps.setBigDecimal(i++, m.width());
                    ps.setBigDecimal(i++, m.height());
                    ps.setBigDecimal(i++, m.specialFee());
                    ps.setTimestamp(i++, at);
                    ps.setTimestamp(i++, at);
                }
            });
        }
    }

    /** Updates rows by tracking number in one JDBC batch, bumping their version. */
    void updateBatchByTrackingNumber(List<ManifestInput> rows, Instant now) {
        if (rows.isEmpty()) {
            return;
        }
        SqlParameterSource[] batch = rows.stream().map(m -> params(m, now)).toArray(SqlParameterSource[]::new);
        named.batchUpdate("UPDATE cargo_manifest SET manifest_date = :manifest_date, "
                + "transport_code = :transport_code, customer_code = :customer_code, goods_code = :goods_code, "
                + "package_number = :package_number, weight = :weight, length = :length, width = :width, "
                + "height = :height, special_fee = :special_fee, version = version + 1, updated_at = :now "
                + "WHERE tracking_number = :tracking_number", batch);
    }

    PageResultRows search(ManifestSearch s) {
        MapSqlParameterSource p = new MapSqlParameterSource();
        String where = whereClause(s, p);
        Long total = named.queryForObject("SELECT COUNT(*) FROM cargo_manifest" + where, p, Long.class);
        String order = orderBy(s);
        p.addValue("limit", s.limit()).addValue("offset", (long) (s.page() - 1) * s.limit());
        List<Manifest> rows = named.query("SELECT " + COLUMNS + " FROM cargo_manifest" + where + order
                + " LIMIT :limit OFFSET :offset", p, ROW);
        return new PageResultRows(rows, total == null ? 0 : total);
    }

    record PageResultRows(List<Manifest> rows, long total) {
    }

    /**
     * Every row matching the search criteria (paging ignored), in {@code s.sortBy()} order, handed to the sink
     * one at a time. Rows are fetched in chunks through a cursor, so memory stays flat for any result size; on
     * PostgreSQL that needs the caller's transaction (the driver only streams outside auto-commit).
     */
    void forEachMatching(ManifestSearch s, java.util.function.Consumer<Manifest> sink) {
        MapSqlParameterSource p = new MapSqlParameterSource();
        String where = whereClause(s, p);
        String order = orderBy(s);
        org.springframework.jdbc.core.JdbcTemplate streaming =
                new org.springframework.jdbc.core.JdbcTemplate(named.getJdbcTemplate().getDataSource());
        streaming.setFetchSize(EXPORT_FETCH_SIZE);
        new NamedParameterJdbcTemplate(streaming).query("SELECT " + COLUMNS + " FROM cargo_manifest" + where + order,
                p, (org.springframework.jdbc.core.RowCallbackHandler) rs -> sink.accept(map(rs, 0)));
    }

    static final int EXPORT_FETCH_SIZE = 1000;

    // The same filters as search(); kept as a copy so this file's existing code stays untouched while another
    // change hardens it. TODO(lead): let search() use this too.
    /** sortBy is checked against ManifestSearch.SORTABLE by the service, so it is safe to splice in. */
    private static String orderBy(ManifestSearch s) {
        String direction = s.ascending() ? " ASC" : " DESC";
        return " ORDER BY " + s.sortBy() + direction + ", id" + direction;
    }

    /** The WHERE clause of a search, shared by the paged search and the streamed export. */
    private static String whereClause(ManifestSearch s, MapSqlParameterSource p) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (s.q() != null && !s.q().isBlank()) {
            where.append(" AND (tracking_number LIKE :q ESCAPE '\\' OR package_number LIKE :q ESCAPE '\\')");
            p.addValue("q", "%" + likeEscape(s.q().strip().toUpperCase(Locale.ROOT)) + "%");
        }
        if (s.customerCode() != null && !s.customerCode().isBlank()) {
            where.append(" AND customer_code = :customer");
            p.addValue("customer", s.customerCode().strip());
        }
        if (s.transportCode() != null && !s.transportCode().isBlank()) {
            where.append(" AND transport_code = :transport");
            p.addValue("transport", s.transportCode().strip());
        }
        if (s.packageNumber() != null && !s.packageNumber().isBlank()) {
            where.append(" AND package_number = :package");
            p.addValue("package", TrackingNumbers.cleanPackage(s.packageNumber()));
        }
        if (s.dateFrom() != null) {
            where.append(" AND manifest_date >= :from");
            p.addValue("from", s.dateFrom());
        }
        if (s.dateTo() != null) {
            where.append(" AND manifest_date <= :to");
            p.addValue("to", s.dateTo());
        }
        return where.toString();
    }

    Map<String, Object> overview(LocalDate today) {
        Map<String, Object> out = new LinkedHashMap<>();
        jdbc.sql("SELECT COUNT(*) AS total, COUNT(package_number) AS with_package, "
                + "COUNT(DISTINCT package_number) AS packages, COUNT(DISTINCT customer_code) AS customers, "
                + "MAX(manifest_date) AS latest_date, MAX(updated_at) AS last_updated FROM cargo_manifest")
                .query(rs -> {
                    long total = rs.getLong("total");
                    long withPackage = rs.getLong("with_package");
                    out.put("total_manifests", total);
                    out.put("with_package", withPackage);
                    out.put("without_package", total - withPackage);
                    out.put("distinct_packages", rs.getLong("packages"));
                    out.put("distinct_customers", rs.getLong("customers"));
                    java.sql.Date latest = rs.getDate("latest_date");
                    out.put("latest_manifest_date", latest == null ? null : latest.toLocalDate());
                    Timestamp updated = rs.getTimestamp("last_updated");
                    out.put("last_updated_at", updated == null ? null : updated.toInstant());
                });
        out.put("created_today", jdbc.sql("SELECT COUNT(*) FROM cargo_manifest WHERE created_at >= :start")
                .param("start", Timestamp.valueOf(today.atStartOfDay())).query(Long.class).single());
        List<Map<String, Object>> byDate = new ArrayList<>();
        jdbc.sql("SELECT manifest_date, COUNT(*) AS n FROM cargo_manifest WHERE manifest_date >= :from "
                + "GROUP BY manifest_date ORDER BY manifest_date DESC")
                .param("from", today.minusDays(6))
                .query(rs -> {
                    byDate.add(Map.of("date", rs.getDate("manifest_date").toLocalDate(), "count", rs.getLong("n")));
                });
        out.put("last_7_days", byDate);
        List<Map<String, Object>> customers = new ArrayList<>();
        jdbc.sql("SELECT customer_code, COUNT(*) AS n FROM cargo_manifest GROUP BY customer_code "
                + "ORDER BY n DESC, customer_code LIMIT 10")
                .query(rs -> {
                    customers.add(Map.of("customer_code", rs.getString("customer_code"), "count", rs.getLong("n")));
                });
        out.put("top_customers", customers);
        return out;
    }

    private static MapSqlParameterSource params(ManifestInput m, Instant now) {
        return new MapSqlParameterSource()
                .addValue("tracking_number", m.trackingNumber())
                .addValue("manifest_date", m.manifestDate())
                .addValue("transport_code", m.transportCode())
                .addValue("customer_code", m.customerCode())
                .addValue("goods_code", m.goodsCode())
                .addValue("package_number", m.packageNumber())
                .addValue("weight", m.weight())
                .addValue("length", m.length())
                .addValue("width", m.width())
                .addValue("height", m.height())
                .addValue("special_fee", m.specialFee())
                .addValue("now", Timestamp.from(now));
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Manifest map(ResultSet rs, int row) throws SQLException {
        return new Manifest(
                rs.getLong("id"),
                rs.getString("tracking_number"),
                rs.getObject("manifest_date", LocalDate.class),
                rs.getString("transport_code"),
                rs.getString("customer_code"),
                rs.getString("goods_code"),
                rs.getString("package_number"),
                rs.getBigDecimal("weight"),
                rs.getBigDecimal("length"),
                rs.getBigDecimal("width"),
                rs.getBigDecimal("height"),
                rs.getBigDecimal("special_fee"),
                rs.getInt("version"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
