package com.tallytrack.carrier.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.carrier.CarrierResult;
import com.tallytrack.carrier.CarrierService;
import com.tallytrack.carrier.StoredCarrierResult;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Kuaidi100 push (protocol §4.3): checked (token, size, sign, shape, a subscribed number), then stored — result
 * and subscription state in one transaction — and only then acknowledged. The node-local cache is refreshed after
 * the answer on a small executor, so no Redis call (the shared cache) delays the reply; other nodes drop their
 * copies through the change log ({@code CarrierResultStored}) and refill from the table.
 */
public class CallbackService {

    private static final Logger log = LoggerFactory.getLogger(CallbackService.class);

    /** Why a push was refused; the wire name is the metric's {@code reason} tag. */
    public enum Rejection {
        DISABLED(404), BAD_TOKEN(403), MALFORMED(400), OVERSIZED(413), BAD_SIGN(403), UNKNOWN_NUMBER(404);

        private final int status;

        Rejection(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }

        public String reason() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The outcome: accepted, or the rejection. */
    public record Outcome(Rejection rejection) {
        public boolean accepted() {
            return rejection == null;
        }
    }

    private final boolean enabled;
    private final PushSecrets secrets;
    private final CarrierProperties.Push config;
    private final CarrierResultStore results;
    private final SubscriptionStore subscriptions;
    private final CarrierService carrier;
    private final CarrierMetrics metrics;
    private final TransactionTemplate transactions;
    private final ExecutorService after;
    private final ObjectMapper json = JsonMapper.builder().build();

    public CallbackService(boolean enabled, PushSecrets secrets, CarrierProperties.Push config,
            CarrierResultStore results, SubscriptionStore subscriptions, CarrierService carrier,
            CarrierMetrics metrics, PlatformTransactionManager transactionManager, ExecutorService after) {
        this.enabled = enabled;
        this.secrets = secrets;
        this.config = config;
        this.results = results;
        this.subscriptions = subscriptions;
        this.carrier = carrier;
        this.metrics = metrics;
        this.transactions = new TransactionTemplate(transactionManager);
        this.after = after;
    }

    public Outcome receive(String param, String sign, String token) {
        Rejection rejection = process(param, sign, token);
        if (rejection != null) {
            metrics.callback(false, rejection.reason());
            // never the payload: it holds names and phone numbers of recipients
            log.warn("Kuaidi100 push rejected: {}", rejection.reason());
            return new Outcome(rejection);
        }
        return new Outcome(null);
    }

    /** Checks the push and, when it passes, stores it; answers the rejection or {@code null} when stored. */
    private Rejection process(String param, String sign, String token) {
        if (!enabled) {
            return Rejection.DISABLED;
        }
        if (!PushSecrets.same(secrets.token(), token)) {
            return Rejection.BAD_TOKEN;
        }
        if (param == null || param.isBlank()) {
            return Rejection.MALFORMED;
        }
        if (param.length() > config.maxParamSize()) {
            return Rejection.OVERSIZED;
        }
        // over the exact text received, never a re-serialised object (protocol §8.6)
        if (!PushSecrets.same(PushSecrets.sign(param, secrets.salt()), sign)) {
            return Rejection.BAD_SIGN;
        }
        JsonNode root;
        try {
            root = json.readTree(param);
        } catch (RuntimeException e) {
            return Rejection.MALFORMED;
        }
        JsonNode last = root == null ? null : root.get("lastResult");
        if (root == null || !root.isObject() || last == null || !last.isObject()) {
            return Rejection.MALFORMED;
        }
        String nu = Kuaidi100Results.text(last.get("nu"));
        if (nu == null || nu.isBlank() || nu.strip().length() > 50) {
            return Rejection.MALFORMED;
        }
        String number = nu.strip().toUpperCase(Locale.ROOT);
        Optional<com.tallytrack.carrier.CarrierSubscriptions.Subscription> subscription = subscriptions.find(number);
        if (subscription.isEmpty()) {
            return Rejection.UNKNOWN_NUMBER;
        }
        String status = Kuaidi100Results.text(root.get("status"));
        String message = Kuaidi100Results.text(root.get("message"));
        String comNew = Kuaidi100Results.text(root.get("comNew"));
        CarrierResult parsed;
        try {
            parsed = Kuaidi100Results.parse(last, subscription.get().companyCode(), null);
        } catch (RuntimeException e) {
            return Rejection.MALFORMED;
        }
        boolean simulatedPush = carrier.simulated();
        CarrierResult result = simulatedPush ? new CarrierResult(parsed.companyCode(), parsed.companyName(),
                parsed.state(), parsed.detailedState(), parsed.signed(), parsed.tracks(), true) : parsed;
        StoredCarrierResult current = null;
        for (int attempt = 1; current == null; attempt++) {
            try {
                current = transactions.execute(tx -> {
                    CarrierResultStore.Outcome outcome = results.store(number, result,
                            StoredCarrierResult.SOURCE_PUSH);
                    subscriptions.recordPush(number, status, message, comNew, config.resubscribeDelay(),
                            config.maxResubscribes());
                    return outcome.current();
                });
            } catch (org.springframework.dao.DuplicateKeyException e) {
                // another node stored this number's first result at the same moment: the row exists now, so the
                // next try locks it and compares (inside this outer transaction the store cannot retry by itself)
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
        metrics.callback(true, status == null ? "unknown" : status);
        log.info("Kuaidi100 push stored: number {}, status {}", number, status);
        StoredCarrierResult stored = current;
        try {
            after.execute(() -> {
                try {
                    carrier.refreshFromStore(stored);
                } catch (RuntimeException e) {
                    log.warn("cache refresh after push of {} failed: {}", number, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // the stored result is served on the next cache miss anyway
        }
        return null;
    }
}
