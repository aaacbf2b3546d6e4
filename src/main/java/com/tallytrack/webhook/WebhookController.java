package com.tallytrack.webhook;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import com.tallytrack.common.ApiException;
import com.tallytrack.common.PageResult;

/**
 * {@code /api/v1/admin/webhooks}: register, list, delete, test and re-enable outgoing webhook endpoints, and read
 * their delivery log. Reads for any signed-in user, writes for ADMIN (SecurityConfig's rule for the admin API).
 */
@RestController
@RequestMapping("/api/v1/admin/webhooks")
class WebhookController {

    private final WebhookService webhooks;

    WebhookController(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    record CreateRequest(String url, List<String> events) {
    }

    /** An endpoint as the API shows it: never its secret. */
    record EndpointView(long id, String url, List<String> events, String state, int consecutiveFailures,
            Instant disabledAt, LastDelivery lastDelivery, long pendingCount, Instant createdAt, String createdBy) {

        static EndpointView of(WebhookRepository.Endpoint e) {
            return new EndpointView(e.id(), e.url(), e.events(), e.enabled() ? "enabled" : "disabled",
                    e.consecutiveFailures(), e.disabledAt(),
                    e.lastAttemptAt() == null ? null
                            : new LastDelivery(e.lastAttemptAt(), e.lastOutcome(), e.lastStatusCode()),
                    e.pending(), e.createdAt(), e.createdBy());
        }
    }

    record LastDelivery(Instant at, String outcome, Integer statusCode) {
    }

    /** The creation answer: the endpoint and, this once, its signing secret. */
    record CreatedView(long id, String url, List<String> events, String state, String secret, Instant createdAt) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> create(@RequestBody(required = false) CreateRequest request) {
        if (request == null) {
            throw ApiException.badRequest("MALFORMED_REQUEST", null);
        }
        WebhookService.Created created = webhooks.create(request.url(), request.events());
        WebhookRepository.Endpoint e = created.endpoint();
        return ok(new CreatedView(e.id(), e.url(), e.events(), "enabled", created.secret(), e.createdAt()));
    }

    @GetMapping
    Map<String, Object> list() {
        return ok(webhooks.list().stream().map(EndpointView::of).toList());
    }

    @GetMapping("/{id}")
    Map<String, Object> get(@PathVariable long id) {
        return ok(EndpointView.of(webhooks.get(id)));
    }

    @DeleteMapping("/{id}")
    Map<String, Object> delete(@PathVariable long id) {
        webhooks.delete(id);
        return ok(Map.of("id", id, "deleted", true));
    }

    @PostMapping("/{id}/enable")
    Map<String, Object> enable(@PathVariable long id) {
        return ok(EndpointView.of(webhooks.enable(id)));
    }

    @PostMapping("/{id}/test")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> test(@PathVariable long id) {
        return ok(Map.of("event_id", webhooks.sendTest(id), "type", WebhookService.TEST));
    }

    @GetMapping("/{id}/deliveries")
    Map<String, Object> deliveries(@PathVariable long id, @RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer limit) {
        PageResult<WebhookRepository.Attempt> result = webhooks.deliveries(id, page, limit);
        Map<String, Object> body = ok(result.data());
        body.put("pagination", result.pagination());
        return body;
    }

    private static Map<String, Object> ok(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", data);
        return body;
    }
}
