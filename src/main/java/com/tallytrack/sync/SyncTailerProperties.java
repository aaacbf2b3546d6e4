package com.tallytrack.sync;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;

/**
 * {@code tallytrack.sync.*}: the bounds of the change-log tailer (kept apart from {@link SyncProperties} so the
 * two halves of the sync work can change independently; both bind the same prefix).
 *
 * @param statementTimeout every statement the tailer (and a writer's own catch-up) runs on the change log is
 *                         cancelled after this long; the step fails and is retried with backoff
 * @param socketTimeout    a read on the tailer's connection that gets no byte for this long fails (a blackholed
 *                         network, where a cancel request cannot get through either)
 * @param horizonWarning   health turns {@code warning} when a transaction has held the safe horizon back longer
 * @param stopTimeout      how long {@code stop()} waits for the tailer thread before abandoning it
 * @param resyncNotice     how long health reports {@code FULL_RESYNC} after this node resynchronised fully
 */
@Validated
@ConfigurationProperties("tallytrack.sync")
public record SyncTailerProperties(
        @DefaultValue("10s") @NotNull Duration statementTimeout,
        @DefaultValue("30s") @NotNull Duration socketTimeout,
        @DefaultValue("30s") @NotNull Duration horizonWarning,
        @DefaultValue("5s") @NotNull Duration stopTimeout,
        @DefaultValue("10m") @NotNull Duration resyncNotice) {

    public SyncTailerProperties {
        positive("statement-timeout", statementTimeout);
        positive("socket-timeout", socketTimeout);
        positive("horizon-warning", horizonWarning);
        positive("stop-timeout", stopTimeout);
        positive("resync-notice", resyncNotice);
        if (statementTimeout != null && socketTimeout != null && socketTimeout.compareTo(statementTimeout) <= 0) {
            throw new IllegalArgumentException("tallytrack.sync.socket-timeout (" + socketTimeout
                    + ") must be longer than tallytrack.sync.statement-timeout (" + statementTimeout
                    + "), so a slow statement is cancelled before its connection is given up");
        }
    }

    /** The defaults, for tailers built outside a Spring context (tests). */
    public static SyncTailerProperties defaults() {
        return new SyncTailerProperties(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofMinutes(10));
    }

    private static void positive(String name, Duration value) {
        if (value != null && (value.isZero() || value.isNegative())) {
            throw new IllegalArgumentException("tallytrack.sync." + name + " must be positive, was " + value);
        }
    }
}
