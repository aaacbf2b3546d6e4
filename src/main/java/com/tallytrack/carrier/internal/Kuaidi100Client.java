package com.tallytrack.carrier.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.tallytrack.carrier.CarrierClient;
import com.tallytrack.carrier.CarrierErrorCode;
import com.tallytrack.carrier.CarrierException;
import com.tallytrack.carrier.CarrierQuery;
import com.tallytrack.carrier.CarrierResult;
import com.tallytrack.carrier.CarrierTrack;
import com.tallytrack.carrier.QueryBudget;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.ThreadPoolBulkhead;
import io.github.resilience4j.bulkhead.ThreadPoolBulkheadConfig;
import io.github.resilience4j.bulkhead.ThreadPoolBulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Kuaidi100 (快递100) real-time query API (protocol doc §2, §3): a form POST of {@code customer}, {@code param}
 * and {@code sign} = upper-case MD5 of {@code param + key + customer}, the JSON answer parsed into a
 * {@link CarrierResult}; company auto-detection through the autonumber API when the company is {@code auto}.
 *
 * <p>Every HTTP request runs in a bounded thread pool (the bulkhead: at most {@code max-concurrent-calls} requests
 * in flight, a bounded queue, fail fast beyond it), behind a circuit breaker that counts only transient failures,
 * inside a retry with exponential back-off and jitter for transient failures only. Back-off waits are scheduled on a
 * timer, never slept on a request thread.
 */
public class Kuaidi100Client implements CarrierClient, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Kuaidi100Client.class);
    private static final String FORM = "application/x-www-form-urlencoded; charset=UTF-8";

    private final CarrierProperties.Kuaidi100 config;
    private final HttpClient http;
    private final ObjectMapper json = JsonMapper.builder().build();
    private final ScheduledExecutorService scheduler;
    private final ThreadPoolBulkheadRegistry bulkheads;
    private final ThreadPoolBulkhead bulkhead;
    private final CircuitBreakerRegistry circuitBreakers;
    private final RetryRegistry retries;
    private final CircuitBreaker circuitBreaker;
    private final Retry retry;

    public Kuaidi100Client(CarrierProperties.Kuaidi100 config, CarrierProperties.Resilience resilience) {
        config.requireCredentials();
        this.config = config;
        this.http = HttpClient.newBuilder()
                // plain HTTP/1.1 as the vendor SDKs speak it: no h2c upgrade attempt on the http:// autonumber URL
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kuaidi100-retry");
            t.setDaemon(true);
            return t;
        });
        this.bulkheads = ThreadPoolBulkheadRegistry.of(ThreadPoolBulkheadConfig.custom()
                .coreThreadPoolSize(resilience.maxConcurrentCalls())
                .maxThreadPoolSize(resilience.maxConcurrentCalls())
                .queueCapacity(resilience.maxQueuedCalls())
                .build());
        this.bulkhead = bulkheads.bulkhead("kuaidi100");
        Predicate<Throwable> transientFailure = e -> unwrap(e) instanceof CarrierException c && c.transientFailure();
        this.circuitBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(resilience.failureRateThreshold())
                .slidingWindowSize(resilience.slidingWindowSize())
                .minimumNumberOfCalls(resilience.minimumCalls())
                .waitDurationInOpenState(resilience.openDuration())
                .permittedNumberOfCallsInHalfOpenState(resilience.halfOpenCalls())
                // a "not found" or a refused sign is an answer, not a sign of an unhealthy carrier
                .recordException(transientFailure)
                .build());
        this.circuitBreaker = circuitBreakers.circuitBreaker("kuaidi100");
        this.retries = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(resilience.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(resilience.initialBackoff(),
                        resilience.backoffMultiplier(), resilience.jitter()))
                .retryOnException(transientFailure)
                .build());
        this.retry = retries.retry("kuaidi100");
    }

    @Override
    public String provider() {
        return "kuaidi100";
    }

    @Override
    public boolean simulated() {
        return false;
    }

    public CircuitBreakerRegistry circuitBreakers() {
        return circuitBreakers;
    }

    public RetryRegistry retries() {
        return retries;
    }

    public ThreadPoolBulkheadRegistry bulkheads() {
        return bulkheads;
    }

    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    public Retry retry() {
        return retry;
    }

    @Override
    public CompletableFuture<CarrierResult> query(CarrierQuery query, QueryBudget budget) {
        CompletableFuture<Company> company = query.autoDetect()
                ? resilient(() -> detect(query.number()))
                : CompletableFuture.completedFuture(new Company(query.companyCode(),
                        CarrierCodes.companyName(query.companyCode()), false));
        return company.thenCompose(c -> resilient(() -> track(query, c, budget)))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(toCarrierException(unwrap(e))));
    }

    /** One bulkhead slot per HTTP attempt; retries are scheduled on the timer thread. */
    private <T> CompletableFuture<T> resilient(Supplier<T> attempt) {
        Supplier<CompletionStage<T>> guarded = circuitBreaker.decorateCompletionStage(() -> {
            try {
                return bulkhead.executeSupplier(attempt);
            } catch (BulkheadFullException e) {
                return CompletableFuture.failedFuture(e);
            }
        });
        return retry.executeCompletionStage(scheduler, guarded).toCompletableFuture();
    }

    private CarrierResult track(CarrierQuery query, Company company, QueryBudget budget) {
        String param = queryParam(query, company.code());
        String body = form(Map.of("customer", config.customer(), "sign", sign(param, config.key(), config.customer()),
                "param", param));
        if (!budget.tryAcquire()) {
            throw new CarrierException(CarrierErrorCode.RATE_LIMITED, false, "carrier.error.DAILY_LIMIT",
                    "daily query budget of the number is used up", null);
        }
        JsonNode root = post(config.queryUrl(), body);
        if (!root.isObject()) {
            throw new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, true, "query answer is not an object");
        }
        String returnCode = text(root.get("returnCode"));
        if (returnCode != null && !returnCode.isBlank()) {
            throw queryError(returnCode.strip(), company);
        }
        return parseTrack(root, company);
    }

    private String queryParam(CarrierQuery query, String companyCode) {
        Map<String, Object> param = new LinkedHashMap<>();
        param.put("com", companyCode);
        param.put("num", query.number());
        if (query.phone() != null) {
            param.put("phone", query.phone());
        }
        if (config.resultv2() != null && !config.resultv2().isBlank()) {
            param.put("resultv2", config.resultv2());
        }
        param.put("show", "0");
        param.put("order", "desc");
        return json.writeValueAsString(param);
    }

    /** Protocol doc §2.7; keyed on {@code returnCode}, never on the message text. */
    private static CarrierException queryError(String returnCode, Company company) {
        return switch (returnCode) {
            // "找不到对应公司": for a company the caller named, the number is not that carrier's; for one we detected
            // ourselves the request itself was refused, which points at the account
            case "400" -> company.detected()
                    ? new CarrierException(CarrierErrorCode.CARRIER_CONFIG_ERROR, false, "returnCode 400")
                    : new CarrierException(CarrierErrorCode.NOT_FOUND, false, "carrier.error.UNKNOWN_COMPANY",
                            "returnCode 400", null);
            case "408" -> new CarrierException(CarrierErrorCode.NOT_FOUND, false, "carrier.error.PHONE_REQUIRED",
                    "returnCode 408", null);
            case "500" -> new CarrierException(CarrierErrorCode.NOT_FOUND, false, "returnCode 500");
            case "501" -> new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, true, "returnCode 501");
            case "502" -> new CarrierException(CarrierErrorCode.RATE_LIMITED, true, "returnCode 502");
            case "503", "601" -> new CarrierException(CarrierErrorCode.CARRIER_CONFIG_ERROR, false,
                    "returnCode " + returnCode);
            default -> new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, false, "returnCode " + returnCode);
        };
    }

    private CarrierResult parseTrack(JsonNode root, Company company) {
        return Kuaidi100Results.parse(root, company.code(), company.name());
    }

    /** Protocol doc §3: an array of guesses (most likely first) on success, an object on error. */
    private Company detect(String number) {
        JsonNode root = post(config.autonumberUrl(), form(Map.of("num", number, "key", config.key())));
        if (root.isArray()) {
            for (JsonNode guess : root.values()) {
                String code = text(guess.get("comCode"));
                if (code != null && !code.isBlank()) {
                    String name = text(guess.get("name"));
                    String normalized = code.strip().toLowerCase(Locale.ROOT);
                    return new Company(normalized,
                            name == null || name.isBlank() ? CarrierCodes.companyName(normalized) : name, true);
                }
            }
            throw new CarrierException(CarrierErrorCode.NOT_FOUND, false, "carrier.error.UNKNOWN_COMPANY",
                    "auto-detection found no carrier", null);
        }
        String returnCode = root.isObject() ? text(root.get("returnCode")) : null;
        if (returnCode == null) {
            throw new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, true, "auto-detection answer unreadable");
        }
        throw switch (returnCode.strip()) {
            case "201" -> new CarrierException(CarrierErrorCode.NOT_FOUND, false,
                    "carrier.error.UNKNOWN_COMPANY", "auto-detection returnCode 201", null);
            case "601", "701" -> new CarrierException(CarrierErrorCode.CARRIER_CONFIG_ERROR, false,
                    "auto-detection returnCode " + returnCode.strip());
            default -> new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, returnCode.startsWith("5"),
                    "auto-detection returnCode " + returnCode.strip());
        };
    }

    private record Company(String code, String name, boolean detected) {
    }

    /** HTTP status other than 200 or a body that is not JSON is a transport failure (protocol doc §2.9). */
    private JsonNode post(URI url, String body) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(config.readTimeout())
                .header("Content-Type", FORM)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, true, "carrier.error.CARRIER_UNAVAILABLE",
                    "timeout", e);
        } catch (IOException e) {
            throw new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, true, "carrier.error.CARRIER_UNAVAILABLE",
                    "I/O: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, false, "interrupted");
        }
        int status = response.statusCode();
        if (status != 200) {
            if (status == 429) {
                throw new CarrierException(CarrierErrorCode.RATE_LIMITED, true, "HTTP 429");
            }
            throw new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, status >= 500, "HTTP " + status);
        }
        try {
            return json.readTree(response.body());
        } catch (JacksonException e) {
            throw new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, true, "carrier.error.CARRIER_UNAVAILABLE",
                    "answer is not JSON", e);
        }
    }

    private static CarrierException toCarrierException(Throwable e) {
        if (e instanceof CarrierException c) {
            return c;
        }
        if (e instanceof CallNotPermittedException) {
            return new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, false, "circuit open");
        }
        if (e instanceof BulkheadFullException) {
            return new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, false, "too many carrier calls queued");
        }
        log.warn("carrier call failed unexpectedly", e);
        return new CarrierException(CarrierErrorCode.CARRIER_UNAVAILABLE, false, "carrier.error.CARRIER_UNAVAILABLE",
                e.getClass().getSimpleName(), e);
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** UPPER(HEX(MD5(UTF-8 bytes of param + key + customer))), protocol doc §2.3. */
    public static String sign(String param, String key, String customer) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] digest = md5.digest((param + key + customer).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    private static String form(Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        // a fixed order keeps requests reproducible in logs and stubs
        for (String name : List.of("customer", "sign", "param", "num", "key")) {
            String value = fields.get(name);
            if (value != null) {
                if (!body.isEmpty()) {
                    body.append('&');
                }
                body.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return body.toString();
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || !node.isValueNode()) {
            return null;
        }
        return node.asString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            bulkhead.close();
        } catch (Exception e) {
            log.debug("bulkhead close", e);
        }
    }
}
