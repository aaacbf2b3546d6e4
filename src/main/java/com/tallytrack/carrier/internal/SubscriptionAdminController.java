package com.tallytrack.carrier.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.tallytrack.audit.AuditLog;
import com.tallytrack.carrier.CarrierSubscriptions.Subscription;
import com.tallytrack.carrier.StoredCarrierResult;
import com.tallytrack.common.ApiException;

/**
 * A number's subscription for administrators: {@code GET /api/v1/admin/carrier/subscriptions/{number}} (VIEWER and
 * ADMIN: every GET under /api/v1/admin) with its stored result's summary, and
 * {@code POST …/{number}/resubscribe} (ADMIN only, audited) to subscribe it again.
 */
@RestController
@RequestMapping("/api/v1/admin/carrier/subscriptions")
class SubscriptionAdminController {

    private static final Pattern NUMBER = Pattern.compile("[A-Z0-9]{6,32}");

    private final SubscriptionStore subscriptions;
    private final CarrierResultStore results;
    private final AuditLog audit;

    SubscriptionAdminController(SubscriptionStore subscriptions, CarrierResultStore results, AuditLog audit) {
        this.subscriptions = subscriptions;
        this.results = results;
        this.audit = audit;
    }

    @GetMapping("/{number}")
    Map<String, Object> show(@PathVariable String number) {
        String n = checked(number);
        Subscription s = subscriptions.find(n)
                .orElseThrow(() -> ApiException.notFound("SUBSCRIPTION_NOT_FOUND"));
        return body(s);
    }

    @PostMapping("/{number}/resubscribe")
    Map<String, Object> resubscribe(@PathVariable String number) {
        String n = checked(number);
        if (!subscriptions.enabled()) {
            throw ApiException.conflict("SUBSCRIPTIONS_DISABLED", Map.of("property",
                    "tallytrack.carrier.kuaidi100.push.enabled"), "tallytrack.carrier.kuaidi100.push.enabled");
        }
        String before = subscriptions.find(n).map(Subscription::state).orElse("none");
        Subscription s = subscriptions.resubscribe(n);
        audit.record("CARRIER_RESUBSCRIBE", n, "subscription state " + before + " -> " + s.state());
        return body(s);
    }

    private static String checked(String number) {
        String n = number == null ? "" : number.strip().toUpperCase(Locale.ROOT);
        if (!NUMBER.matcher(n).matches()) {
            // the reason only: the input is never echoed
            throw ApiException.badRequest("INVALID_TRACKING_NUMBER", Map.of("reason", "format"));
        }
        return n;
    }

    private Map<String, Object> body(Subscription s) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("query_number", s.queryNumber());
        data.put("company_code", s.companyCode());
        data.put("state", s.state());
        data.put("attempts", s.attempts());
        data.put("resubscribes", s.resubscribes());
        data.put("last_code", s.lastCode());
        data.put("last_message", s.lastMessage());
        data.put("next_attempt_at", s.nextAttemptAt());
        data.put("subscribed_at", s.subscribedAt());
        data.put("last_push_at", s.lastPushAt());
        data.put("created_at", s.createdAt());
        data.put("updated_at", s.updatedAt());
        StoredCarrierResult stored = results.find(s.queryNumber()).orElse(null);
        if (stored != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("source", stored.source());
            r.put("milestone", stored.result().milestone());
            r.put("state", stored.result().state());
            r.put("detailed_state", stored.result().detailedState());
            r.put("track_count", stored.result().tracks().size());
            r.put("newest_event_time", stored.newestEventTime());
            r.put("received_at", stored.receivedAt());
            data.put("stored_result", r);
        } else {
            data.put("stored_result", null);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", data);
        return body;
    }
}
