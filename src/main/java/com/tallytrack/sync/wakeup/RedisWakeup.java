package com.tallytrack.sync.wakeup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Redis pub/sub on channel {@code tallytrack:sync}. A node publishes after its own commit was applied; every
 * subscribed node wakes its tailer. Publishing is asynchronous and coalesced (a publish already waiting covers the
 * next one), so a slow or absent Redis never delays a writer. The listener container resubscribes with backoff when
 * Redis returns; meanwhile polling keeps the nodes converging.
 */
public final class RedisWakeup implements WakeupChannel {

    private static final Logger log = LoggerFactory.getLogger(RedisWakeup.class);
    static final String CHANNEL = "tallytrack:sync";

    private final RedisConnectionFactory connectionFactory;
    private final String nodeId;
    /** Created by each start and shut down by stop, so the channel can be stopped and started again. */
    private volatile ThreadPoolExecutor publisher;
    private final AtomicBoolean publishPending = new AtomicBoolean();
    private final LongAdder publishFailures = new LongAdder();
    private volatile RedisMessageListenerContainer container;
    private volatile boolean lastPublishFailed;
    private volatile boolean reachable;
    private volatile boolean running;
    private volatile Thread probe;

    public RedisWakeup(RedisConnectionFactory connectionFactory, String nodeId) {
        this.connectionFactory = connectionFactory;
        this.nodeId = nodeId;
    }

    private static ThreadPoolExecutor newPublisher() {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1), r -> {
            Thread t = new Thread(r, "sync-redis-publish");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public void start(Runnable onWake) {
        publishPending.set(false);
        publisher = newPublisher();
        RedisMessageListenerContainer c = new RedisMessageListenerContainer();
        c.setConnectionFactory(connectionFactory);
        ExponentialBackOff backOff = new ExponentialBackOff(100, 2.0);
        backOff.setMaxInterval(5000);
        c.setRecoveryBackoff(backOff);
        // a wake-up only releases the tailer's semaphore: run it on the client's thread instead of a new thread
        // per message (the container's default executor)
        c.setTaskExecutor(Runnable::run);
        c.addMessageListener((message, pattern) -> {
            onWake.run();
        }, new ChannelTopic(CHANNEL));
        c.afterPropertiesSet();
        try {
            c.start();
        } catch (RuntimeException e) {
            log.warn("sync wake-up: Redis is not reachable ({}); polling until it is", e.getMessage());
        }
        container = c;
        running = true;
        Thread t = new Thread(this::probeLoop, "sync-redis-probe");
        t.setDaemon(true);
        probe = t;
        t.start();
    }

    /**
     * Pings Redis every two seconds: a subscription survives an outage silently (the client reconnects and
     * resubscribes by itself), so reachability is what health reports.
     */
    private void probeLoop() {
        int deafProbes = 0;
        while (running && probe == Thread.currentThread()) {
            try (RedisConnection connection = connectionFactory.getConnection()) {
                connection.ping();
                if (!reachable) {
                    log.info("sync wake-up: Redis reachable");
                }
                reachable = true;
                // A container whose first subscription failed (Redis unreachable or slower than the connect timeout
                // at start-up) does not always retry by itself: subscribe it again once Redis answers.
                RedisMessageListenerContainer c = container;
                deafProbes = c != null && !c.isListening() ? deafProbes + 1 : 0;
                if (deafProbes >= 2 && running) {
                    deafProbes = 0;
                    log.info("sync wake-up: Redis answers but the subscription is not listening; subscribing again");
                    resubscribe(c);
                }
            } catch (RuntimeException e) {
                if (reachable) {
                    log.warn("sync wake-up: Redis unreachable ({}); changes arrive by polling", e.getMessage());
                }
                reachable = false;
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void resubscribe(RedisMessageListenerContainer c) {
        try {
            c.stop();
            c.start();
        } catch (RuntimeException e) {
            log.debug("sync wake-up: subscribing again failed", e);
        }
    }

    @Override
    public void announce() {
        ThreadPoolExecutor p = publisher;
        if (running && p != null && publishPending.compareAndSet(false, true)) {
            p.execute(() -> {
                publishPending.set(false);
                try (RedisConnection connection = connectionFactory.getConnection()) {
                    connection.publish(CHANNEL.getBytes(StandardCharsets.UTF_8),
                            nodeId.getBytes(StandardCharsets.UTF_8));
                    lastPublishFailed = false;
                } catch (RuntimeException e) {
                    publishFailures.increment();
                    if (!lastPublishFailed) {
                        log.warn("sync wake-up: could not publish to Redis ({}); other nodes poll", e.getMessage());
                    }
                    lastPublishFailed = true;
                }
            });
        }
    }

    @Override
    public boolean connected() {
        RedisMessageListenerContainer c = container;
        return reachable && c != null && c.isRunning() && c.isListening();
    }

    /** Subscribed to the channel now (the container resubscribes by itself after an outage). */
    public boolean listening() {
        RedisMessageListenerContainer c = container;
        return reachable && c != null && c.isRunning() && c.isListening();
    }

    long publishFailures() {
        return publishFailures.sum();
    }

    @Override
    public void stop() {
        running = false;
        Thread t = probe;
        if (t != null) {
            t.interrupt();
        }
        RedisMessageListenerContainer c = container;
        if (c != null) {
            try {
                c.stop();
                c.destroy();
            } catch (Exception e) {
                log.debug("stopping the Redis listener container", e);
            }
        }
        ThreadPoolExecutor p = publisher;
        if (p != null) {
            p.shutdownNow();
        }
    }
}
