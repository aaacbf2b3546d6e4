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
        if (kuaidi100 != null && kuaidi100.push().enabled() == null) {
            // not set: simulated pushes on the embedded default; with Kuaidi100 on only when asked for, since it
            // needs a public callback URL and a salt
            kuaidi100 = kuaidi100.withPush(kuaidi100.push().withEnabled(provider != Provider.KUAIDI100));
        }
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
            @DefaultValue("4") String resultv2,
            @DefaultValue("https://poll.kuaidi100.com/poll") URI subscribeUrl,
            @DefaultValue Push push) {

        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public Kuaidi100 {
            if (push == null) {
                push = Push.defaults();
            }
            if (subscribeUrl == null) {
                subscribeUrl = URI.create("https://poll.kuaidi100.com/poll");
            }
        }

        Kuaidi100 withPush(Push p) {
            return new Kuaidi100(customer, key, queryUrl, autonumberUrl, connectTimeout, readTimeout, resultv2,
                    subscribeUrl, p);
        }

        /** The query-only settings (tests and clients written before subscriptions). */
        public Kuaidi100(String customer, String key, URI queryUrl, URI autonumberUrl, Duration connectTimeout,
                Duration readTimeout, String resultv2) {
            this(customer, key, queryUrl, autonumberUrl, connectTimeout, readTimeout, resultv2, null, null);
        }

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
            if (Boolean.TRUE.equals(push.enabled())) {
                requireHttp(subscribeUrl, "tallytrack.carrier.kuaidi100.subscribe-url");
                push.requireForKuaidi100();
            }
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
     * {@code tallytrack.carrier.kuaidi100.push.*}: subscriptions (订阅) and their callbacks (推送).
     *
     * @param enabled           subscribe numbers and accept callbacks; with the simulator the pushes are simulated.
     *                          Unset: on with the simulator, off with Kuaidi100 (it needs callback-url and salt)
     * @param callbackUrl       the public URL Kuaidi100 posts to, with the deployment's {@code token} query parameter
     * @param salt              the secret Kuaidi100 signs pushes with (sign = UPPER(MD5(param + salt)))
     * @param workerInterval    how often the subscription worker looks for due subscriptions
     * @param batchSize         subscriptions taken per worker run (the rate: batch-size per worker-interval)
     * @param maxAttempts       subscribe requests per subscription on retryable replies (500, timeouts)
     * @param retryBackoff      the wait after the first retryable reply, doubled on each further one
     * @param maxRetryBackoff   the longest wait between retries
     * @param resubscribeDelay  the wait after an {@code abort} push before subscribing again (Kuaidi100: ≥ 30 min)
     * @param maxResubscribes   re-subscriptions after {@code abort} pushes per number
     * @param maxParamSize      the largest callback {@code param} accepted, in characters
     */
    public record Push(
            Boolean enabled,
            URI callbackUrl,
            String salt,
            @DefaultValue("5s") Duration workerInterval,
            @DefaultValue("50") int batchSize,
            @DefaultValue("5") int maxAttempts,
            @DefaultValue("1m") Duration retryBackoff,
            @DefaultValue("1h") Duration maxRetryBackoff,
            @DefaultValue("30m") Duration resubscribeDelay,
            @DefaultValue("3") int maxResubscribes,
            @DefaultValue("524288") int maxParamSize) {

        static final String PREFIX = "tallytrack.carrier.kuaidi100.push.";
        private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,128}");

        public Push {
            requirePositive(workerInterval, PREFIX + "worker-interval");
            requirePositive(retryBackoff, PREFIX + "retry-backoff");
            requirePositive(maxRetryBackoff, PREFIX + "max-retry-backoff");
            if (batchSize < 1 || batchSize > 1000) {
                throw new IllegalArgumentException(PREFIX + "batch-size must be between 1 and 1000");
            }
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw new IllegalArgumentException(PREFIX + "max-attempts must be between 1 and 100");
            }
            if (resubscribeDelay == null || resubscribeDelay.compareTo(CARRIER_MIN_INTERVAL) < 0) {
                throw new IllegalArgumentException(PREFIX + "resubscribe-delay must be at least 30m: Kuaidi100 asks "
                        + "for 30 minutes before a number is subscribed again after an abort");
            }
            if (maxResubscribes < 0 || maxResubscribes > 4) {
                throw new IllegalArgumentException(PREFIX + "max-resubscribes must be between 0 and 4 (Kuaidi100 "
                        + "takes at most 4 subscriptions of a number per month)");
            }
            if (maxParamSize < 1024 || maxParamSize > 10_000_000) {
                throw new IllegalArgumentException(PREFIX + "max-param-size must be between 1024 and 10000000");
            }
        }

        Push withEnabled(boolean on) {
            return new Push(on, callbackUrl, salt, workerInterval, batchSize, maxAttempts, retryBackoff,
                    maxRetryBackoff, resubscribeDelay, maxResubscribes, maxParamSize);
        }

        /** True when subscriptions and pushes are on. */
        public boolean on() {
            return Boolean.TRUE.equals(enabled);
        }

        static Push defaults() {
            return new Push(null, null, null, Duration.ofSeconds(5), 50, 5, Duration.ofMinutes(1), Duration.ofHours(1),
                    Duration.ofMinutes(30), 3, 524288);
        }

        /** The {@code token} query parameter of the callback URL, or {@code null}. */
        public String token() {
            if (callbackUrl == null || callbackUrl.getRawQuery() == null) {
                return null;
            }
            for (String pair : callbackUrl.getRawQuery().split("&")) {
                if (pair.startsWith("token=")) {
                    return java.net.URLDecoder.decode(pair.substring(6), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        void requireForKuaidi100() {
            if (callbackUrl == null || callbackUrl.getHost() == null
                    || !("http".equals(callbackUrl.getScheme()) || "https".equals(callbackUrl.getScheme()))) {
                throw new IllegalArgumentException(PREFIX + "callback-url is required when push is enabled with "
                        + "tallytrack.carrier.provider=kuaidi100: the public http(s) URL of "
                        + "/api/v1/carrier/kuaidi100/callback with ?token=<secret> (environment "
                        + "TALLYTRACK_CARRIER_KUAIDI100_PUSH_CALLBACKURL), or set "
                        + "TALLYTRACK_CARRIER_KUAIDI100_PUSH_ENABLED=false");
            }
            String token = token();
            if (token == null || !TOKEN.matcher(token).matches()) {
                throw new IllegalArgumentException(PREFIX + "callback-url must carry the deployment's token as the "
                        + "query parameter token=<16-128 letters, digits, - or _>, e.g. "
                        + "https://track.example.com/api/v1/carrier/kuaidi100/callback?token=$(openssl rand -hex 24)");
            }
            if (salt == null || salt.length() < 8 || salt.length() > 64) {
                throw new IllegalArgumentException(PREFIX + "salt is required when push is enabled with "
                        + "tallytrack.carrier.provider=kuaidi100: 8-64 characters (environment "
                        + "TALLYTRACK_CARRIER_KUAIDI100_PUSH_SALT)");
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
