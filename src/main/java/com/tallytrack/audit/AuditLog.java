package com.tallytrack.audit;

import java.sql.Timestamp;
import java.time.Clock;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import com.tallytrack.common.RequestIds;

/**
 * Appends audit records. Called inside the caller's transaction, so a rolled-back change leaves no record
 * of itself. The actor is the authenticated user unless given.
 */
@Service
public class AuditLog {

    static final int SUMMARY_MAX = 4000;

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
