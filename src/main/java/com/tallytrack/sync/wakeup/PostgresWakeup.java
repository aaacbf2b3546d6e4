package com.tallytrack.sync.wakeup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.tallytrack.sync.log.ChangeLog;

/**
 * PostgreSQL {@code LISTEN tallytrack_sync} on a dedicated connection (not from the pool, which could hand out a
 * connection that is then held forever). The triggers {@code pg_notify} at commit, so this sees application writes
 * and external SQL alike. On any failure it reconnects with backoff (100 ms doubling to 5 s) and wakes the tailer
 * once connected, to cover what it missed meanwhile. Every call on the connection is bounded
 * ({@link WakeupChannelProperties}): a silently dead connection is noticed by the check query within
 * {@code check-interval + socket-timeout}.
 */
public final class PostgresWakeup implements WakeupChannel {

    private static final Logger log = LoggerFactory.getLogger(PostgresWakeup.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private final int waitMillis;
    private final long checkEveryNanos;

    private final String url;
    private final Properties connectionProperties;
    private volatile boolean running;
    private volatile boolean connected;
    private volatile Connection connection;
    private volatile Thread thread;
    /** Counted down on the first connection attempt of the current start (a new one per start: restartable). */
    private volatile java.util.concurrent.CountDownLatch firstAttempt = new java.util.concurrent.CountDownLatch(1);

    public PostgresWakeup(String url, String username, String password, String applicationName) {
        this(url, username, password, applicationName, WakeupChannelProperties.DEFAULTS);
    }

    public PostgresWakeup(String url, String username, String password, String applicationName,
            WakeupChannelProperties bounds) {
        this.url = url;
        this.checkEveryNanos = bounds.checkInterval().toNanos();
        this.waitMillis = (int) Math.min(500, bounds.checkInterval().toMillis());
        this.connectionProperties = new Properties();
        if (username != null) {
            connectionProperties.setProperty("user", username);
        }
        if (password != null) {
            connectionProperties.setProperty("password", password);
        }
        connectionProperties.setProperty("ApplicationName", applicationName + "-listen");
        connectionProperties.setProperty("connectTimeout", WakeupChannelProperties.seconds(bounds.connectTimeout()));
        connectionProperties.setProperty("loginTimeout", WakeupChannelProperties.seconds(bounds.connectTimeout()));
        connectionProperties.setProperty("socketTimeout", WakeupChannelProperties.seconds(bounds.socketTimeout()));
        connectionProperties.setProperty("tcpKeepAlive", "true");
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public void start(Runnable onWake) {
        java.util.concurrent.CountDownLatch attempted = new java.util.concurrent.CountDownLatch(1);
        firstAttempt = attempted;
        running = true;
        Thread t = new Thread(() -> loop(onWake), "sync-pg-listen");
        t.setDaemon(true);
        thread = t;
        t.start();
        try {
            // listen before the node serves, so the first change after start-up already wakes it
            attempted.await(6, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop(Runnable onWake) {
        long backoff = 100;
        Thread me = Thread.currentThread();
        java.util.concurrent.CountDownLatch attempted = firstAttempt;
        // a thread that outlived its stop (stuck connecting) ends instead of running beside the next start's thread
        while (running && thread == me) {
            try (Connection c = DriverManager.getConnection(url, connectionProperties)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + ChangeLog.CHANNEL);
                }
                if (!connected) {
                    log.info("sync wake-up: listening on PostgreSQL channel {}", ChangeLog.CHANNEL);
                }
                connected = true;
                attempted.countDown();
                backoff = 100;
                onWake.run(); // catch up whatever was committed while we were not listening
                PGConnection pg = c.unwrap(PGConnection.class);
                long lastCheck = System.nanoTime();
                while (running && thread == me) {
                    PGNotification[] notifications = pg.getNotifications(waitMillis);
                    if (notifications != null && notifications.length > 0) {
                        onWake.run();
                    }
                    if (System.nanoTime() - lastCheck > checkEveryNanos) {
                        // a silently dropped connection shows up only when we talk to the server
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT 1");
                        }
                        lastCheck = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                if (connected) {
                    log.warn("sync wake-up: lost the PostgreSQL LISTEN connection ({}); reconnecting", e.getMessage());
                } else {
                    log.debug("sync wake-up: PostgreSQL LISTEN connection failed", e);
                }
                connected = false;
                attempted.countDown();
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            } finally {
                if (thread == me) {
                    connection = null;
                }
            }
        }
        if (thread == me) {
            connected = false;
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (thread == Thread.currentThread()) {
                running = false; // interrupted by stop()
            }
        }
    }

    @Override
    public boolean connected() {
        return connected;
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2000); // getNotifications returns within waitMillis
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                Connection c = connection;
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (SQLException ignored) {
                    // closing to unblock the thread
                }
                t.interrupt();
            }
        }
    }

    /** Test hook: drops the connection as a network failure would. */
    void dropConnection() {
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // it is going anyway
            }
        }
    }
}
