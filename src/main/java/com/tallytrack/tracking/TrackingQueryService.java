package com.tallytrack.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpStatus;

import com.tallytrack.carrier.CarrierLookup;
import com.tallytrack.carrier.CarrierQuery;
import com.tallytrack.carrier.CarrierResult;
import com.tallytrack.carrier.CarrierService;
import com.tallytrack.carrier.CarrierSubscriptions;
import com.tallytrack.common.ApiException;
import com.tallytrack.common.Messages;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.TrackingNumbers;

/**
 * The intelligent query (智能判断, PRODUCT §2): clean and validate the number, find its manifest through the
 * {@link PackageResolver}, ask the carrier about the package number when the manifest has one (query type
 * {@code package}) or else about the number itself ({@code original}), and shape the answer of PRODUCT §3.
 * Carrier failures are answers ({@code success: false} with an error code), not exceptions.
 */
public class TrackingQueryService implements DisposableBean {

    private static final Pattern COMPANY_CODE = Pattern.compile("[a-z0-9]{1,40}");
    private static final Pattern PHONE = Pattern.compile("[0-9+\\- ]{4,20}");
    private static final Pattern ALPHANUMERIC = Pattern.compile("[A-Z0-9]*");

    private final PackageResolver resolver;
    private final CarrierService carrier;
    private final Messages messages;
    private final TrackingProperties properties;
    private final Clock clock;
    private final ExecutorService batchExecutor;
    private final CarrierSubscriptions subscriptions;

    public TrackingQueryService(PackageResolver resolver, CarrierService carrier, Messages messages,
            TrackingProperties properties, Clock clock) {
        this(resolver, carrier, messages, properties, clock, null);
    }

    /** @param subscriptions subscribes unlinked numbers customers query (issue 10.2); {@code null} for none */
    public TrackingQueryService(PackageResolver resolver, CarrierService carrier, Messages messages,
            TrackingProperties properties, Clock clock, CarrierSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
        this.resolver = resolver;
        this.carrier = carrier;
        this.messages = messages;
        this.properties = properties;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        // one bounded pool for all batches on this node; when its queue is full the request thread helps out
        this.batchExecutor = new ThreadPoolExecutor(properties.batchParallelism(), properties.batchParallelism(),
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(properties.batchMaxSize() * 20), r -> {
                    Thread t = new Thread(r, "tracking-batch-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** One query; invalid input is refused with 400 {@code INVALID_TRACKING_NUMBER} (or the company / phone code). */
    public TrackingQueryResult query(String trackingNumber, String companyCode, String phone) {
        String cleaned = TrackingNumbers.clean(trackingNumber);
        String problem = TrackingNumbers.problem(cleaned);
        if (problem != null) {
            throw invalidNumber(problem);
        }
        return query(trackingNumber, cleaned, checkedCompany(companyCode), checkedPhone(phone),
                LocaleContextHolder.getLocale());
    }

    /** Refuses an empty batch or one over {@code tallytrack.query.batch-max-size}, before any work or rate budget. */
    public void checkBatch(List<String> trackingNumbers) {
        if (trackingNumbers == null || trackingNumbers.isEmpty()) {
            throw ApiException.badRequest("INVALID_PARAMETER", Map.of("parameter", "tracking_numbers"),
                    "tracking_numbers");
        }
        if (trackingNumbers.size() > properties.batchMaxSize()) {
            throw ApiException.badRequest("BATCH_TOO_LARGE", Map.of("limit", properties.batchMaxSize(),
                    "property", "tallytrack.query.batch-max-size"), String.valueOf(properties.batchMaxSize()),
                    "tallytrack.query.batch-max-size");
        }
    }

    /** Many queries, run in parallel with a bound; an invalid number gives a failed entry, not a failed batch. */
    public BatchQueryResult batch(List<String> trackingNumbers, String companyCode) {
        checkBatch(trackingNumbers);
        String company = checkedCompany(companyCode);
        Locale locale = LocaleContextHolder.getLocale();
        List<CompletableFuture<TrackingQueryResult>> futures = new ArrayList<>();
        for (String raw : trackingNumbers) {
            String cleaned = TrackingNumbers.clean(raw);
            String problem = TrackingNumbers.problem(cleaned);
            if (problem != null) {
                futures.add(CompletableFuture.completedFuture(invalidEntry(raw, cleaned, problem, locale)));
            } else {
                futures.add(CompletableFuture.supplyAsync(() -> query(raw, cleaned, company, null, locale),
                        batchExecutor));
            }
        }
        List<TrackingQueryResult> results = futures.stream().map(CompletableFuture::join).toList();
        int ok = (int) results.stream().filter(TrackingQueryResult::success).count();
        return new BatchQueryResult(results.size(), ok, results.size() - ok, results);
    }

    public ValidationResult validate(String trackingNumber) {
        String cleaned = TrackingNumbers.clean(trackingNumber);
        String problem = TrackingNumbers.problem(cleaned);
        String shown = cleaned != null && ALPHANUMERIC.matcher(cleaned).matches() ? cleaned : null;
        return new ValidationResult(problem == null, shown,
                problem == null ? List.of() : List.of(messages.get("tracking.problem." + problem)));
    }

    private TrackingQueryResult query(String original, String cleaned, String company, String phone, Locale locale) {
        Optional<Manifest> manifest = resolver.resolve(cleaned);
        boolean viaPackage = manifest.map(Manifest::hasPackage).orElse(false);
        String queryNumber = viaPackage ? manifest.get().packageNumber() : cleaned;
        CarrierLookup lookup = carrier.track(new CarrierQuery(queryNumber, company, phone));
        Instant now = clock.instant();
        CarrierResult result = lookup.result();
        subscribeQueried(viaPackage, queryNumber, lookup);
        TrackingQueryResult.TrackingInfo info = result == null ? null : new TrackingQueryResult.TrackingInfo(
                result.companyCode(), result.companyName(), result.state(), stateText(result.state(), locale),
                result.signed(),
                result.tracks().stream()
                        .map(t -> new TrackingQueryResult.Track(t.time(), t.location(), t.description(),
                                t.milestone()))
                        .toList(),
                result.milestone());
        String error = lookup.success() ? null : messages.get(locale, lookup.errorMessageKey());
        Long age = lookup.cached() && lookup.fetchedAt() != null
                ? Math.max(0, Duration.between(lookup.fetchedAt(), now).toSeconds()) : null;
        return new TrackingQueryResult(lookup.success(), original, cleaned, queryNumber,
                viaPackage ? TrackingQueryResult.QUERY_TYPE_PACKAGE : TrackingQueryResult.QUERY_TYPE_ORIGINAL,
                viaPackage, manifest.map(TrackingQueryResult.ManifestInfo::of).orElse(null), info, error,
                lookup.errorCode() == null ? null : lookup.errorCode().name(), now, lookup.cached(), lookup.stale(),
                lookup.cached() ? lookup.fetchedAt() : null, age, lookup.simulated(), lookup.source());
    }

    /**
     * Carrier push (issue 10.2, the carrier engineer's hook): an unlinked number the carrier just answered for (a
     * real call, not a cache hit: one cheap insert per carrier call) and that is not final gets subscribed, so its
     * later changes are pushed instead of polled. Linked package numbers are subscribed by the push module.
     */
    private void subscribeQueried(boolean viaPackage, String queryNumber, CarrierLookup lookup) {
        if (subscriptions == null || viaPackage || !lookup.success() || lookup.cached()
                || lookup.result().isFinal()) {
            return;
        }
        try {
            subscriptions.subscribe(queryNumber, lookup.result().companyCode());
        } catch (RuntimeException e) {
            // the answer matters more than the subscription; the next carrier call tries again
            org.slf4j.LoggerFactory.getLogger(TrackingQueryService.class)
                    .warn("subscribing {} failed: {}", queryNumber, e.toString());
        }
    }

    private String stateText(String state, Locale locale) {
        return messages.get(locale, "carrier.state." + (state == null ? "unknown" : state));
    }

    private TrackingQueryResult invalidEntry(String raw, String cleaned, String problem, Locale locale) {
        boolean plain = cleaned != null && ALPHANUMERIC.matcher(cleaned).matches();
        return new TrackingQueryResult(false, plain ? echo(raw.strip()) : null, plain ? echo(cleaned) : null, null,
                null, false,
                null, null, messages.get(locale, "tracking.problem." + problem), "INVALID_TRACKING_NUMBER",
                clock.instant(), false, false, null, null, carrier.simulated(), null);
    }

    /** An entry echoed back is cut at the longest valid number: a batch of huge entries gets a small answer. */
    private static String echo(String text) {
        return text.length() <= TrackingNumbers.MAX_LENGTH ? text : text.substring(0, TrackingNumbers.MAX_LENGTH) + "…";
    }

    private static ApiException invalidNumber(String problem) {
        // the reason code only: the input itself is never echoed, so no markup can come back
        return new ApiException(HttpStatus.BAD_REQUEST, "INVALID_TRACKING_NUMBER", Map.of("reason", problem));
    }

    private static String checkedCompany(String companyCode) {
        if (companyCode == null || companyCode.isBlank()) {
            return CarrierQuery.AUTO;
        }
        String code = companyCode.strip().toLowerCase(Locale.ROOT);
        if (!COMPANY_CODE.matcher(code).matches()) {
            throw ApiException.badRequest("INVALID_COMPANY_CODE", null);
        }
        return code;
    }

    private static String checkedPhone(String phone) {
        if (phone == null || phone.isBlank()) {
            return null;
        }
        if (!PHONE.matcher(phone.strip()).matches()) {
            throw ApiException.badRequest("INVALID_PHONE", null);
        }
        return phone.strip();
    }

    @Override
    public void destroy() {
        batchExecutor.shutdownNow();
    }
}
