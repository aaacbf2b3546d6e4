package com.tallytrack.admin;

import java.time.Instant;

/** An administrator account as the API shows it (never the password hash). */
public record AdminUser(long id, String username, Role role, boolean enabled, Instant lastLoginAt,
        Instant passwordChangedAt, Instant createdAt) {

    /** ADMIN may change data; VIEWER may only read. */
    public enum Role {
        ADMIN, VIEWER
    }
}
