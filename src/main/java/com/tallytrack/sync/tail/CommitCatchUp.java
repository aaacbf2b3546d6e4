package com.tallytrack.sync.tail;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

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
 *
 * <p>A write made of many transactions (an import's batches) runs inside {@link #applyAfter}: there a commit only
 * wakes the tailer thread, which applies it on its own connection while the writer goes on with its next
 * transaction, and the writer's thread applies whatever is still unapplied once, when the scope ends.
 */
@Component
public class CommitCatchUp {

    private static final Logger log = LoggerFactory.getLogger(CommitCatchUp.class);

    /** How long a carrier-result writer waits for this node's apply lock before leaving the entry to the tailer. */
    private static final java.time.Duration CARRIER_RESULT_WAIT = java.time.Duration.ofMillis(200);

    private final ChangeLogTailer tailer;
    private final ManifestCache cache;
    private final CarrierCache carrierCache;
    private final WakeupChannels wakeups;
    /** This thread's {@link #applyAfter} scope; null outside one. */
    private final ThreadLocal<Scope> deferred = new ThreadLocal<>();

    /**
     * What a scope's commits wrote, for the fallback when its last apply fails: the tracking numbers, up to
     * {@link #REMEMBERED} of them; past that, or after a commit that did not name its numbers, the fallback empties
     * this node's manifest cache, and the numbers are let go. Collecting them runs in the writer's thread after
     * every commit: for all 100,000 numbers of an upload it took 5 % of the import thread's time in a cold upload
     * (JFR, docs/BENCHMARKS.md 2026-12-08), to serve a fallback that runs only when the database failed.
     */
    static final class Scope {
        final Set<String> numbers = new HashSet<>();
        boolean committed;
        boolean incomplete;

        void add(Set<String> written) {
            committed = true;
            if (incomplete) {
                return;
            }
            if (written.isEmpty() || numbers.size() + written.size() > REMEMBERED) {
                incomplete = true;
                numbers.clear();
            } else {
                numbers.addAll(written);
            }
        }
    }

    /** Most tracking numbers a scope remembers for its fallback (two import batches of the default size). */
    static final int REMEMBERED = 10_000;

    CommitCatchUp(ChangeLogTailer tailer, ManifestCache cache, CarrierCache carrierCache,
            WakeupChannels wakeups) {
        this.tailer = tailer;
        this.cache = cache;
        this.carrierCache = carrierCache;
        this.wakeups = wakeups;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void afterCommit(ManifestsChanged event) {
        Scope scope = deferred.get();
        if (scope != null) {
            scope.add(event.trackingNumbers());
            tailer.wake();
        } else {
            catchUpOrDrop(event.trackingNumbers(), false, "a commit");
        }
        wakeups.announce();
    }

    /**
     * Runs {@code work} with this node's apply of its commits deferred to its end (see the class comment), and
     * applies before returning — normally or by an exception — so that when this returns this node has applied
     * every change the work committed, as after a single write. A scope inside a scope joins the outer one.
     */
    public <T> T applyAfter(Supplier<T> work) {
        if (deferred.get() != null) {
            return work.get();
        }
        Scope scope = new Scope();
        deferred.set(scope);
        try {
            return work.get();
        } finally {
            deferred.remove();
            if (scope.committed) {
                catchUpOrDrop(scope.numbers, scope.incomplete, "a write of several transactions");
            }
        }
    }

    /**
     * Applies what has committed; if that fails (the database went away meanwhile; an {@code Error} too, which the
     * tailer thread would also survive), drops what changed from this node's manifest cache — the numbers written,
     * or everything when they are not all known — and those numbers (or everything) from the carrier-result
     * cache, so this node reads them from the database again; the tailer applies the entries when it can (and then
     * also drops the carrier results of their old and new package numbers).
     */
    private void catchUpOrDrop(Collection<String> written, boolean notAllKnown, String after) {
        try {
            tailer.catchUp(false);
        } catch (RuntimeException | Error e) {
            log.warn("sync could not catch up after {}; invalidating {} in this node's manifest cache", after,
                    notAllKnown ? "everything" : "the " + written.size() + " numbers written", e);
            if (notAllKnown) {
                cache.invalidateAll();
            } else {
                cache.invalidate(written);
            }
            try {
                // the carrier results of what changed, or all of them when that is not known (as the tailer does
                // for an invalidate_all entry); this runs only after a failure
                if (notAllKnown) {
                    carrierCache.invalidateAll();
                } else {
                    carrierCache.invalidate(written);
                }
            } catch (RuntimeException ignored) {
                // the tailer invalidates again when it applies the entries
            }
            tailer.wake();
        }
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
