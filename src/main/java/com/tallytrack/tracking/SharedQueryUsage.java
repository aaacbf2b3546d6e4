package com.tallytrack.tracking;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The public query's use per client address, shared by the nodes through {@code query_rate_usage}, so the rate
 * limit holds for the cluster and not per node. The hot path stays in memory: a query only reads what this node
 * last learned of the other nodes' use in the current one-minute window; a background task adds this node's use
 * to the table and reads the totals back every {@code tallytrack.query.rate-limit-sync.interval} (1 s). The
 * cluster may therefore exceed the limit by what the other nodes served within one interval. A database outage
 * only stops the sharing (each node still limits on its own).
 */
@Component
class SharedQueryUsage implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SharedQueryUsage.class);
    // beyond this many addresses in one window new ones are limited by their node only (memory stays bounded)
    private static final int MAX_TRACKED = 200_000;
    private static final int READ_CHUNK = 500;

    /**
     * One address in one window: used here, already added to the table, and what the other nodes had used when
     * the totals were last read back (the total then, less what this node had added by then: kept as one figure,
     * so that this node's adding more before the next read cannot make the others' use look smaller).
     */
    private static final class Usage {
        final long window;
        int local;
        int pushed;
        int others;

        Usage(long window) {
            this.window = window;
        }
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, Usage> usage = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    SharedQueryUsage(JdbcClient jdbc, Optional<Clock> clock, QueryRateSyncProperties properties) {
        Duration interval = properties.interval();
        this.jdbc = jdbc;
        this.clock = clock.orElse(Clock.systemUTC());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "query-rate-sync");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        timer.scheduleWithFixedDelay(this::syncQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    long window() {
        return clock.millis() / 60_000L;
    }

    /** Seconds until the current window ends (the Retry-After of a refusal for the cluster's use). */
    long secondsLeftInWindow() {
        return Math.max(1, (60_000L - clock.millis() % 60_000L + 999) / 1000);
    }

    /** Whether {@code cost} more fits into the limit, counting what the other nodes used in this window. */
    boolean allows(String ip, int cost, int perMinute) {
        Usage u = usage.get(ip);
        if (u == null || u.window != window()) {
            return true;
        }
        synchronized (u) {
            return u.others == 0 || u.others + u.local + cost <= perMinute;
        }
    }

    void took(String ip, int cost) {
        long w = window();
        if (usage.size() >= MAX_TRACKED && !usage.containsKey(ip)) {
            return;
        }
        Usage u = usage.compute(ip, (k, old) -> old == null || old.window != w ? new Usage(w) : old);
        synchronized (u) {
            u.local += cost;
        }
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (DataAccessException e) {
            log.debug("query rate usage not shared this round: {}", e.toString());
        } catch (RuntimeException e) {
            log.warn("query rate usage not shared this round: {}", e.toString());
        }
    }

    /** Adds this node's new use to the table, reads the cluster totals back, forgets past windows. */
    void sync() {
        long w = window();
        List<String> active = new ArrayList<>();
        for (Map.Entry<String, Usage> e : usage.entrySet()) {
            Usage u = e.getValue();
            if (u.window != w) {
                usage.remove(e.getKey(), u);
                continue;
            }
            int delta;
            synchronized (u) {
                delta = u.local - u.pushed;
            }
            if (delta > 0) {
                add(e.getKey(), w, delta);
                synchronized (u) {
                    u.pushed += delta;
                }
            }
            active.add(e.getKey());
        }
        for (int i = 0; i < active.size(); i += READ_CHUNK) {
            List<String> chunk = active.subList(i, Math.min(active.size(), i + READ_CHUNK));
            jdbc.sql("SELECT client_ip, used FROM query_rate_usage WHERE window_id = :w AND client_ip IN (:ips)")
                    .param("w", w).param("ips", chunk)
                    .query((rs, row) -> {
                        Usage u = usage.get(rs.getString("client_ip"));
                        if (u != null && u.window == w) {
                            synchronized (u) {
                                // only this thread adds to pushed, and every add of this round is committed
                                u.others = Math.max(0, rs.getInt("used") - u.pushed);
                            }
                        }
                        return null;
                    }).list();
        }
        jdbc.sql("DELETE FROM query_rate_usage WHERE window_id < :old").param("old", w - 1).update();
    }

    private void add(String ip, long w, int delta) {
        String update = "UPDATE query_rate_usage SET used = used + :d WHERE client_ip = :ip AND window_id = :w";
        if (jdbc.sql(update).param("d", delta).param("ip", ip).param("w", w).update() == 0) {
            try {
                jdbc.sql("INSERT INTO query_rate_usage (client_ip, window_id, used) VALUES (:ip, :w, :d)")
                        .param("ip", ip).param("w", w).param("d", delta).update();
            } catch (DuplicateKeyException anotherNodeFirst) {
                jdbc.sql(update).param("d", delta).param("ip", ip).param("w", w).update();
            }
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
