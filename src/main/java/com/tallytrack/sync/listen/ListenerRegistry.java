package com.tallytrack.sync.listen;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.tallytrack.sync.ManifestChange;
import com.tallytrack.sync.ManifestChangeListener;
import com.tallytrack.sync.Registration;
import com.tallytrack.sync.SyncProperties;

/**
 * Who is notified of applied changes (同步监听器注册). Each listener has a mailbox: a bounded queue drained by at
 * most one pool thread at a time, so a listener sees its batches in order, and a slow or failing listener holds at
 * most one of the pool's threads and never the tailer (which only enqueues) or the writer.
 *
 * <p>Overflow: when a listener's queue is full, its queued batches are dropped and replaced by one
 * {@code invalidate_all} change — the listener learns that it missed something and must treat everything as
 * changed, instead of silently losing changes. Overflows are counted and logged.
 */
public final class ListenerRegistry {

    private static final Logger log = LoggerFactory.getLogger(ListenerRegistry.class);
    private static final int BATCHES_PER_TURN = 16;

    private final Map<Long, Mailbox> mailboxes = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ThreadPoolExecutor executor;
    private final SyncProperties properties;
    private final Clock clock;
    private final String nodeId;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder overflows = new LongAdder();
    private final LongAdder slow = new LongAdder();

    public ListenerRegistry(SyncProperties properties, Clock clock, String nodeId) {
        this.properties = properties;
        this.clock = clock;
        this.nodeId = nodeId;
        AtomicInteger threadNumber = new AtomicInteger();
        // Each mailbox is queued at most once at a time, so this queue holds at most one task per listener.
        this.executor = new ThreadPoolExecutor(properties.listenerThreads(), properties.listenerThreads(), 60,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "sync-listener-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.executor.allowCoreThreadTimeOut(true);
    }

    public Registration register(ManifestChangeListener listener) {
        long id = ids.incrementAndGet();
        Mailbox mailbox = new Mailbox(id, listener);
        mailboxes.put(id, mailbox);
        log.debug("sync listener registered: {}", listener.listenerName());
        return mailbox;
    }

    /** Hands a batch to every listener; never blocks. */
    public void publish(List<ManifestChange> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<ManifestChange> copy = List.copyOf(batch);
        mailboxes.values().forEach(m -> m.offer(copy));
    }

    public int active() {
        return mailboxes.size();
    }

    public record Figures(long delivered, long failures, long overflows, long slow,
            List<Map<String, Object>> listeners) {
    }

    public Figures figures() {
        List<Map<String, Object>> each = new ArrayList<>();
        mailboxes.values().forEach(m -> each.add(Map.of("name", m.listener.listenerName(), "queued", m.queue.size(),
                "delivered", m.delivered.sum(), "failures", m.failures.sum(), "overflows", m.overflows.sum())));
        return new Figures(delivered.sum(), failures.sum(), overflows.sum(), slow.sum(), each);
    }

    public void shutdown() {
        mailboxes.clear();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private final class Mailbox implements Registration, Runnable {

        private final long id;
        private final ManifestChangeListener listener;
        private final BlockingQueue<List<ManifestChange>> queue =
                new ArrayBlockingQueue<>(properties.listenerQueueCapacity());
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final LongAdder delivered = new LongAdder();
        private final LongAdder failures = new LongAdder();
        private final LongAdder overflows = new LongAdder();
        private volatile boolean active = true;

        Mailbox(long id, ManifestChangeListener listener) {
            this.id = id;
            this.listener = listener;
        }

        void offer(List<ManifestChange> batch) {
            if (!queue.offer(batch)) {
                synchronized (this) {
                    queue.clear();
                    long latest = batch.get(batch.size() - 1).sequence();
                    queue.offer(List.of(new ManifestChange(latest, ManifestChange.INVALIDATE_ALL, null, null, null,
                            null, null, nodeId, clock.instant())));
                }
                overflows.increment();
                ListenerRegistry.this.overflows.increment();
                log.warn("sync listener {} is {} batches behind: its queue was replaced by one invalidate_all",
                        listener.listenerName(), properties.listenerQueueCapacity());
            }
            schedule();
        }

        private void schedule() {
            if (active && scheduled.compareAndSet(false, true)) {
                try {
                    executor.execute(this);
                } catch (RejectedExecutionException e) {
                    scheduled.set(false); // shutting down
                }
            }
        }

        @Override
        public void run() {
            try {
                for (int i = 0; i < BATCHES_PER_TURN && active; i++) {
                    List<ManifestChange> batch = queue.poll();
                    if (batch == null) {
                        break;
                    }
                    deliver(batch);
                }
            } finally {
                scheduled.set(false);
            }
            if (!queue.isEmpty()) {
                schedule(); // give other listeners a turn first, then continue
            }
        }

        private void deliver(List<ManifestChange> batch) {
            long start = System.nanoTime();
            try {
                listener.onChanges(batch);
                delivered.increment();
                ListenerRegistry.this.delivered.increment();
            } catch (RuntimeException | Error e) {
                failures.increment();
                ListenerRegistry.this.failures.increment();
                log.warn("sync listener {} failed on {} changes (seq {}..{}); it stays registered",
                        listener.listenerName(), batch.size(), batch.get(0).sequence(),
                        batch.get(batch.size() - 1).sequence(), e);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (took.compareTo(properties.slowListenerThreshold()) > 0) {
                slow.increment();
                log.warn("sync listener {} took {} ms for {} changes", listener.listenerName(), took.toMillis(),
                        batch.size());
            }
        }

        @Override
        public void close() {
            active = false;
            queue.clear();
            if (mailboxes.remove(id) != null) {
                log.debug("sync listener unregistered: {}", listener.listenerName());
            }
        }

        @Override
        public boolean isActive() {
            return active;
        }
    }
}
