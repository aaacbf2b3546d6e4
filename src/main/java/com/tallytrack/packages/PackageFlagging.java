package com.tallytrack.packages;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.carrier.MilestoneChanged;

/**
 * Flags packages (stale or in exception) and publishes {@link PackageFlagged} once per flagging for the cluster.
 * Every node runs the scan; the primary key of {@code package_flag} decides which node's flagging counts: each flag
 * is inserted in its own short transaction together with the event (so the webhook outbox row commits with it), and
 * a node that loses the race gets a duplicate key, rolls back and publishes nothing. A stored result arriving in
 * (or leaving) {@code exception} re-evaluates its package at once, after the storing transaction has committed, so
 * a failure here can never undo the stored result; the next scan catches up whatever that misses.
 */
@Component
class PackageFlagging implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PackageFlagging.class);

    private final PackageBoardRepository board;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate ownTransaction;
    private final PackagesProperties properties;
    private final Clock clock;
    private volatile ScheduledExecutorService scheduler;

    PackageFlagging(PackageBoardRepository board, ApplicationEventPublisher events,
            PlatformTransactionManager transactions, PackagesProperties properties,
            java.util.Optional<Clock> clock) {
        this.board = board;
        this.events = events;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** The oldest newest-event time that is not yet stale. */
    Instant staleCutoff(Instant now) {
        return now.minus(Duration.ofDays(properties.staleDays()));
    }

    /** Flags and unflags every package; answers how many flaggings this node published. */
    int scan() {
        return evaluate(null);
    }

    /** Flags or unflags one package ({@code null}: all); answers how many flaggings this node published. */
    int evaluate(String packageNumber) {
        Instant now = clock.instant();
        Instant cutoff = staleCutoff(now);
        ownTransaction.executeWithoutResult(s -> board.clearResolvedFlags(cutoff, packageNumber));
        int published = 0;
        for (PackageBoardRepository.Candidate c : board.unflaggedCandidates(cutoff, packageNumber)) {
            try {
                ownTransaction.executeWithoutResult(s -> {
                    board.insertFlag(c, now);
                    events.publishEvent(new PackageFlagged(c.packageNumber(), c.reason(), c.lastEventTime(),
                            board.trackingNumbers(c.packageNumber()), now));
                });
                published++;
            } catch (DuplicateKeyException e) {
                // another node flagged it between our candidate query and our insert: its event is the one
                log.debug("package {} already flagged {} by another node", c.packageNumber(), c.reason());
            }
        }
        return published;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void onMilestoneChanged(MilestoneChanged change) {
        try {
            evaluate(change.queryNumber());
        } catch (RuntimeException e) {
            log.warn("flagging of {} after its milestone change failed; the next scan retries", change.queryNumber(),
                    e);
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "package-flag-scan");
            t.setDaemon(true);
            return t;
        });
        long every = properties.scanInterval().toMillis();
        s.scheduleWithFixedDelay(() -> {
            try {
                int n = scan();
                if (n > 0) {
                    log.info("package board: {} package(s) newly flagged", n);
                }
            } catch (RuntimeException e) {
                log.warn("package flag scan failed; retrying in {}", properties.scanInterval(), e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        scheduler = s;
    }

    @Override
    public void stop() {
        ScheduledExecutorService s = scheduler;
        scheduler = null;
        if (s != null) {
            s.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return scheduler != null;
    }
}
