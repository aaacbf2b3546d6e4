package com.tallytrack.sync.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.tallytrack.audit.AuditLog;
import com.tallytrack.common.ApiException;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.TrackingNumbers;
import com.tallytrack.sync.ManifestChange;
import com.tallytrack.sync.SyncService;

/**
 * {@code /api/v1/admin/sync}: the seed's seven admin endpoints (PRODUCT §3, §5). Reads for ADMIN and VIEWER,
 * actions for ADMIN (by the security rules); every action is audited.
 */
@RestController
@RequestMapping("/api/v1/admin/sync")
class SyncController {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final SyncService sync;
    private final AuditLog audit;

    SyncController(SyncService sync, AuditLog audit) {
        this.sync = sync;
        this.audit = audit;
    }

    @GetMapping("/statistics")
    Map<String, Object> statistics() {
        return ok(sync.statistics());
    }

    @GetMapping("/pending-operations")
    Map<String, Object> pendingOperations(@RequestParam(required = false) Integer limit) {
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw ApiException.badRequest("SYNC_INVALID_LIMIT", Map.of("parameter", "limit", "min", 1,
                    "max", MAX_LIMIT), MAX_LIMIT);
        }
        List<ManifestChange> operations = sync.pendingOperations(n);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("total_pending", sync.pendingCount());
        data.put("returned", operations.size());
        data.put("limit", n);
        data.put("operations", operations);
        return ok(data);
    }

    @PostMapping("/clear-pending-operations")
    Map<String, Object> clearPendingOperations() {
        SyncService.Acknowledgement ack = sync.clearPendingOperations(currentUser());
        audit.record("SYNC_CLEAR_PENDING", "sync", "acknowledged " + ack.cleared() + " operations up to sequence "
                + ack.acknowledgedSequence());
        Map<String, Object> body = ok(ack);
        body.put("cleared_count", ack.cleared());
        return body;
    }

    @PostMapping("/invalidate-cache")
    Map<String, Object> invalidateCache() {
        long before = sync.statistics().cacheSize();
        sync.invalidateAll();
        audit.record("SYNC_INVALIDATE_CACHE", "sync", "cluster-wide invalidation; " + before
                + " manifest-cache entries on node " + sync.nodeId());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("invalidated_entries", before);
        data.put("cluster_wide", true);
        data.put("node_id", sync.nodeId());
        return ok(data);
    }

    @PostMapping("/force-sync/{trackingNumber}")
    Map<String, Object> forceSync(@PathVariable String trackingNumber) {
        String cleaned = TrackingNumbers.clean(trackingNumber);
        Manifest manifest = sync.forceSync(cleaned)
                .orElseThrow(() -> ApiException.notFound("MANIFEST_NOT_FOUND", cleaned));
        audit.record("SYNC_FORCE_SYNC", cleaned, "reloaded into the manifest cache of node " + sync.nodeId()
                + ", package_number=" + manifest.packageNumber());
        return ok(sync.cached(cleaned));
    }

    @GetMapping("/health")
    Map<String, Object> health() {
        return ok(sync.health());
    }

    @GetMapping("/cache/{trackingNumber}")
    Map<String, Object> cache(@PathVariable String trackingNumber) {
        return ok(sync.cached(trackingNumber));
    }

    private static String currentUser() {
        var auth = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "system" : auth.getName();
    }

    private static Map<String, Object> ok(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", data);
        return body;
    }
}
