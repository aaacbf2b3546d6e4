package com.tallytrack.carrier.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.carrier.CarrierQuery;
import com.tallytrack.carrier.CarrierSubscriptions;
import com.tallytrack.carrier.CarrierSubscriptions.Subscription;

/**
 * Table {@code carrier_subscription}. The worker's {@link #claimDue} locks due rows ({@code FOR UPDATE SKIP LOCKED}
 * on PostgreSQL, so several nodes take disjoint rows; a plain {@code FOR UPDATE} on the single-node H2), leases them
 * by moving {@code next_attempt_at} past the lease and commits before any carrier call: a row is worked by one node
 * at a time and no network call happens while a row lock is held.
 */
public class SubscriptionStore implements CarrierSubscriptions {

    /** The most numbers {@link #subscribeAll} puts into one statement. */
    private static final int SUBSCRIBE_CHUNK = 1_000;

    private static final String COLUMNS = "query_number, company_code, state, attempts, resubscribes, last_code, "
            + "last_message, next_attempt_at, subscribed_at, last_push_at, created_at, updated_at";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final boolean postgres;
    private final boolean enabled;
    private final Clock clock;

    public SubscriptionStore(JdbcClient jdbc, PlatformTransactionManager transactionManager, DataSource dataSource,
            boolean enabled, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.postgres = isPostgres(dataSource);
        this.enabled = enabled;
        this.clock = clock;
    }

    private static boolean isPostgres(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException("the database could not be asked for its product name", e);
        }
    }

    @Override
    public boolean enabled() {
        return enabled;
    }

    @Override
    public boolean subscribe(String queryNumber, String companyCode) {
        if (!enabled || queryNumber == null || queryNumber.isBlank() || queryNumber.length() > 32) {
            // Kuaidi100 subscribes numbers of at most 32 characters (protocol §7)
            return false;
        }
        String company = companyCode == null || companyCode.isBlank() || CarrierQuery.AUTO.equals(companyCode) ? null
                : companyCode;
        Timestamp now = Timestamp.from(clock.instant());
        String insert = "INSERT INTO carrier_subscription (" + COLUMNS + ") ";
        try {
            int rows;
            if (postgres) {
                rows = jdbc.sql(insert + "VALUES (:n, :c, 'pending', 0, 0, NULL, NULL, :now, NULL, NULL, :now, :now) "
                        + "ON CONFLICT (query_number) DO NOTHING")
                        .param("n", queryNumber).param("c", company).param("now", now).update();
            } else {
                rows = jdbc.sql(insert + "SELECT :n, :c, 'pending', 0, 0, NULL, NULL, :now, NULL, NULL, :now, :now "
                        + "FROM (VALUES (1)) AS one(x) WHERE NOT EXISTS "
                        + "(SELECT 1 FROM carrier_subscription WHERE query_number = :n)")
                        .param("n", queryNumber).param("c", company).param("now", now).update();
            }
            return rows == 1;
        } catch (DuplicateKeyException e) {
            // subscribed by a concurrent caller in the meantime: that is the idempotent outcome
            return false;
        }
    }

    @Override
    public int subscribeAll(Collection<String> queryNumbers) {
        if (!enabled) {
            return 0;
        }
        // sorted: every node subscribes a batch in the same chunks, and each statement inserts (and locks) its new
        // numbers in one order, so two nodes subscribing the same batch wait for each other instead of deadlocking
        TreeSet<String> numbers = new TreeSet<>();
        for (String n : queryNumbers) {
            if (n != null && !n.isBlank() && n.length() <= 32) {
                numbers.add(n);
            }
        }
        int added = 0;
        List<String> chunk = new ArrayList<>(Math.min(numbers.size(), SUBSCRIBE_CHUNK));
        for (String n : numbers) {
            chunk.add(n);
            if (chunk.size() == SUBSCRIBE_CHUNK) {
                added += insertNew(chunk);
                chunk.clear();
            }
        }
        return chunk.isEmpty() ? added : added + insertNew(chunk);
    }

    /** One statement: the numbers not subscribed yet become pending subscriptions; the others are left alone. */
    private int insertNew(List<String> numbers) {
        Timestamp now = Timestamp.from(clock.instant());
        String[] array = numbers.toArray(String[]::new);
        String insert = "INSERT INTO carrier_subscription (" + COLUMNS + ") SELECT t.n, NULL, 'pending', 0, 0, NULL, "
                + "NULL, :now, NULL, NULL, :now, :now ";
        if (postgres) {
            // a number another session is inserting is waited for, then left alone
            return jdbc.sql(insert + "FROM unnest(CAST(:ns AS varchar[])) AS t(n) ORDER BY t.n "
                    + "ON CONFLICT (query_number) DO NOTHING").param("ns", array).param("now", now).update();
        }
        try {
            return jdbc.sql(insert + "FROM UNNEST(CAST(:ns AS VARCHAR ARRAY)) AS t(n) WHERE NOT EXISTS "
                    + "(SELECT 1 FROM carrier_subscription s WHERE s.query_number = t.n) ORDER BY t.n")
                    .param("ns", array).param("now", now).update();
        } catch (DuplicateKeyException e) {
            // H2: another session inserted one of them and committed meanwhile; one at a time then, each idempotent
            int added = 0;
            for (String n : numbers) {
                if (subscribe(n, null)) {
                    added++;
                }
            }
            return added;
        }
    }

    @Override
    public Optional<Subscription> find(String queryNumber) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM carrier_subscription WHERE query_number = :n")
                .param("n", queryNumber).query(SubscriptionStore::row).optional();
    }

    @Override
    public Subscription resubscribe(String queryNumber) {
        Timestamp now = Timestamp.from(clock.instant());
        int updated = jdbc.sql("UPDATE carrier_subscription SET state = 'pending', attempts = 0, resubscribes = 0, "
                + "next_attempt_at = :now, updated_at = :now WHERE query_number = :n")
                .param("n", queryNumber).param("now", now).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO carrier_subscription (" + COLUMNS + ") VALUES (:n, NULL, 'pending', 0, 0, NULL, "
                    + "NULL, :now, NULL, NULL, :now, :now)").param("n", queryNumber).param("now", now).update();
        }
        return find(queryNumber).orElseThrow();
    }

    /** Takes up to {@code limit} due subscriptions for this node and leases them for {@code lease}. */
    public List<Subscription> claimDue(int limit, Duration lease) {
        Instant now = clock.instant();
        return transactions.execute(status -> {
            List<Subscription> due = jdbc.sql("SELECT " + COLUMNS + " FROM carrier_subscription "
                    + "WHERE state IN ('pending', 'abort') AND next_attempt_at <= :now ORDER BY next_attempt_at "
                    + "FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE" + (postgres ? " SKIP LOCKED" : ""))
                    .param("now", Timestamp.from(now)).query(SubscriptionStore::row).list();
            for (Subscription s : due) {
                jdbc.sql("UPDATE carrier_subscription SET next_attempt_at = :lease WHERE query_number = :n")
                        .param("lease", Timestamp.from(now.plus(lease))).param("n", s.queryNumber()).update();
            }
            return due;
        });
    }

    /** Records a subscribe reply: the new state, the attempt counted, the reply kept. */
    public void recordReply(String queryNumber, String state, String code, String message, Instant nextAttempt,
            boolean resetAttempts, boolean countResubscribe) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("UPDATE carrier_subscription SET state = :state, "
                + "attempts = " + (resetAttempts ? "0" : "attempts + 1") + ", "
                + "resubscribes = resubscribes + " + (countResubscribe ? "1" : "0") + ", "
                + "last_code = :code, last_message = :message, next_attempt_at = :next, "
                + "subscribed_at = CASE WHEN :active THEN :now ELSE subscribed_at END, updated_at = :now "
                + "WHERE query_number = :n")
                .param("state", state).param("code", code).param("message", truncate(message, 500))
                .param("next", nextAttempt == null ? null : Timestamp.from(nextAttempt))
                .param("active", Subscription.ACTIVE.equals(state)).param("now", now).param("n", queryNumber)
                .update();
    }

    /**
     * Records a push: {@code polling}/{@code updateall} keep it active, {@code shutdown} ends it, {@code abort}
     * schedules one re-subscription after {@code resubscribeDelay} unless {@code maxResubscribes} are used up, and an
     * abort with a corrected carrier ({@code comNew}) switches the company (Kuaidi100 re-subscribed it itself).
     */
    public void recordPush(String queryNumber, String pushStatus, String message, String comNew,
            Duration resubscribeDelay, int maxResubscribes) {
        Instant now = clock.instant();
        transactions.executeWithoutResult(status -> {
            Optional<Subscription> locked = jdbc.sql("SELECT " + COLUMNS
                    + " FROM carrier_subscription WHERE query_number = :n FOR UPDATE").param("n", queryNumber)
                    .query(SubscriptionStore::row).optional();
            if (locked.isEmpty()) {
                return;
            }
            Subscription s = locked.get();
            String state;
            Instant next = null;
            String company = s.companyCode();
            switch (pushStatus == null ? "" : pushStatus) {
                case "shutdown" -> state = Subscription.SHUTDOWN;
                case "abort" -> {
                    if (comNew != null && !comNew.isBlank()) {
                        company = comNew.strip().toLowerCase(Locale.ROOT);
                        state = Subscription.ACTIVE;
                    } else {
                        state = Subscription.ABORT;
                        if (s.resubscribes() < maxResubscribes) {
                            next = now.plus(resubscribeDelay);
                        }
                    }
                }
                default -> state = Subscription.SHUTDOWN.equals(s.state()) ? Subscription.SHUTDOWN
                        : Subscription.ACTIVE;
            }
            jdbc.sql("UPDATE carrier_subscription SET state = :state, company_code = :company, last_code = :code, "
                    + "last_message = :message, next_attempt_at = :next, last_push_at = :now, updated_at = :now "
                    + "WHERE query_number = :n")
                    .param("state", state).param("company", company).param("code", truncate(pushStatus, 20))
                    .param("message", truncate(message, 500)).param("next", next == null ? null : Timestamp.from(next))
                    .param("now", Timestamp.from(now)).param("n", queryNumber).update();
        });
    }

    /** Active subscriptions, oldest first (the simulator's push loop). */
    public List<Subscription> active(int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM carrier_subscription WHERE state = 'active' "
                + "ORDER BY subscribed_at FETCH FIRST " + limit + " ROWS ONLY").query(SubscriptionStore::row).list();
    }

    /** Subscriptions by state (the {@code tallytrack.carrier.subscriptions} gauge). */
    public long count(String state) {
        return jdbc.sql("SELECT COUNT(*) FROM carrier_subscription WHERE state = :s").param("s", state)
                .query(Long.class).single();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Subscription row(ResultSet rs, int i) throws SQLException {
        return new Subscription(rs.getString("query_number"), rs.getString("company_code"), rs.getString("state"),
                rs.getInt("attempts"), rs.getInt("resubscribes"), rs.getString("last_code"),
                rs.getString("last_message"), instant(rs, "next_attempt_at"), instant(rs, "subscribed_at"),
                instant(rs, "last_push_at"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }
}
