package com.tallytrack.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import com.tallytrack.carrier.MilestoneChanged;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.packages.PackageFlagged;

/**
 * Turns the domain events into outbox rows. Plain (synchronous) listeners: they run in the publisher's thread and
 * transaction, so the outbox row commits or rolls back with the stored result or the flag that caused it — an event
 * is never lost after its change committed, and never sent for a change that did not.
 */
@Component
class WebhookEventListener {

    private final WebhookService webhooks;
    private final ManifestService manifests;

    WebhookEventListener(WebhookService webhooks, ManifestService manifests) {
        this.webhooks = webhooks;
        this.manifests = manifests;
    }

    @EventListener
    void onMilestoneChanged(MilestoneChanged event) {
        webhooks.enqueue(WebhookService.MILESTONE_CHANGED, event.occurredAt(), () -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("query_number", event.queryNumber());
            data.put("company_code", event.companyCode());
            data.put("previous_milestone", event.previous() == null ? null : event.previous().wireName());
            data.put("milestone", event.current() == null ? null : event.current().wireName());
            data.put("last_event_time", event.lastEventTime() == null ? null : event.lastEventTime().toString());
            data.put("last_event", event.lastEvent());
            parcels(event.queryNumber(), data);
            return data;
        });
    }

    @EventListener
    void onPackageFlagged(PackageFlagged event) {
        webhooks.enqueue(WebhookService.PACKAGE_FLAGGED, event.occurredAt(), () -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("package_number", event.packageNumber());
            data.put("reason", event.reason());
            data.put("last_event_time", event.lastEventTime() == null ? null : event.lastEventTime().toString());
            List<String> numbers = event.trackingNumbers();
            int max = webhooks.maxTrackingNumbers();
            data.put("tracking_numbers", numbers.size() > max ? numbers.subList(0, max) : numbers);
            data.put("tracking_numbers_truncated", numbers.size() > max);
            return data;
        });
    }

    /**
     * A query number is the carrier's number: a package number (集包单号) when parcels are linked to it, else a
     * customer's own tracking number. The payload names the package and every tracking number it carries.
     */
    private void parcels(String queryNumber, Map<String, Object> data) {
        int max = webhooks.maxTrackingNumbers();
        List<String> numbers = new ArrayList<>();
        int[] total = {0};
        manifests.forEachMatching(null, null, null, queryNumber, null, null, "tracking_number", "asc", m -> {
            total[0]++;
            if (numbers.size() < max) {
                numbers.add(m.trackingNumber());
            }
        });
        String packageNumber = null;
        if (total[0] > 0) {
            packageNumber = queryNumber;
        } else {
            packageNumber = manifests.findByTrackingNumber(queryNumber).map(Manifest::packageNumber).orElse(null);
            numbers.add(queryNumber);
            total[0] = 1;
        }
        data.put("package_number", packageNumber);
        data.put("tracking_numbers", numbers);
        data.put("tracking_numbers_truncated", total[0] > numbers.size());
    }
}
