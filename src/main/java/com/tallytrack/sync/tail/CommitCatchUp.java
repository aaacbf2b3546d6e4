package com.tallytrack.sync.tail;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import com.tallytrack.carrier.CarrierCache;
import com.tallytrack.carrier.CarrierResultStored;
import com.tallytrack.manifest.ManifestsChanged;
import com.tallytrack.sync.cache.ManifestCache;
import com.tallytrack.sync.wakeup.WakeupChannels;

/**
 * Right after a manifest write commits on this node — in the writer's thread, before its call returns — applies
 * the change log, so the writer and every later query on this node see the change; then tells the other nodes.
 * A rolled-back transaction never gets here.
 */
@Component
class CommitCatchUp {

    private static final Logger log = LoggerFactory.getLogger(CommitCatchUp.class);

    /** How long a carrier-result writer waits for this node's apply lock before leaving the entry to the tailer. */
    private static final java.time.Duration CARRIER_RESULT_WAIT = java.time.Duration.ofMillis(200);

    private final ChangeLogTailer tailer;
    private final ManifestCache cache;
    private final CarrierCache carrierCache;
    private final WakeupChannels wakeups;

    CommitCatchUp(ChangeLogTailer tailer, ManifestCache cache, CarrierCache carrierCache,
            WakeupChannels wakeups) {
        this.tailer = tailer;
        this.cache = cache;
        this.carrierCache = carrierCache;
        this.wakeups = wakeups;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void afterCommit(ManifestsChanged event) {
        try {
            tailer.catchUp(false);
        } catch (RuntimeException e) {
            // The database went away right after the commit: drop what we know changed, let the tailer retry.
            log.warn("sync could not catch up after a commit; invalidating the {} numbers written",
                    event.trackingNumbers().size());
            cache.invalidate(event.trackingNumbers());
            try {
                carrierCache.invalidate(event.trackingNumbers());
            } catch (RuntimeException ignored) {
                // the tailer invalidates again when it applies the entries
            }
            tailer.wake();
        }
        wakeups.announce();
    }

    /**
     * A carrier result was stored (and logged, see {@code ChangeLogCarrierCapture}) in a transaction that has now
     * committed: apply it here, so this node's next lookup reads the stored result and the entry is not applied
     * again after the caller cached the answer. But a push callback must be answered within a second even while
     * this node's sync is busy, so the wait for the apply lock is bounded; past it only this node's copy is
     * dropped (memory; the shared tier's delete is queued) and the tailer is woken to apply the entry.
     */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void afterCommit(CarrierResultStored event) {
        boolean applied = false;
        try {
            applied = tailer.tryCatchUp(CARRIER_RESULT_WAIT);
        } catch (RuntimeException e) {
            log.warn("sync could not catch up after a carrier result was stored; invalidating it locally");
        }
        if (!applied) {
            try {
                carrierCache.invalidate(java.util.List.of(event.queryNumber()));
            } catch (RuntimeException e) {
                log.warn("could not drop the cached carrier result of a stored number; the tailer drops it when "
                        + "it applies the entry ({})", e.getMessage());
            }
            tailer.wake();
        }
        wakeups.announce();
    }
}
