package com.tallytrack.sync.admin;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import com.tallytrack.sync.SyncHealth;
import com.tallytrack.sync.SyncService;

/**
 * The {@code sync} component of Actuator health and {@code /api/v1/health}: DOWN when the change log is not being
 * tailed (this node could serve stale manifests), UP otherwise — a {@code warning} stays UP with its reasons.
 */
@Component("sync")
class SyncHealthIndicator implements HealthIndicator {

    private final SyncService sync;

    SyncHealthIndicator(SyncService sync) {
        this.sync = sync;
    }

    @Override
    public Health health() {
        SyncHealth h = sync.health();
        Health.Builder builder = SyncHealth.ERROR.equals(h.status()) ? Health.down() : Health.up();
        return builder.withDetail("status", h.status())
                .withDetail("reasons", h.reasons())
                .withDetail("node_id", h.nodeId())
                .withDetail("applied_sequence", h.appliedSequence())
                .withDetail("latest_sequence", h.latestSequence())
                .withDetail("lag", h.lag())
                .withDetail("cache_size", h.cacheSize())
                .build();
    }
}
