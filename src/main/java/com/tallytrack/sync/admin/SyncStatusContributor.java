package com.tallytrack.sync.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.tallytrack.manifest.ManifestStatisticsContributor;
import com.tallytrack.sync.SyncHealth;
import com.tallytrack.sync.SyncService;
import com.tallytrack.sync.SyncStatistics;

/** Adds {@code sync_status} to the manifest statistics overview (the seed's 统计信息包含同步状态). */
@Component
class SyncStatusContributor implements ManifestStatisticsContributor {

    private final SyncService sync;

    SyncStatusContributor(SyncService sync) {
        this.sync = sync;
    }

    @Override
    public String section() {
        return "sync_status";
    }

    @Override
    public Map<String, Object> contribute() {
        SyncStatistics s = sync.statistics();
        SyncHealth h = sync.health();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", h.status());
        out.put("node_id", s.nodeId());
        out.put("cache_size", s.cacheSize());
        out.put("cache_hit_rate", s.cacheHitRate());
        out.put("sync_operations", s.syncOperations());
        out.put("pending_operations", s.pendingOperations());
        out.put("last_sync_time", s.lastSyncTime());
        out.put("applied_sequence", s.appliedSequence());
        out.put("latest_sequence", s.latestSequence());
        out.put("lag", s.lag());
        out.put("active_listeners", s.activeListeners());
        return out;
    }
}
