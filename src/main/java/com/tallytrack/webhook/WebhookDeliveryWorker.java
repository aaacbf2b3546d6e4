package com.tallytrack.webhook;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.audit.AuditLog;

/**
 * Delivers the outbox, on every node. Each poll leases due rows in one short committed transaction (SKIP LOCKED on
 * PostgreSQL), then makes the HTTP calls with no transaction or lock open, then records each outcome in a second
 * short transaction: one node delivers a given row, a slow receiver never blocks writers, and a node that dies
 * mid-call leaves a lease that simply runs out, after which any node retries (at least once; receivers deduplicate
 * by {@code event_id}). At most {@code max-concurrent-deliveries} calls are in flight per node.
 */
@Component
class WebhookDeliveryWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDeliveryWorker.class);

    private final WebhookRepository repository;
    private final TargetPolicy targets;
    private final WebhookSender sender;
    private final WebhookProperties properties;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final String nodeId = "webhook-" + UUID.randomUUID().toString().substring(0, 8);
    private final Semaphore slots;

    private volatile ScheduledExecutorService poller;
    private volatile ExecutorService calls;
    private volatile Instant lastPrune = Instant.EPOCH;

    WebhookDeliveryWorker(WebhookRepository repository, TargetPolicy targets, WebhookSender sender,
            WebhookProperties properties, AuditLog audit, PlatformTransactionManager transactionManager,
            Optional<Clock> clock) {
        this.repository = repository;
        this.targets = targets;
        this.sender = sender;
        this.properties = properties;
        this.audit = audit;
        this.transactions = new TransactionTemplate(transactionManager);
        this.clock = clock.orElse(Clock.systemUTC());
        this.slots = new Semaphore(properties.maxConcurrentDeliveries());
    }

    @Override
    public synchronized void start() {
        if (!properties.deliveryEnabled() || poller != null) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        calls = Executors.newFixedThreadPool(properties.maxConcurrentDeliveries(), r -> {
            Thread t = new Thread(r, "webhook-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-poll");
            t.setDaemon(true);
            return t;
        });
        long interval = properties.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::pollSafely, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        ScheduledExecutorService p = poller;
        ExecutorService c = calls;
        poller = null;
        calls = null;
        if (p == null) {
            return;
        }
        p.shutdownNow();
        c.shutdown();
        try {
            // calls in flight get their overall timeout to finish and record; an unrecorded one is retried later
            if (!c.awaitTermination(properties.overallTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                c.shutdownNow();
            }
        } catch (InterruptedException e) {
            c.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return poller != null;
    }

    /** After the web server and the sync components: stop delivering before the database goes away. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    private void pollSafely() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            log.warn("webhook outbox poll failed: {}", e.toString());
        }
    }

    /** Leases as many due rows as there are free call slots and hands each to a call thread. */
    void pollOnce() {
        ExecutorService pool = calls;
        int free = slots.drainPermits();
        if (pool == null || free == 0) {
            slots.release(free);
            return;
        }
        List<WebhookRepository.Claimed> claimed;
        try {
            Instant now = clock.instant();
            claimed = transactions.execute(s -> repository.claimDue(free, nodeId, now, now.plus(properties.lease())));
        } catch (RuntimeException e) {
            slots.release(free);
            throw e;
        }
        slots.release(free - claimed.size());
        for (WebhookRepository.Claimed row : claimed) {
            try {
                pool.execute(() -> {
                    try {
                        deliver(row);
                    } catch (RuntimeException e) {
                        log.warn("webhook delivery of {} failed to record: {}", row.eventId(), e.toString());
                    } finally {
                        slots.release();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                slots.release(); // shutting down: the lease runs out and another node (or the next start) retries
            }
        }
        prunePeriodically();
    }

    private void deliver(WebhookRepository.Claimed row) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        WebhookSender.Outcome outcome;
        try {
            URI target = URI.create(row.url());
            targets.checkBeforeDelivery(target);
            byte[] body = row.payload().getBytes(StandardCharsets.UTF_8);
            String signature = WebhookSignature.header(row.secret(), clock.instant().getEpochSecond(), body);
            outcome = sender.post(target, body, row.eventId(), signature);
        } catch (TargetPolicy.TargetRefusedException e) {
            outcome = new WebhookSender.Outcome(false, null, e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            outcome = new WebhookSender.Outcome(false, null, "invalid target: " + e.getMessage(), null);
        }
        long durationMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        WebhookSender.Outcome result = outcome;
        transactions.executeWithoutResult(s -> record(row, started, durationMs, result));
    }

    private void record(WebhookRepository.Claimed row, Instant started, long durationMs,
            WebhookSender.Outcome outcome) {
        Instant now = clock.instant();
        repository.insertAttempt(row, started, durationMs, outcome.delivered(), outcome.statusCode(), outcome.error(),
                outcome.responseBody(), nodeId);
        if (outcome.delivered()) {
            repository.markDelivered(row, nodeId, now);
            repository.recordSuccess(row.endpointId(), now, outcome.statusCode());
            return;
        }
        repository.reschedule(row, nodeId, now.plus(backoff(row.attempt())));
        if (repository.recordFailure(row.endpointId(), now, outcome.statusCode(), properties.disableAfterFailures())) {
            log.warn("webhook endpoint {} disabled after {} consecutive failed deliveries", row.endpointId(),
                    properties.disableAfterFailures());
            audit.record("system", "WEBHOOK_DISABLED", "webhook " + row.endpointId(),
                    "after " + properties.disableAfterFailures() + " consecutive failures; last: " + outcome.error());
        }
    }

    /** Exponential backoff with ± jitter, capped at {@code max-backoff}: attempt 1 failed → about initial-backoff. */
    Duration backoff(int failedAttempt) {
        double base = properties.initialBackoff().toMillis()
                * Math.pow(properties.backoffMultiplier(), Math.max(0, failedAttempt - 1));
        double jittered = base * (1 + properties.jitter() * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
        long max = properties.maxBackoff().toMillis();
        return Duration.ofMillis((long) Math.max(1, Math.min(max, jittered)));
    }

    private void prunePeriodically() {
        Instant now = clock.instant();
        if (Duration.between(lastPrune, now).compareTo(Duration.ofHours(1)) < 0) {
            return;
        }
        lastPrune = now;
        Integer pruned = transactions.execute(s -> repository.prune(now.minus(properties.retention())));
        if (pruned != null && pruned > 0) {
            log.info("webhook outbox: pruned {} delivered rows and attempt entries older than {}", pruned,
                    properties.retention());
        }
    }
}
