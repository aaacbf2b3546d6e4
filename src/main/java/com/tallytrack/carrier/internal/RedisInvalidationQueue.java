package com.tallytrack.carrier.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;

/**
 * Deletes invalidated carrier-cache numbers from Redis on one worker thread, never on the caller's: the caller is
 * the sync tailer, which may run in a writer's thread after its commit or hold the apply lock other writers wait
 * on, so a slow or blackholed Redis must not reach it.
 *
 * <p><b>No stale shared read.</b> While a number's delete is queued, this node does not read it from Redis
 * ({@link #trusts}). When a delete fails, Redis is believed down, or the queue is full (more than
 * {@code tallytrack.redis.invalidation-queue-capacity} numbers waiting), this node can no longer tell which shared
 * entries are stale: it marks the whole shared tier <em>suspect</em>, stops reading and writing it (the local tier
 * serves alone) and drops its queue. Once Redis answers again the worker deletes every shared carrier entry
 * (SCAN + DEL of {@code tallytrack:carrier:result:*}) and only then trusts the tier again. Replaying the lost deletes
 * instead would need an unbounded record of them; a wipe costs only re-fetches, which the daily guard still bounds.
 * {@code invalidateAll} is the same wipe. A request that arrives during a wipe asks for another one, so the tier is
 * trusted again only after a wipe that started after the last reason to distrust it.
 */
final class RedisInvalidationQueue implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisInvalidationQueue.class);
    private static final int SCAN_BATCH = 500;
    private static final long RETRY_MILLIS = 200;

    private final RedisLink redis;
    private final String keyPrefix;
    private final int capacity;
    private final BlockingQueue<List<String>> queue = new LinkedBlockingQueue<>();
    /** Numbers whose delete is queued or running, with how many times; at most {@code capacity} of them. */
    private final ConcurrentHashMap<String, Integer> pending = new ConcurrentHashMap<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Bumped for every reason to wipe; the tier is trusted while {@link #wipedThrough} has caught up with it. */
    private final AtomicLong wipeRequests = new AtomicLong();
    private volatile long wipedThrough;
    /** Bumped by every invalidation before it touches the local tier (see {@link #generation}). */
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean running = true;
    private final Thread worker;

    RedisInvalidationQueue(RedisLink redis, String keyPrefix, int capacity) {
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.capacity = capacity;
        this.worker = new Thread(this::loop, "carrier-redis-invalidate");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Counts invalidations. A reader takes it before asking Redis and fills its local tier with the answer only if
     * it is unchanged, checked inside the local map's per-key compute; invalidations bump it <em>before</em> they
     * remove local entries (under the same per-key lock), so an answer read before an invalidation never outlives it.
     */
    long generation() {
        return generation.get();
    }

    /** Queues the numbers' Redis delete; returns at once whatever Redis does. */
    void enqueue(Collection<String> numbers) {
        generation.incrementAndGet();
        if (numbers.isEmpty() || !trusted()) {
            return; // the wipe that ends the suspicion covers these too
        }
        List<String> batch = numbers.stream().filter(java.util.Objects::nonNull).distinct().toList();
        if (batch.isEmpty()) {
            return;
        }
        if (queued.addAndGet(batch.size()) > capacity) {
            queued.addAndGet(-batch.size());
            distrust("more than tallytrack.redis.invalidation-queue-capacity (" + capacity
                    + ") numbers wait to be deleted from Redis");
            return;
        }
        batch.forEach(n -> pending.merge(n, 1, Integer::sum));
        queue.add(batch);
    }

    /** Asks for a wipe of the shared tier ({@code invalidateAll}); the tier is not used until it is done. */
    void wipe() {
        generation.incrementAndGet();
        wipeRequests.incrementAndGet();
    }

    /** False while the shared tier may hold entries this node was told are stale. */
    boolean trusted() {
        return wipedThrough == wipeRequests.get();
    }

    /** Whether a shared entry of this number may be read now. */
    boolean trusts(String number) {
        return trusted() && !pending.containsKey(number);
    }

    private void distrust(String reason) {
        boolean first = trusted();
        wipeRequests.incrementAndGet();
        if (first) {
            log.warn("carrier cache: {}; using the node-local tier only until Redis answers, then dropping every "
                    + "shared carrier entry", reason);
        }
    }

    private void loop() {
        while (running) {
            try {
                if (!trusted()) {
                    wipeShared();
                    continue;
                }
                List<String> batch = queue.poll(RETRY_MILLIS, TimeUnit.MILLISECONDS);
                if (batch == null) {
                    continue;
                }
                try {
                    boolean deleted = redis.run(r -> r.delete(batch.stream().map(n -> keyPrefix + n).toList()));
                    if (!deleted) {
                        distrust("Redis did not take a delete of " + batch.size() + " numbers");
                    }
                } finally {
                    release(batch); // after distrust: a reader sees the suspicion or the pending mark, never neither
                }
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (RuntimeException e) {
                // (an Error ends the worker: the queue then fills, the tier is distrusted for good — never stale)
                distrust("the Redis invalidation worker failed (" + e + ")");
                sleep();
            }
        }
    }

    private void wipeShared() throws InterruptedException {
        long target = wipeRequests.get();
        List<List<String>> dropped = new ArrayList<>();
        queue.drainTo(dropped); // covered by the wipe
        dropped.forEach(this::release);
        boolean done = redis.run(r -> {
            try (Cursor<String> keys = r.scan(ScanOptions.scanOptions().match(keyPrefix + "*").count(SCAN_BATCH)
                    .build())) {
                List<String> batch = new ArrayList<>();
                while (keys.hasNext()) {
                    batch.add(keys.next());
                    if (batch.size() == SCAN_BATCH) {
                        r.delete(batch);
                        batch.clear();
                    }
                }
                if (!batch.isEmpty()) {
                    r.delete(batch);
                }
            }
        });
        if (done) {
            wipedThrough = target;
            if (trusted()) {
                log.info("carrier cache: shared Redis tier wiped; it is shared again");
            }
        } else {
            Thread.sleep(RETRY_MILLIS);
        }
    }

    private void release(List<String> batch) {
        batch.forEach(n -> pending.computeIfPresent(n, (k, count) -> count == 1 ? null : count - 1));
        queued.addAndGet(-batch.size());
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Numbers waiting for their Redis delete (tests, statistics). */
    int queuedNumbers() {
        return queued.get();
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
    }
}
