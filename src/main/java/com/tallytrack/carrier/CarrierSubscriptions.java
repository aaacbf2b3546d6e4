package com.tallytrack.carrier;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * Kuaidi100 subscriptions (订阅推送) of query numbers, for other modules: the push module subscribes every package
 * number a manifest links, the tracking module every unlinked number a customer queried that is not final. A
 * subscribed number is tracked by the carrier, which pushes its route on every change; its stored result is then
 * served without real-time queries. All methods are cheap database calls; the carrier is called by a worker.
 */
public interface CarrierSubscriptions {

    /** True when subscriptions are switched on ({@code tallytrack.carrier.kuaidi100.push.enabled}). */
    boolean enabled();

    /**
     * Subscribes a number once: a number already known (in any state) is left as it is. Does nothing when
     * subscriptions are off.
     *
     * @param companyCode the carrier code, or {@code null} / {@code auto} to let the carrier detect it
     * @return true when a new subscription was recorded
     */
    boolean subscribe(String queryNumber, String companyCode);

    /**
     * {@link #subscribe} for many numbers at once, the carrier detecting each company, with a few statements
     * instead of one per number (an import batch's packages). Numbers that {@link #subscribe} would skip (blank,
     * longer than Kuaidi100's 32 characters) are skipped, repeats count once. Does nothing when subscriptions are
     * off. Call it outside a transaction: each statement commits on its own.
     *
     * @return how many new subscriptions were recorded
     */
    int subscribeAll(Collection<String> queryNumbers);

    /** The number's subscription, if it has one. */
    Optional<Subscription> find(String queryNumber);

    /**
     * Puts the number's subscription back to {@code pending} (due now, attempts and re-subscriptions counted from
     * zero), creating it if needed: an administrator's "subscribe again".
     */
    Subscription resubscribe(String queryNumber);

    /**
     * One number's subscription.
     *
     * @param state      {@code pending}, {@code active}, {@code shutdown}, {@code abort} or {@code failed}
     * @param lastCode   Kuaidi100's last subscribe {@code returnCode} ({@code transport} for a network failure) or
     *                   the last push's status
     */
    record Subscription(String queryNumber, String companyCode, String state, int attempts, int resubscribes,
            String lastCode, String lastMessage, Instant nextAttemptAt, Instant subscribedAt, Instant lastPushAt,
            Instant createdAt, Instant updatedAt) {

        public static final String PENDING = "pending";
        public static final String ACTIVE = "active";
        public static final String SHUTDOWN = "shutdown";
        public static final String ABORT = "abort";
        public static final String FAILED = "failed";
    }
}
