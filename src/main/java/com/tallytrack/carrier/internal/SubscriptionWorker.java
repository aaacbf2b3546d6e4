package com.tallytrack.carrier.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import com.tallytrack.carrier.CarrierSubscriptions.Subscription;

/**
 * Sends due subscribe requests: every {@code worker-interval} it takes up to {@code batch-size} due rows (leased,
 * see {@link SubscriptionStore#claimDue}), calls the channel for each, and records the reply (protocol §4.2):
 * 200 and 501 (already tracked) → active; 500 or no readable reply → retried with doubling back-off up to
 * {@code max-attempts}, then failed; 600/601 (key wrong or expired) and 700/701/702 (bad data, carrier refused, not
 * identified) → failed with the reply kept, never retried.
 */
public class SubscriptionWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionWorker.class);

    private final SubscriptionStore store;
    private final SubscribeChannel channel;
    private final CarrierProperties.Push config;
    private final CarrierMetrics metrics;
    private final Clock clock;
    private final boolean checkAtStart;
    private ScheduledExecutorService timer;

    /**
     * @param checkAtStart run the first pass during start-up and refuse to start when Kuaidi100 answers 600/601
     *                     (a wrong or expired key): every subscription would fail otherwise
     */
    public SubscriptionWorker(SubscriptionStore store, SubscribeChannel channel, CarrierProperties.Push config,
            CarrierMetrics metrics, Clock clock, boolean checkAtStart) {
        this.checkAtStart = checkAtStart;
        this.store = store;
        this.channel = channel;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** What one run did. */
    public record Run(int sent, int credentialFailures) {
    }

    /** One pass over due subscriptions; the scheduled loop and tests call it. */
    public Run runOnce() {
        return runOnce(config.batchSize());
    }

    Run runOnce(int limit) {
        // the lease covers every request of the batch even when each one waits out its read timeout
        Duration lease = config.workerInterval().plus(Duration.ofMinutes(2));
        List<Subscription> due = store.claimDue(limit, lease);
        int credentials = 0;
        for (Subscription s : due) {
            boolean resubscribe = Subscription.ABORT.equals(s.state());
            SubscribeChannel.Reply reply = channel.subscribe(s.queryNumber(), s.companyCode());
            Instant now = clock.instant();
            switch (reply.code()) {
                case "200", "501" -> store.recordReply(s.queryNumber(), Subscription.ACTIVE, reply.code(),
                        reply.message(), null, true, resubscribe);
                case "600", "601" -> {
                    credentials++;
                    store.recordReply(s.queryNumber(), Subscription.FAILED, reply.code(), reply.message(), null, false,
                            resubscribe);
                }
                case "700", "701", "702" -> store.recordReply(s.queryNumber(), Subscription.FAILED, reply.code(),
                        reply.message(), null, false, resubscribe);
                default -> {
                    int attempts = s.attempts() + 1;
                    if (attempts >= config.maxAttempts()) {
                        store.recordReply(s.queryNumber(), Subscription.FAILED, reply.code(), reply.message(), null,
                                false, resubscribe);
                    } else {
                        store.recordReply(s.queryNumber(), s.state(), reply.code(), reply.message(),
                                now.plus(backoff(attempts)), false, false);
                    }
                }
            }
            metrics.subscribeReply(reply.code());
        }
        return new Run(due.size(), credentials);
    }

    Duration backoff(int attempts) {
        Duration wait = config.retryBackoff();
        for (int i = 1; i < attempts && wait.compareTo(config.maxRetryBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(config.maxRetryBackoff()) > 0 ? config.maxRetryBackoff() : wait;
    }

    @Override
    public synchronized void start() {
        // one request only: enough to find a refused key, and a slow carrier delays the start by one read timeout
        if (checkAtStart && runOnce(1).credentialFailures() > 0) {
            throw new com.tallytrack.system.InvalidConfigurationException("tallytrack.carrier.kuaidi100.key",
                    "Kuaidi100 refused the subscription key (returnCode 600/601: not a valid subscriber or key "
                            + "expired) while subscribing at start-up",
                    "Check tallytrack.carrier.kuaidi100.key (environment TALLYTRACK_CARRIER_KUAIDI100_KEY) and the "
                            + "account's subscription plan, or set TALLYTRACK_CARRIER_KUAIDI100_PUSH_ENABLED=false");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "carrier-subscribe");
            t.setDaemon(true);
            return t;
        });
        long period = config.workerInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                Run run = runOnce();
                if (run.credentialFailures() > 0) {
                    log.error("Kuaidi100 refused the subscription key (returnCode 600/601): check "
                            + "tallytrack.carrier.kuaidi100.key");
                }
            } catch (RuntimeException e) {
                log.warn("subscription run failed: {}", e.toString());
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
