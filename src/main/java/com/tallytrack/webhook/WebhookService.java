package com.tallytrack.webhook;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.audit.AuditLog;
import com.tallytrack.common.ApiException;
import com.tallytrack.common.FieldViolation;
import com.tallytrack.common.Messages;
import com.tallytrack.common.PageResult;

import tools.jackson.databind.ObjectMapper;

/**
 * Webhook endpoints and the outbox. Admin operations are audited; {@link #enqueue} writes one outbox row per
 * subscribed endpoint inside the caller's transaction, so an event is queued exactly when the change that caused it
 * commits.
 */
@Service
class WebhookService {

    static final String MILESTONE_CHANGED = "milestone.changed";
    static final String PACKAGE_FLAGGED = "package.flagged";
    static final String TEST = "webhook.test";
    /** The event types an endpoint can subscribe to ({@code webhook.test} is sent on request only). */
    static final List<String> SUBSCRIBABLE = List.of(MILESTONE_CHANGED, PACKAGE_FLAGGED);
    static final int SECRET_BYTES = 32;

    private final WebhookRepository repository;
    private final TargetPolicy targets;
    private final AuditLog audit;
    private final Messages messages;
    private final WebhookProperties properties;
    private final ObjectMapper json;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final SecureRandom random = new SecureRandom();

    WebhookService(WebhookRepository repository, TargetPolicy targets, AuditLog audit, Messages messages,
            WebhookProperties properties, ObjectMapper json, PlatformTransactionManager transactionManager,
            Optional<Clock> clock) {
        this.transactions = new TransactionTemplate(transactionManager);
        this.repository = repository;
        this.targets = targets;
        this.audit = audit;
        this.messages = messages;
        this.properties = properties;
        this.json = json;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** A new endpoint with its secret; the only answer that ever carries the secret. */
    record Created(WebhookRepository.Endpoint endpoint, String secret) {
    }

    /** Not one transaction: the target's DNS look-up runs first, so no connection is held while it waits. */
    public Created create(String url, List<String> events) {
        List<String> types = validEvents(events);
        URI target = targets.validateForRegistration(url);
        return transactions.execute(status -> insert(target, types));
    }

    private Created insert(URI target, List<String> types) {
        if (repository.countEndpoints() >= properties.maxEndpoints()) {
            throw new ApiException(HttpStatus.CONFLICT, "WEBHOOK_LIMIT_REACHED",
                    Map.of("limit", properties.maxEndpoints(), "property", "tallytrack.webhooks.max-endpoints"),
                    properties.maxEndpoints());
        }
        byte[] key = new byte[SECRET_BYTES];
        random.nextBytes(key);
        String secret = "whsec_" + HexFormat.of().formatHex(key);
        long id = repository.insertEndpoint(target.toString(), types, secret, clock.instant(), AuditLogUser.current());
        audit.record("WEBHOOK_CREATE", "webhook " + id, "url: " + target + "; events: " + String.join(",", types));
        return new Created(repository.findEndpoint(id).orElseThrow(), secret);
    }

    public List<WebhookRepository.Endpoint> list() {
        return repository.findEndpoints();
    }

    public WebhookRepository.Endpoint get(long id) {
        return repository.findEndpoint(id).orElseThrow(() -> ApiException.notFound("WEBHOOK_NOT_FOUND", id));
    }

    @Transactional
    public void delete(long id) {
        WebhookRepository.Endpoint endpoint = get(id);
        repository.deleteEndpoint(id);
        audit.record("WEBHOOK_DELETE", "webhook " + id, "url: " + endpoint.url());
    }

    @Transactional
    public WebhookRepository.Endpoint enable(long id) {
        WebhookRepository.Endpoint endpoint = get(id);
        repository.enable(id, clock.instant());
        audit.record("WEBHOOK_ENABLE", "webhook " + id, "url: " + endpoint.url() + "; was "
                + (endpoint.enabled() ? "enabled" : "disabled after " + endpoint.consecutiveFailures() + " failures"));
        return get(id);
    }

    /** Queues a {@code webhook.test} event for this endpoint only; answers its event id. */
    @Transactional
    public String sendTest(long id) {
        WebhookRepository.Endpoint endpoint = get(id);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("webhook_id", id);
        data.put("message", "TallyTrack test event");
        String eventId = UUID.randomUUID().toString();
        repository.enqueue(id, eventId, TEST, payload(eventId, TEST, clock.instant(), data), clock.instant());
        audit.record("WEBHOOK_TEST", "webhook " + id, "url: " + endpoint.url() + "; event_id: " + eventId);
        return eventId;
    }

    public PageResult<WebhookRepository.Attempt> deliveries(long id, Integer page, Integer limit) {
        get(id);
        int[] pl = PageResult.clamp(page, limit, 20, properties.maxPageSize());
        return new PageResult<>(repository.attempts(id, pl[1], (long) (pl[0] - 1) * pl[1]), pl[0], pl[1],
                repository.countAttempts(id));
    }

    /**
     * Queues an event for every enabled endpoint subscribed to its type, in the caller's transaction. Disabled
     * endpoints get nothing new (their already queued events wait for re-enabling). {@code data} is built only when
     * some endpoint wants the event. Answers the event id, or {@code null} when nobody is subscribed.
     */
    String enqueue(String type, Instant occurredAt, java.util.function.Supplier<Map<String, Object>> data) {
        List<Long> endpoints = repository.subscribedEndpointIds(type);
        if (endpoints.isEmpty()) {
            return null;
        }
        String eventId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        String body = payload(eventId, type, occurredAt == null ? now : occurredAt, data.get());
        for (long endpoint : endpoints) {
            repository.enqueue(endpoint, eventId, type, body, now);
        }
        return eventId;
    }

    int maxTrackingNumbers() {
        return properties.maxTrackingNumbers();
    }

    private String payload(String eventId, String type, Instant occurredAt, Map<String, Object> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event_id", eventId);
        body.put("type", type);
        body.put("occurred_at", occurredAt.toString());
        body.put("data", data);
        return new String(json.writeValueAsBytes(body), StandardCharsets.UTF_8);
    }

    private List<String> validEvents(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw eventsViolation("REQUIRED");
        }
        Set<String> types = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String e : events) {
            String type = e == null ? "" : e.strip();
            if (SUBSCRIBABLE.contains(type)) {
                types.add(type);
            } else {
                unknown.add(type);
            }
        }
        if (!unknown.isEmpty()) {
            throw eventsViolation("UNKNOWN_EVENT", String.join(", ", unknown), String.join(", ", SUBSCRIBABLE));
        }
        return List.copyOf(types);
    }

    private ApiException eventsViolation(String code, Object... args) {
        return new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR",
                List.of(new FieldViolation("events", code, messages.get("webhook.violation.events." + code, args))));
    }

    /** The signed-in user's name for {@code created_by}, as the audit log sees it. */
    static final class AuditLogUser {
        private AuditLogUser() {
        }

        static String current() {
            var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
            return auth == null || !auth.isAuthenticated() ? "system" : auth.getName();
        }
    }
}
