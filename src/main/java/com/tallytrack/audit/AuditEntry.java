package com.tallytrack.audit;

import java.time.Instant;

/** One audit record. {@code summary} holds the before/after summary as short text. */
public record AuditEntry(long id, Instant occurredAt, String username, String action, String target,
        String summary, String clientIp, String requestId) {
}
