package com.tallytrack.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.TallyTrackApplication;
import com.tallytrack.carrier.Milestone;
import com.tallytrack.carrier.MilestoneChanged;
import com.tallytrack.support.EmbeddedPostgres;

/**
 * Whole nodes on the shared embedded PostgreSQL: the outbox survives a node restart between two tries, and two
 * nodes polling the same outbox deliver each event exactly once to a healthy receiver. Other tests' contexts on the
 * same database do not deliver (the test profile turns delivery off), and this class's receiver checks only its own
 * event ids.
 */
class WebhookNodesPostgresTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

    WebhookReceiver receiver;

    static ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=test",
                "--spring.datasource.url=" + EmbeddedPostgres.jdbcUrl(),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--spring.datasource.hikari.maximum-pool-size=6",
                "--server.port=0",
                "--spring.jmx.enabled=false",
                "--spring.main.banner-mode=off",
                "--tallytrack.webhooks.delivery-enabled=true",
                "--tallytrack.webhooks.allow-private-targets=true",
                "--tallytrack.webhooks.poll-interval=50ms",
                "--tallytrack.webhooks.initial-backoff=300ms",
                "--tallytrack.webhooks.max-backoff=1s",
                "--tallytrack.webhooks.jitter=0",
                "--tallytrack.webhooks.overall-timeout=3s",
                "--tallytrack.webhooks.read-timeout=3s",
                "--tallytrack.webhooks.resolve-timeout=2s",
                "--tallytrack.webhooks.lease=10s"));
        for (String e : extra) {
            args.add("--" + e);
        }
        ConfigurableApplicationContext node = new SpringApplicationBuilder(TallyTrackApplication.class)
                .run(args.toArray(String[]::new));
        nodes.add(node);
        return node;
    }

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stopReceiver() {
        String urls = receiver.url("/") + "%";
        receiver.close();
        // this test's endpoints go, whatever happened, so no later node keeps retrying a closed receiver
        nodes.stream().filter(ConfigurableApplicationContext::isActive).findFirst().ifPresent(node ->
                node.getBean(JdbcClient.class).sql("DELETE FROM webhook_endpoint WHERE url LIKE :u")
                        .param("u", urls).update());
        nodes.forEach(ConfigurableApplicationContext::close);
        nodes.clear();
    }

    @AfterAll
    static void stopNodes() {
        nodes.forEach(ConfigurableApplicationContext::close);
    }

    static void publish(ConfigurableApplicationContext node, String number) {
        Instant at = Instant.now();
        new TransactionTemplate(node.getBean(PlatformTransactionManager.class)).executeWithoutResult(s ->
                node.publishEvent(
                        new MilestoneChanged(number, "zhongtong", Milestone.PENDING, Milestone.IN_TRANSIT, at, "运输中",
                                at)));
    }

    static long attempts(ConfigurableApplicationContext node, long endpointId, String outcome) {
        return node.getBean(JdbcClient.class)
                .sql("SELECT COUNT(*) FROM webhook_attempt WHERE endpoint_id = :id AND outcome = :o")
                .param("id", endpointId).param("o", outcome).query(Long.class).single();
    }

    @Test
    void aNodeRestartBetweenTwoTriesLosesNothing() throws Exception {
        ConfigurableApplicationContext first = start();
        receiver.answer(500);
        long id = first.getBean(WebhookService.class).create(receiver.url("/restart"), List.of("milestone.changed"))
                .endpoint().id();
        publish(first, "ZTRESTART" + System.nanoTime());
        String eventId = receiver.await("/restart", 1, WAIT).get(0).eventId();
        WebhookDeliveryTest.awaitCondition(() -> attempts(first, id, "failed") >= 1);
        first.close(); // the failed try is recorded; the event waits in the outbox, in the database only

        receiver.answer(200);
        ConfigurableApplicationContext second = start();
        WebhookDeliveryTest.awaitCondition(() -> attempts(second, id, "delivered") == 1);
        List<WebhookReceiver.Received> got = receiver.received("/restart");
        assertThat(got).extracting(WebhookReceiver.Received::eventId).containsOnly(eventId);
        assertThat(second.getBean(WebhookService.class).get(id).consecutiveFailures()).isZero();
    }

    @Test
    void twoNodesDeliverEachEventOnce() throws Exception {
        ConfigurableApplicationContext a = start("tallytrack.webhooks.max-concurrent-deliveries=4");
        ConfigurableApplicationContext b = start("tallytrack.webhooks.max-concurrent-deliveries=4");
        receiver.answer(200).delay(30); // calls overlap, so both nodes poll while rows are in flight
        long id = a.getBean(WebhookService.class).create(receiver.url("/pair"), List.of("milestone.changed"))
                .endpoint().id();
        int events = 40;
        for (int i = 0; i < events; i++) {
            publish(i % 2 == 0 ? a : b, "ZTPAIR" + i + "X" + System.nanoTime());
        }
        receiver.await("/pair", events, WAIT);
        WebhookDeliveryTest.awaitCondition(() -> attempts(a, id, "delivered") == events);
        Thread.sleep(1500); // time for any duplicate to show up
        Map<String, Long> perEvent = receiver.received("/pair").stream()
                .collect(Collectors.groupingBy(WebhookReceiver.Received::eventId, Collectors.counting()));
        assertThat(perEvent).hasSize(events);
        assertThat(Set.copyOf(perEvent.values())).containsOnly(1L);
        assertThat(attempts(a, id, "delivered")).isEqualTo(events);
        assertThat(attempts(a, id, "failed")).isZero();
        List<String> deliveringNodes = a.getBean(JdbcClient.class)
                .sql("SELECT DISTINCT node_id FROM webhook_attempt WHERE endpoint_id = :id").param("id", id)
                .query(String.class).list();
        assertThat(deliveringNodes).isNotEmpty().allMatch(n -> n.startsWith("webhook-"));
    }
}
