package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.tallytrack.TallyTrackApplication;
import com.tallytrack.support.EmbeddedPostgres;

/**
 * Two (then three) whole nodes on the shared embedded PostgreSQL with the Kuaidi100 stub: every linked package
 * number is subscribed exactly once although both nodes see every manifest change and both run the worker; a push
 * received by one node is served by the other without a carrier call; a restarted node keeps results and
 * subscriptions and does not subscribe active numbers again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushMultiNodePostgresTest {

    static final String TOKEN = "multi-node-token-0123456789";
    static Kuaidi100Stub stub;
    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static final String RUN = Long.toString(System.nanoTime(), 36).toUpperCase();

    static ConfigurableApplicationContext node(String id) {
        return new SpringApplicationBuilder(TallyTrackApplication.class).run(
                "--spring.profiles.active=test",
                "--spring.datasource.url=" + EmbeddedPostgres.jdbcUrl(),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--spring.datasource.hikari.maximum-pool-size=6",
                "--server.port=0",
                "--spring.jmx.enabled=false",
                "--spring.main.banner-mode=off",
                "--tallytrack.sync.node-id=" + id,
                "--tallytrack.carrier.provider=kuaidi100",
                "--tallytrack.carrier.kuaidi100.customer=" + Kuaidi100Stub.CUSTOMER,
                "--tallytrack.carrier.kuaidi100.key=" + Kuaidi100Stub.KEY,
                "--tallytrack.carrier.kuaidi100.query-url=" + stub.queryUrl(),
                "--tallytrack.carrier.kuaidi100.autonumber-url=" + stub.autonumberUrl(),
                "--tallytrack.carrier.kuaidi100.subscribe-url=" + stub.subscribeUrl(),
                "--tallytrack.carrier.kuaidi100.push.enabled=true",
                "--tallytrack.carrier.kuaidi100.push.callback-url=https://track.example.com/api/v1/carrier/kuaidi100/"
                        + "callback?token=" + TOKEN,
                "--tallytrack.carrier.kuaidi100.push.salt=testsalt",
                "--tallytrack.carrier.kuaidi100.push.worker-interval=200ms",
                "--tallytrack.carrier.kuaidi100.push.batch-size=100");
    }

    @BeforeAll
    static void start() throws Exception {
        stub = new Kuaidi100Stub();
        a = node("push-a-" + RUN);
        b = node("push-b-" + RUN);
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] { a, b }) {
            if (c != null) {
                c.close();
            }
        }
        stub.close();
    }

    static void await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached within " + limit);
            }
            Thread.sleep(200);
        }
    }

    static URI callback(ConfigurableApplicationContext node) {
        int port = ((WebServerApplicationContext) node).getWebServer().getPort();
        return URI.create("http://127.0.0.1:" + port + "/api/v1/carrier/kuaidi100/callback?token=" + TOKEN);
    }

    @Test
    @Order(1)
    void twoNodesTimesAThousandLinkedManifestsSubscribeEachPackageNumberOnce() throws Exception {
        // written by external SQL: the change log's triggers capture it like API or import writes
        JdbcClient jdbc = a.getBean(JdbcClient.class);
        List<String> packages = new ArrayList<>();
        for (int p = 0; p < 200; p++) {
            packages.add("PKM" + RUN + String.format("%03d", p));
        }
        for (int m = 0; m < 1000; m++) {
            jdbc.sql("INSERT INTO cargo_manifest (tracking_number, manifest_date, transport_code, customer_code, "
                    + "goods_code, package_number) VALUES (:t, CURRENT_DATE, 'T1', 'C1', 'G1', :p)")
                    .param("t", "TM" + RUN + String.format("%04d", m)).param("p", packages.get(m % 200)).update();
        }
        await(Duration.ofSeconds(180), () -> jdbc.sql("SELECT COUNT(*) FROM carrier_subscription "
                + "WHERE query_number LIKE :p AND state = 'active'").param("p", "PKM" + RUN + "%").query(Long.class)
                .single() == 200);
        // a few more worker rounds on both nodes must not subscribe anything again
        Thread.sleep(1500);
        for (String p : packages) {
            AtomicInteger sent = stub.subscribesByNumber().get(p);
            assertThat(sent).as(p).isNotNull();
            assertThat(sent.get()).as("subscribe requests for %s", p).isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void aPushReceivedByOneNodeIsServedByTheOtherWithoutACarrierCall() throws Exception {
        String n = "YTM" + RUN;
        a.getBean(CarrierSubscriptions.class).subscribe(n, "yuantong");
        await(Duration.ofSeconds(60), () -> a.getBean(CarrierSubscriptions.class).find(n)
                .map(s -> s.state().equals("active")).orElse(false));
        String param = SubscriptionPushTest.push(n, "polling", 3, "1001");
        assertThat(Kuaidi100Stub.push(callback(a), param, "testsalt").status()).isEqualTo(200);

        int calls = stub.queryCalls() + stub.autonumberCalls();
        for (int i = 0; i < 20; i++) {
            CarrierLookup lookup = b.getBean(CarrierService.class).track(new CarrierQuery(n, "auto", null));
            assertThat(lookup.success()).isTrue();
            assertThat(lookup.source()).isEqualTo("push");
            assertThat(lookup.result().tracks()).hasSize(3);
        }
        assertThat(stub.queryCalls() + stub.autonumberCalls()).isEqualTo(calls);
    }

    @Test
    @Order(3)
    void aRestartedNodeKeepsResultsAndSubscriptionsAndDoesNotSubscribeActiveNumbersAgain() throws Exception {
        String n = "YTM" + RUN;
        b.close();
        b = node("push-c-" + RUN);
        int calls = stub.queryCalls() + stub.autonumberCalls();
        CarrierLookup lookup = b.getBean(CarrierService.class).track(new CarrierQuery(n, "auto", null));
        assertThat(lookup.source()).isEqualTo("push");
        assertThat(lookup.result().tracks()).hasSize(3);
        assertThat(stub.queryCalls() + stub.autonumberCalls()).isEqualTo(calls);
        assertThat(b.getBean(CarrierSubscriptions.class).find(n).orElseThrow().state()).isEqualTo("active");
        Thread.sleep(1500);
        assertThat(stub.subscribesByNumber().get(n).get()).isEqualTo(1);
        assertThat(stub.subscribesByNumber().get("PKM" + RUN + "000").get()).isEqualTo(1);
    }
}
