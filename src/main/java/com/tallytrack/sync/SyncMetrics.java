package com.tallytrack.sync;

import org.springframework.stereotype.Component;

import com.tallytrack.carrier.CarrierCache;
import com.tallytrack.sync.cache.ManifestCache;
import com.tallytrack.sync.listen.ListenerRegistry;
import com.tallytrack.sync.tail.ChangeLogTailer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Micrometer meters of the sync mechanism (operations by type and propagation delay are recorded by the tailer):
 * lag, cache sizes and hit rates of the manifest and carrier-result caches, listener failures and overflows.
 */
@Component
class SyncMetrics {

    SyncMetrics(MeterRegistry meters, ManifestCache cache, ChangeLogTailer tailer, SyncService sync,
            ListenerRegistry listeners, CarrierCache carrierCache) {
        Gauge.builder("tallytrack.sync.lag", () -> {
            try {
                return sync.lag();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description("change-log entries this node has not applied yet").register(meters);
        Gauge.builder("tallytrack.sync.applied.sequence", tailer, ChangeLogTailer::appliedSeq).register(meters);
        Gauge.builder("tallytrack.sync.cache.size", cache, ManifestCache::size).tag("cache", "manifest")
                .register(meters);
        Gauge.builder("tallytrack.sync.cache.hit.rate", cache, ManifestCache::hitRate).tag("cache", "manifest")
                .register(meters);
        FunctionCounter.builder("tallytrack.sync.cache.requests", cache, ManifestCache::hits)
                .tags("cache", "manifest", "result", "hit").register(meters);
        FunctionCounter.builder("tallytrack.sync.cache.requests", cache, ManifestCache::misses)
                .tags("cache", "manifest", "result", "miss").register(meters);
        Gauge.builder("tallytrack.sync.cache.size", carrierCache, c -> c.stats().size()).tag("cache", "carrier")
                .register(meters);
        Gauge.builder("tallytrack.sync.cache.hit.rate", carrierCache, c -> c.stats().hitRate())
                .tag("cache", "carrier").register(meters);
        Gauge.builder("tallytrack.sync.listeners.active", listeners, ListenerRegistry::active).register(meters);
        FunctionCounter.builder("tallytrack.sync.listener.failures", listeners, l -> l.figures().failures())
                .register(meters);
        FunctionCounter.builder("tallytrack.sync.listener.overflows", listeners, l -> l.figures().overflows())
                .register(meters);
        FunctionCounter.builder("tallytrack.sync.read.failures", tailer, ChangeLogTailer::failures)
                .register(meters);
    }
}
