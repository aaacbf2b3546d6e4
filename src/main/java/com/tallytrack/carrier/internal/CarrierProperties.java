package com.tallytrack.carrier.internal;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tallytrack.carrier.*}. Invalid values stop the start-up with a message that names the property, so a
 * misconfigured node never serves (HikariCP's habit). Kuaidi100 credentials are checked only when that provider is
 * selected; the simulator needs none.
 */
@ConfigurationProperties("tallytrack.carrier")
public record CarrierProperties(
        @DefaultValue("simulator") Provider provider,
        @DefaultValue Kuaidi100 kuaidi100,
        @DefaultValue Cache cache,
        @DefaultValue Resilience resilience) {

    /** Kuaidi100 lets one number be queried once per 30 minutes; a shorter cache life would break that rule. */
    public static final Duration CARRIER_MIN_INTERVAL = Duration.ofMinutes(30);
    /** More than 48 queries of one number in 24 h freeze the number's data at Kuaidi100 for a day. */
    public static final int CARRIER_DAILY_MAXIMUM = 48;

    private static final Pattern CUSTOMER = Pattern.compile("[0-9A-Fa-f]{32}");
    private static final Pattern KEY = Pattern.compile("[0-9A-Za-z]{6,64}");

    public CarrierProperties {
        if (provider == Provider.KUAIDI100) {
            kuaidi100.requireCredentials();
        }
    }

    public enum Provider {
        SIMULATOR, KUAIDI100
    }

    /**
     * @param customer      the company id (公司编号) Kuaidi100 assigned: 32 hexadecimal characters
     * @param key           the authorisation key (授权key): letters and digits
     * @param resultv2      the extra-information level asked for; {@code 4} adds locations and detailed states
     */
    public record Kuaidi100(
            String customer,
            String key,
            @DefaultValue("https://poll.kuaidi100.com/poll/query.do") URI queryUrl,
            @DefaultValue("http://www.kuaidi100.com/autonumber/auto") URI autonumberUrl,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("5s") Duration readTimeout,
            @DefaultValue("4") String resultv2) {

        void requireCredentials() {
            if (customer == null || customer.isBlank()) {
                throw new IllegalArgumentException("tallytrack.carrier.kuaidi100.customer is required when "
                        + "tallytrack.carrier.provider=kuaidi100 (environment TALLYTRACK_CARRIER_KUAIDI100_CUSTOMER)");
            }
            if (!CUSTOMER.matcher(customer).matches()) {
                throw new IllegalArgumentException("tallytrack.carrier.kuaidi100.customer is malformed: the Kuaidi100 "
                        + "company id (公司编号) is 32 hexadecimal characters");
            }
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("tallytrack.carrier.kuaidi100.key is required when "
                        + "tallytrack.carrier.provider=kuaidi100 (environment TALLYTRACK_CARRIER_KUAIDI100_KEY)");
            }
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("tallytrack.carrier.kuaidi100.key is malformed: the Kuaidi100 "
                        + "authorisation key (授权key) is 6 to 64 letters and digits");
            }
            requireHttp(queryUrl, "tallytrack.carrier.kuaidi100.query-url");
            requireHttp(autonumberUrl, "tallytrack.carrier.kuaidi100.autonumber-url");
            requirePositive(connectTimeout, "tallytrack.carrier.kuaidi100.connect-timeout");
            requirePositive(readTimeout, "tallytrack.carrier.kuaidi100.read-timeout");
        }

        private static void requireHttp(URI uri, String property) {
            if (uri == null || uri.getHost() == null
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException(property + " must be an absolute http(s) URL");
            }
        }
    }

    /**
     * @param inTransitTtl how long a result of a moving parcel is served from the cache
     * @param finalTtl     how long a signed / returned / refused result is served from the cache
     * @param staleWindow  how old an expired result may be and still be served (marked stale) when the carrier fails
     * @param dailyLimit   carrier requests per number in any 24 hours, across all nodes when Redis is configured
     */
    public record Cache(
            @DefaultValue("30m") Duration inTransitTtl,
            @DefaultValue("6h") Duration finalTtl,
            @DefaultValue("24h") Duration staleWindow,
            @DefaultValue("48") int dailyLimit,
            @DefaultValue("100000") long maxSize,
            @DefaultValue("5s") Duration redisRetryInterval) {

        public Cache {
            requireAtLeastCarrierInterval(inTransitTtl, "tallytrack.carrier.cache.in-transit-ttl");
            requireAtLeastCarrierInterval(finalTtl, "tallytrack.carrier.cache.final-ttl");
            if (staleWindow == null || staleWindow.isNegative() || staleWindow.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("tallytrack.carrier.cache.stale-window must be between 0 and 24h");
            }
            if (dailyLimit < 1 || dailyLimit > CARRIER_DAILY_MAXIMUM) {
                throw new IllegalArgumentException("tallytrack.carrier.cache.daily-limit must be between 1 and "
                        + CARRIER_DAILY_MAXIMUM + " (Kuaidi100 freezes a number queried more often in 24 hours)");
            }
            if (maxSize < 1) {
                throw new IllegalArgumentException("tallytrack.carrier.cache.max-size must be positive");
            }
            requirePositive(redisRetryInterval, "tallytrack.carrier.cache.redis-retry-interval");
        }

        private static void requireAtLeastCarrierInterval(Duration ttl, String property) {
            if (ttl == null || ttl.compareTo(CARRIER_MIN_INTERVAL) < 0) {
                throw new IllegalArgumentException(property + " must be at least 30m: Kuaidi100 allows one query per "
                        + "number every 30 minutes");
            }
        }
    }

    /**
     * @param maxAttempts        tries per carrier request, the first included (only transient failures are retried)
     * @param maxConcurrentCalls carrier requests in flight at once on this node (the bulkhead)
     * @param maxQueuedCalls     requests waiting for a free slot before new ones fail fast as unavailable
     * @param overallTimeout     how long a request waits for the carrier in total, retries included
     */
    public record Resilience(
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("200ms") Duration initialBackoff,
            @DefaultValue("2.0") double backoffMultiplier,
            @DefaultValue("0.5") double jitter,
            @DefaultValue("8") int maxConcurrentCalls,
            @DefaultValue("200") int maxQueuedCalls,
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("20") int slidingWindowSize,
            @DefaultValue("10") int minimumCalls,
            @DefaultValue("30s") Duration openDuration,
            @DefaultValue("2") int halfOpenCalls,
            @DefaultValue("15s") Duration overallTimeout) {

        public Resilience {
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("tallytrack.carrier.resilience.max-attempts must be 1 to 10");
            }
            requirePositive(initialBackoff, "tallytrack.carrier.resilience.initial-backoff");
            if (backoffMultiplier < 1.0) {
                throw new IllegalArgumentException("tallytrack.carrier.resilience.backoff-multiplier must be >= 1");
            }
            if (jitter < 0.0 || jitter >= 1.0) {
                throw new IllegalArgumentException("tallytrack.carrier.resilience.jitter must be in [0, 1)");
            }
            if (maxConcurrentCalls < 1 || maxQueuedCalls < 1) {
                throw new IllegalArgumentException(
                        "tallytrack.carrier.resilience.max-concurrent-calls and max-queued-calls must be positive");
            }
            if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
                throw new IllegalArgumentException(
                        "tallytrack.carrier.resilience.failure-rate-threshold must be in (0, 100]");
            }
            if (slidingWindowSize < 1 || minimumCalls < 1 || halfOpenCalls < 1) {
                throw new IllegalArgumentException("tallytrack.carrier.resilience.sliding-window-size, minimum-calls "
                        + "and half-open-calls must be positive");
            }
            requirePositive(openDuration, "tallytrack.carrier.resilience.open-duration");
            requirePositive(overallTimeout, "tallytrack.carrier.resilience.overall-timeout");
        }
    }

    private static void requirePositive(Duration duration, String property) {
        if (duration == null || duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(property + " must be a positive duration");
        }
    }
}
