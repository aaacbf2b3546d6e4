package com.tallytrack.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import com.tallytrack.common.PageResult;
import com.tallytrack.common.RequestIds;

/**
 * Appends audit records. Called inside the caller's transaction, so a rolled-back change leaves no record
 * of itself. The actor is the authenticated user unless given.
 */
@Service
public class AuditLog {

    static final int SUMMARY_MAX = 4000;
    static final int MAX_PAGE_SIZE = 200;

    private final JdbcClient jdbc;
    private final Clock clock;

    public AuditLog(JdbcClient jdbc, java.util.Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** Records an action by the current user. */
    public void record(String action, String target, String summary) {
        record(currentUser(), action, target, summary);
    }

    /** Records an action by a named actor (e.g. a failed login, where nobody is authenticated). */
    public void record(String username, String action, String target, String summary) {
        jdbc.sql("INSERT INTO audit_log (occurred_at, username, action, target, summary, client_ip, request_id) "
                + "VALUES (:at, :username, :action, :target, :summary, :ip, :rid)")
                .param("at", Timestamp.from(clock.instant()))
                .param("username", truncate(username, 50))
                .param("action", action)
                .param("target", truncate(target, 200))
                .param("summary", truncate(summary, SUMMARY_MAX))
                .param("ip", truncate(clientIp(), 64))
                .param("rid", RequestIds.current())
                .update();
    }

    /**
     * One page of the log, newest first. {@code action} matches exactly (case-insensitive), {@code username}
     * exactly; either may be blank.
     */
    public PageResult<AuditEntry> search(String action, String username, Integer page, Integer limit) {
        int[] pl = PageResult.clamp(page, limit, 50, MAX_PAGE_SIZE);
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (action != null && !action.isBlank()) {
            where.append(" AND action = :action");
            params.put("action", action.strip().toUpperCase(Locale.ROOT));
        }
        if (username != null && !username.isBlank()) {
            where.append(" AND username = :username");
            params.put("username", username.strip());
        }
        long total = jdbc.sql("SELECT COUNT(*) FROM audit_log" + where).params(params).query(Long.class).single();
        params.put("limit", pl[1]);
        params.put("offset", (long) (pl[0] - 1) * pl[1]);
        List<AuditEntry> rows = jdbc.sql("SELECT id, occurred_at, username, action, target, summary, client_ip, "
                + "request_id FROM audit_log" + where + " ORDER BY occurred_at DESC, id DESC LIMIT :limit OFFSET :offset")
                .params(params)
                .query((rs, n) -> new AuditEntry(rs.getLong("id"), rs.getTimestamp("occurred_at").toInstant(),
                        rs.getString("username"), rs.getString("action"), rs.getString("target"),
                        rs.getString("summary"), rs.getString("client_ip"), rs.getString("request_id")))
                .list();
        return new PageResult<>(rows, pl[0], pl[1], total);
    }

    static String currentUser() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() ? "system" : auth.getName();
    }

    private static String clientIp() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
            return attrs.getRequest().getRemoteAddr();
        }
        return null;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
