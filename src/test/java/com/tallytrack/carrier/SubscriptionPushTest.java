package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

import com.tallytrack.carrier.CarrierSubscriptions.Subscription;
import com.tallytrack.carrier.internal.CarrierMetrics;
import com.tallytrack.carrier.internal.CarrierProperties;
import com.tallytrack.carrier.internal.CarrierResultStore;
import com.tallytrack.carrier.internal.SubscribeChannel;
import com.tallytrack.carrier.internal.SubscriptionStore;
import com.tallytrack.carrier.internal.SubscriptionWorker;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Subscriptions and pushes against the local Kuaidi100 stub (protocol §4, §5.2 vectors), over real HTTP: the
 * subscribe request's exact fields, every reply code, the callback's checks, storing and serving pushed results with
 * no real-time query, replays and out-of-order pushes, abort and shutdown.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc
@ActiveProfiles("test")
class SubscriptionPushTest {

    static final String TOKEN = "test-token-0123456789abcdef";
    static final String CALLBACK_PATH = "/api/v1/carrier/kuaidi100/callback";
    static final Kuaidi100Stub STUB;
    static {
        try {
            STUB = new Kuaidi100Stub();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void carrier(DynamicPropertyRegistry registry) {
        registry.add("tallytrack.carrier.provider", () -> "kuaidi100");
        registry.add("tallytrack.carrier.kuaidi100.customer", () -> Kuaidi100Stub.CUSTOMER);
        registry.add("tallytrack.carrier.kuaidi100.key", () -> Kuaidi100Stub.KEY);
        registry.add("tallytrack.carrier.kuaidi100.query-url", () -> STUB.queryUrl().toString());
        registry.add("tallytrack.carrier.kuaidi100.autonumber-url", () -> STUB.autonumberUrl().toString());
        registry.add("tallytrack.carrier.kuaidi100.subscribe-url", () -> STUB.subscribeUrl().toString());
        registry.add("tallytrack.carrier.kuaidi100.push.enabled", () -> "true");
        registry.add("tallytrack.carrier.kuaidi100.push.callback-url",
                () -> "https://track.example.com" + CALLBACK_PATH + "?token=" + TOKEN);
        registry.add("tallytrack.carrier.kuaidi100.push.salt", () -> "testsalt");
        // the tests drive the worker themselves
        registry.add("tallytrack.carrier.kuaidi100.push.worker-interval", () -> "1h");
        registry.add("tallytrack.carrier.kuaidi100.push.max-param-size", () -> "4096");
    }

    @AfterAll
    static void stopStub() {
        STUB.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    CarrierSubscriptions subscriptions;
    @Autowired
    SubscriptionWorker worker;
    @Autowired
    CarrierResultStore results;
    @Autowired
    CarrierService carrier;
    @Autowired
    MeterRegistry meters;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    CarrierMetrics metrics;
    @Autowired
    CarrierProperties properties;
    @Autowired
    org.springframework.test.web.servlet.MockMvc mvc;
    @Autowired
    org.springframework.context.ApplicationContext context;

    URI callback(String token) {
        return URI.create("http://127.0.0.1:" + port + CALLBACK_PATH + (token == null ? "" : "?token=" + token));
    }

    static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36).toUpperCase();
    }

    static final java.time.LocalDateTime BASE = java.time.LocalDateTime.now(Milestones.CARRIER_ZONE).minusDays(3)
            .withNano(0);

    /** The C1 vector's shape for another number, with {@code events} events (one an hour from three days ago, newest first). */
    static String push(String number, String status, int events, String newestCode) {
        StringBuilder data = new StringBuilder();
        for (int i = events; i >= 1; i--) {
            if (data.length() > 0) {
                data.append(',');
            }
            String t = BASE.plusHours(i).format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
            data.append("{\"time\":\"").append(t).append("\",\"ftime\":\"").append(t)
                    .append("\",\"context\":\"事件").append(i).append("\",\"location\":\"杭州\",\"statusCode\":\"")
                    .append(i == events ? newestCode : "0").append("\"}");
        }
        return "{\"status\":\"" + status + "\",\"billstatus\":\"\",\"message\":\"\",\"autoCheck\":\"0\",\"comOld\":\"\","
                + "\"comNew\":\"\",\"lastResult\":{\"message\":\"ok\",\"nu\":\"" + number + "\",\"ischeck\":\"0\","
                + "\"com\":\"yuantong\",\"status\":\"200\",\"state\":\"" + newestCode + "\",\"data\":[" + data + "]}}";
    }

    double rejected(String reason) {
        var c = meters.find("tallytrack.carrier.callbacks").tag("result", "rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    Subscription subscribeActive(String number) {
        subscriptions.subscribe(number, "yuantong");
        worker.runOnce();
        return subscriptions.find(number).orElseThrow();
    }

    @Test
    void theSubscribeRequestCarriesExactlyTheDocumentedFields() throws Exception {
        String number = unique("YTS");
        assertThat(subscriptions.subscribe(number, "yuantong")).isTrue();
        assertThat(subscriptions.subscribe(number, "yuantong")).as("idempotent").isFalse();
        worker.runOnce();

        Map<String, String> form = STUB.subscribes().stream()
                .filter(f -> f.getOrDefault("param", "").contains(number)).findFirst().orElseThrow();
        assertThat(form.keySet()).containsExactly("schema", "param");
        assertThat(form.get("schema")).isEqualTo("json");
        assertThat(form.get("param")).isEqualTo("{\"company\":\"yuantong\",\"number\":\"" + number + "\",\"from\":\"\","
                + "\"to\":\"\",\"key\":\"" + Kuaidi100Stub.KEY + "\",\"parameters\":{\"callbackurl\":"
                + "\"https://track.example.com" + CALLBACK_PATH + "?token=" + TOKEN + "\",\"salt\":\"testsalt\","
                + "\"resultv2\":\"4\"}}");
        Subscription s = subscriptions.find(number).orElseThrow();
        assertThat(s.state()).isEqualTo("active");
        assertThat(s.lastCode()).isEqualTo("200");
        assertThat(s.subscribedAt()).isNotNull();

        // a package number without a known company: Kuaidi100 detects it (autoCom=1, empty company)
        String pkg = unique("PKS");
        subscriptions.subscribe(pkg, null);
        worker.runOnce();
        String param = STUB.subscribes().stream().map(f -> f.getOrDefault("param", ""))
                .filter(p -> p.contains(pkg)).findFirst().orElseThrow();
        assertThat(JsonMapper.builder().build().readTree(param).path("company").asString()).isEmpty();
        assertThat(JsonMapper.builder().build().readTree(param).path("parameters").path("autoCom").asString())
                .isEqualTo("1");
        assertThat(subscriptions.find(pkg).orElseThrow().state()).isEqualTo("active");
    }

    @Test
    void eachSubscribeReplyCodeIsHandled() {
        String dup = unique("YTD");
        STUB.thenSubscribe(Kuaidi100Stub.Reply.returnCode("501", "POLL:重复订阅"));
        assertThat(subscribeActive(dup).state()).as("501 duplicate = already tracked").isEqualTo("active");

        String busy = unique("YTB");
        STUB.thenSubscribe(Kuaidi100Stub.Reply.returnCode("500", "服务器错误"));
        Subscription retried = subscribeActive(busy);
        assertThat(retried.state()).isEqualTo("pending");
        assertThat(retried.attempts()).isEqualTo(1);
        assertThat(retried.lastCode()).isEqualTo("500");
        assertThat(retried.nextAttemptAt()).isAfter(Instant.now().plusSeconds(30));

        String bad = unique("YTX");
        STUB.thenSubscribe(Kuaidi100Stub.Reply.returnCode("700", "POLL:不支持的快递公司：xxx"));
        Subscription failed = subscribeActive(bad);
        assertThat(failed.state()).isEqualTo("failed");
        assertThat(failed.lastCode()).isEqualTo("700");
        assertThat(failed.lastMessage()).isEqualTo("POLL:不支持的快递公司：xxx");

        for (String code : List.of("701", "702", "600", "601")) {
            String n = unique("YTF" + code);
            STUB.thenSubscribe(Kuaidi100Stub.Reply.returnCode(code, "refused " + code));
            assertThat(subscribeActive(n).state()).as(code).isEqualTo("failed");
        }
        int before = STUB.subscribes().size();
        worker.runOnce();
        assertThat(STUB.subscribes().size()).as("failed ones are not retried, the 500 not yet due").isEqualTo(before);
    }

    @Test
    void aValidPushIsStoredAnsweredAndServedWithoutRealTimeQueries() throws Exception {
        // vector C1 exactly as Kuaidi100 sends it (salt testsalt)
        subscribeActive("YT1234567890123");
        Kuaidi100Stub.PushAnswer answer = Kuaidi100Stub.push(callback(TOKEN), Kuaidi100Stub.C1, "testsalt");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"result\":true,\"returnCode\":\"200\",\"message\":\"成功\"}");
        StoredCarrierResult stored = results.find("YT1234567890123").orElseThrow();
        assertThat(stored.source()).isEqualTo("push");
        assertThat(stored.result().tracks()).hasSize(2);
        // C1's events are of May 2024: long past tallytrack.carrier.expire-after
        assertThat(stored.result().milestone()).isEqualTo(Milestone.EXPIRED);

        // the carrier-economy figure: 10 subscribed packages, 1,000 customer queries after their first push
        int before = STUB.queryCalls() + STUB.autonumberCalls();
        List<String> packages = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String n = unique("YTE" + i);
            subscribeActive(n);
            assertThat(Kuaidi100Stub.push(callback(TOKEN), push(n, "polling", 3, "1001"), "testsalt").status())
                    .isEqualTo(200);
            packages.add(n);
        }
        for (int q = 0; q < 1000; q++) {
            CarrierLookup lookup = carrier.track(new CarrierQuery(packages.get(q % 10), "auto", null));
            assertThat(lookup.success()).isTrue();
            assertThat(lookup.source()).isEqualTo("push");
            assertThat(lookup.cached()).isTrue();
        }
        assertThat(STUB.queryCalls() + STUB.autonumberCalls() - before).as("real-time queries").isZero();
        assertThat(meters.find("tallytrack.carrier.queries.avoided").counter().count()).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void aPushIsAnsweredWithinASecondWhileThisNodesSyncIsBusy() throws Exception {
        String n = unique("YTB");
        subscribeActive(n);
        // the sync path slow: this node's tailer holds its apply lock (a long catch-up) for the whole push
        Object tailer = context.getBean(com.tallytrack.sync.tail.ChangeLogTailer.class);
        java.lang.reflect.Field field = tailer.getClass().getDeclaredField("applyLock");
        field.setAccessible(true);
        java.util.concurrent.locks.ReentrantLock applyLock = (java.util.concurrent.locks.ReentrantLock) field.get(tailer);
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> {
            applyLock.lock();
            try {
                held.countDown();
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                applyLock.unlock();
            }
        });
        holder.start();
        try {
            assertThat(held.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            Kuaidi100Stub.PushAnswer answer = Kuaidi100Stub.push(callback(TOKEN), push(n, "polling", 3, "1001"),
                    "testsalt");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(took).as("answered while sync was busy").isLessThan(Duration.ofSeconds(1));
            // stored first, and this node serves it at once without a carrier call
            assertThat(results.find(n)).isPresent();
            int before = STUB.queryCalls() + STUB.autonumberCalls();
            assertThat(carrier.track(new CarrierQuery(n, "auto", null)).source()).isEqualTo("push");
            assertThat(STUB.queryCalls() + STUB.autonumberCalls() - before).isZero();
        } finally {
            release.countDown();
            holder.join(10_000);
        }
    }

    @Test
    void badSignBadTokenMalformedOversizedAndUnknownNumbersChangeNothing() throws Exception {
        String n = unique("YTR");
        subscribeActive(n);
        String param = push(n, "polling", 2, "0");

        assertThat(Kuaidi100Stub.pushSigned(callback(TOKEN), param, Kuaidi100Stub.md5Upper(param + "wrong")).status())
                .isEqualTo(403);
        assertThat(Kuaidi100Stub.pushSigned(callback(TOKEN), param,
                Kuaidi100Stub.md5Upper(param + "testsalt").toLowerCase()).status()).as("lower-case sign").isEqualTo(403);
        assertThat(Kuaidi100Stub.pushSigned(callback(TOKEN), param, null).status()).as("no sign").isEqualTo(403);
        assertThat(Kuaidi100Stub.push(callback("wrong-token-0123456789"), param, "testsalt").status()).isEqualTo(403);
        Kuaidi100Stub.PushAnswer noToken = Kuaidi100Stub.push(callback(null), param, "testsalt");
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.body()).contains("\"result\":false").contains("bad_token").doesNotContain(n);
        assertThat(Kuaidi100Stub.push(callback(TOKEN), "{not json", "testsalt").status()).isEqualTo(400);
        assertThat(Kuaidi100Stub.push(callback(TOKEN), "{\"status\":\"polling\"}", "testsalt").status())
                .isEqualTo(400);
        assertThat(Kuaidi100Stub.push(callback(TOKEN), push(n, "polling", 60, "0"), "testsalt").status())
                .as("over max-param-size").isEqualTo(413);
        String stranger = unique("YTU");
        assertThat(Kuaidi100Stub.push(callback(TOKEN), push(stranger, "polling", 2, "0"), "testsalt").status())
                .isEqualTo(404);

        assertThat(results.find(n)).isEmpty();
        assertThat(results.find(stranger)).isEmpty();
        assertThat(rejected("bad_sign")).isGreaterThanOrEqualTo(3);
        assertThat(rejected("bad_token")).isGreaterThanOrEqualTo(2);
        assertThat(rejected("malformed")).isGreaterThanOrEqualTo(2);
        assertThat(rejected("oversized")).isGreaterThanOrEqualTo(1);
        assertThat(rejected("unknown_number")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void replayedAndOutOfOrderPushesChangeNothing() throws Exception {
        String n = unique("YTO");
        subscribeActive(n);
        assertThat(Kuaidi100Stub.push(callback(TOKEN), push(n, "polling", 3, "5"), "testsalt").status())
                .isEqualTo(200);
        StoredCarrierResult first = results.find(n).orElseThrow();

        // Kuaidi100 retries a push it thinks failed, and an older trace may arrive late
        assertThat(Kuaidi100Stub.push(callback(TOKEN), push(n, "polling", 3, "5"), "testsalt").status())
                .isEqualTo(200);
        assertThat(Kuaidi100Stub.push(callback(TOKEN), push(n, "polling", 2, "1002"), "testsalt").status())
                .isEqualTo(200);
        StoredCarrierResult after = results.find(n).orElseThrow();
        assertThat(after).isEqualTo(first);
        assertThat(after.result().milestone()).isEqualTo(Milestone.OUT_FOR_DELIVERY);
    }

    @Test
    void shutdownEndsTheSubscriptionWithAFinalResult() throws Exception {
        String n = unique("YTZ");
        subscribeActive(n);
        assertThat(Kuaidi100Stub.push(callback(TOKEN), push(n, "shutdown", 4, "301"), "testsalt").status())
                .isEqualTo(200);
        assertThat(subscriptions.find(n).orElseThrow().state()).isEqualTo("shutdown");
        assertThat(subscriptions.find(n).orElseThrow().nextAttemptAt()).isNull();
        assertThat(results.find(n).orElseThrow().result().milestone()).isEqualTo(Milestone.DELIVERED);
        assertThat(results.find(n).orElseThrow().result().isFinal()).isTrue();
        // a late polling push neither reopens the subscription nor downgrades the result
        Kuaidi100Stub.push(callback(TOKEN), push(n, "polling", 3, "5"), "testsalt");
        assertThat(subscriptions.find(n).orElseThrow().state()).isEqualTo("shutdown");
        assertThat(results.find(n).orElseThrow().result().milestone()).isEqualTo(Milestone.DELIVERED);
    }

    /** abort → one re-subscription after the 30-minute interval, at most max-resubscribes times (a moved clock). */
    @Test
    void abortResubscribesAfterTheIntervalAndAtMostNTimes() throws Exception {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        SubscriptionStore store = new SubscriptionStore(jdbc, transactions, dataSource, true, clock);
        CarrierProperties.Push push = properties.kuaidi100().push();
        SubscribeChannel channel = new com.tallytrack.carrier.internal.Kuaidi100Subscriber(properties.kuaidi100());
        SubscriptionWorker clocked = new SubscriptionWorker(store, channel, push, metrics, clock, false);
        String n = unique("YTA");
        store.subscribe(n, "yuantong");
        clocked.runOnce();
        assertThat(store.find(n).orElseThrow().state()).isEqualTo("active");

        for (int round = 1; round <= push.maxResubscribes(); round++) {
            store.recordPush(n, "abort", "3天查询无记录", "", push.resubscribeDelay(), push.maxResubscribes());
            Subscription aborted = store.find(n).orElseThrow();
            assertThat(aborted.state()).isEqualTo("abort");
            assertThat(aborted.nextAttemptAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
            int sent = STUB.subscribesByNumber().get(n).get();
            clock.advance(Duration.ofMinutes(29));
            clocked.runOnce();
            assertThat(STUB.subscribesByNumber().get(n).get()).as("not before 30 minutes").isEqualTo(sent);
            clock.advance(Duration.ofMinutes(2));
            clocked.runOnce();
            assertThat(STUB.subscribesByNumber().get(n).get()).isEqualTo(sent + 1);
            // the stub still tracks it from before: 501, which counts as active
            Subscription again = store.find(n).orElseThrow();
            assertThat(again.state()).isEqualTo("active");
            assertThat(again.resubscribes()).isEqualTo(round);
        }
        store.recordPush(n, "abort", "60天无变化", "", push.resubscribeDelay(), push.maxResubscribes());
        assertThat(store.find(n).orElseThrow().nextAttemptAt()).as("no more re-subscriptions").isNull();

        // vector C2 (abort, no records) through the endpoint: acknowledged, subscription aborted, nothing downgraded
        subscribeActive("YT1234567890123");
        assertThat(Kuaidi100Stub.push(callback(TOKEN), Kuaidi100Stub.C1, "testsalt").status()).isEqualTo(200);
        assertThat(Kuaidi100Stub.push(callback(TOKEN), Kuaidi100Stub.C2, "testsalt").status()).isEqualTo(200);
        assertThat(subscriptions.find("YT1234567890123").orElseThrow().state()).isEqualTo("abort");
        assertThat(results.find("YT1234567890123")).hasValueSatisfying(r -> assertThat(r.result().tracks())
                .as("an empty trace never replaces a known route").isNotEmpty());
    }

    @Test
    void adminsSeeASubscriptionViewersCannotResubscribeAndAResubscribeIsAudited() throws Exception {
        String n = unique("YTV");
        subscribeActive(n);
        Kuaidi100Stub.push(callback(TOKEN), push(n, "polling", 2, "5"), "testsalt");
        String viewer = com.tallytrack.support.AdminLogin.viewerToken(mvc);
        String admin = com.tallytrack.support.AdminLogin.adminToken(mvc);
        String path = "/api/v1/admin/carrier/subscriptions/" + n;

        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get(path))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.status().isUnauthorized());
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get(path)
                .with(com.tallytrack.support.AdminLogin.bearer(viewer)))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.data.state")
                        .value("active"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers
                        .jsonPath("$.data.stored_result.milestone").value("out_for_delivery"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers
                        .jsonPath("$.data.stored_result.source").value("push"));
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(path + "/resubscribe")
                .with(com.tallytrack.support.AdminLogin.bearer(viewer)))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.status().isForbidden());
        assertThat(subscriptions.find(n).orElseThrow().state()).isEqualTo("active");
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post(path + "/resubscribe")
                .with(com.tallytrack.support.AdminLogin.bearer(admin)))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.data.state")
                        .value("pending"));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'CARRIER_RESUBSCRIBE' AND target = :n")
                .param("n", n).query(Long.class).single()).isEqualTo(1);
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .get("/api/v1/admin/carrier/subscriptions/" + unique("YTN"))
                .with(com.tallytrack.support.AdminLogin.bearer(admin)))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.status().isNotFound())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.error.code")
                        .value("SUBSCRIPTION_NOT_FOUND"));
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .get("/api/v1/admin/carrier/subscriptions/AB")
                .with(com.tallytrack.support.AdminLogin.bearer(admin)))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.status().isBadRequest());
    }

    /** A key Kuaidi100 refuses (600/601) found while subscribing at start-up stops the start, naming the property. */
    @Test
    void aRefusedKeyAtStartUpStopsTheStartNamingTheProperty() {
        SubscriptionStore store = new SubscriptionStore(jdbc, transactions, dataSource, true, java.time.Clock.systemUTC());
        String n = unique("YTK");
        store.subscribe(n, "yuantong");
        STUB.thenSubscribe(Kuaidi100Stub.Reply.returnCode("601", "POLL:KEY已过期"));
        SubscriptionWorker starting = new SubscriptionWorker(store,
                new com.tallytrack.carrier.internal.Kuaidi100Subscriber(properties.kuaidi100()),
                properties.kuaidi100().push(), metrics, java.time.Clock.systemUTC(), true);
        org.assertj.core.api.Assertions.assertThatThrownBy(starting::start)
                .isInstanceOfSatisfying(com.tallytrack.system.InvalidConfigurationException.class,
                        e -> assertThat(e.property()).isEqualTo("tallytrack.carrier.kuaidi100.key"));
        assertThat(starting.isRunning()).isFalse();
    }
}
