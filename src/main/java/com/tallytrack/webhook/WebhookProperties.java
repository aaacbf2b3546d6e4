package com.tallytrack.webhook;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * {@code tallytrack.webhooks.*}: outgoing webhooks.
 *
 * @param allowPrivateTargets     accept targets on loopback, private and link-local addresses (off: SSRF guard)
 * @param deliveryEnabled         this node runs the delivery worker (every node may; the outbox row lock picks one)
 * @param maxUrlLength            longest target URL accepted
 * @param maxEndpoints            most registered endpoints
 * @param resolveTimeout          bound of the DNS look-up of a target host (registration and each delivery)
 * @param connectTimeout          bound of the TCP/TLS connect of one delivery
 * @param readTimeout             bound from the request sent until the response headers arrive
 * @param overallTimeout          bound of one whole delivery call, body included
 * @param responseLogLimit        bytes of the receiver's response body kept in the attempt log (the rest is not read)
 * @param initialBackoff          wait after the first failed attempt
 * @param backoffMultiplier       factor between consecutive waits
 * @param maxBackoff              longest wait between two attempts
 * @param jitter                  the wait varies by ± this fraction, so retries of many events do not arrive together
 * @param disableAfterFailures    consecutive failed attempts after which an endpoint is disabled
 * @param maxConcurrentDeliveries deliveries in flight at once on one node
 * @param pollInterval            how often the worker looks for due outbox rows
 * @param lease                   how long a claimed row stays reserved for the claiming node; longer than one call
 * @param retention               delivered outbox rows and attempt log entries older than this are pruned
 * @param maxTrackingNumbers      most tracking numbers listed in one event's payload (a flag says when cut)
 * @param maxPageSize             largest page of the deliveries log
 */
@Validated
@ConfigurationProperties("tallytrack.webhooks")
public record WebhookProperties(
        @DefaultValue("false") boolean allowPrivateTargets,
        @DefaultValue("true") boolean deliveryEnabled,
        @DefaultValue("2048") @Min(16) @Max(2048) int maxUrlLength,
        @DefaultValue("50") @Min(1) @Max(10000) int maxEndpoints,
        @DefaultValue("5s") @NotNull Duration resolveTimeout,
        @DefaultValue("5s") @NotNull Duration connectTimeout,
        @DefaultValue("10s") @NotNull Duration readTimeout,
        @DefaultValue("15s") @NotNull Duration overallTimeout,
        @DefaultValue("1024") @Min(0) @Max(2000) int responseLogLimit,
        @DefaultValue("30s") @NotNull Duration initialBackoff,
        @DefaultValue("2.0") @DecimalMin("1.0") @DecimalMax("10.0") double backoffMultiplier,
        @DefaultValue("24h") @NotNull Duration maxBackoff,
        @DefaultValue("0.2") @DecimalMin("0.0") @DecimalMax("1.0") double jitter,
        @DefaultValue("12") @Min(1) @Max(1000) int disableAfterFailures,
        @DefaultValue("4") @Min(1) @Max(64) int maxConcurrentDeliveries,
        @DefaultValue("2s") @NotNull Duration pollInterval,
        @DefaultValue("60s") @NotNull Duration lease,
        @DefaultValue("7d") @NotNull Duration retention,
        @DefaultValue("10000") @Min(1) @Max(1000000) int maxTrackingNumbers,
        @DefaultValue("100") @Min(1) @Max(1000) int maxPageSize) {

    @AssertTrue(message = "tallytrack.webhooks timeouts, backoffs, poll-interval and retention must be positive")
    boolean isDurationsPositive() {
        return positive(resolveTimeout) && positive(connectTimeout) && positive(readTimeout)
                && positive(overallTimeout) && positive(initialBackoff) && positive(maxBackoff)
                && positive(pollInterval) && positive(lease) && positive(retention);
    }

    /** A lease shorter than a call would let a second node claim a row that is still being delivered. */
    @AssertTrue(message = "tallytrack.webhooks.lease must be longer than tallytrack.webhooks.overall-timeout "
            + "plus tallytrack.webhooks.resolve-timeout")
    boolean isLeaseLongerThanOneDelivery() {
        return lease == null || overallTimeout == null || resolveTimeout == null
                || lease.compareTo(overallTimeout.plus(resolveTimeout)) > 0;
    }

    @AssertTrue(message = "tallytrack.webhooks.max-backoff must not be shorter than initial-backoff")
    boolean isBackoffRangeValid() {
        return maxBackoff == null || initialBackoff == null || maxBackoff.compareTo(initialBackoff) >= 0;
    }

    private static boolean positive(Duration d) {
        return d == null || (!d.isNegative() && !d.isZero());
    }
}
