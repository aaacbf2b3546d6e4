package com.tallytrack.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.carrier.Milestone;
import com.tallytrack.carrier.MilestoneChanged;

/**
 * Delivery to a local receiver on 127.0.0.1 (hence allow-private-targets here), with short backoffs so retries
 * happen within the test. Waits are generous for a loaded 2-core machine; nothing asserts a speed.
 */
@SpringBootTest(properties = {
        "tallytrack.webhooks.delivery-enabled=true",
        "tallytrack.webhooks.allow-private-targets=true",
        "tallytrack.webhooks.poll-interval=100ms",
        "tallytrack.webhooks.initial-backoff=200ms",
        "tallytrack.webhooks.max-backoff=1s",
        "tallytrack.webhooks.jitter=0",
        "tallytrack.webhooks.disable-after-failures=3",
        "tallytrack.webhooks.connect-timeout=2s",
        "tallytrack.webhooks.read-timeout=3s",
        "tallytrack.webhooks.overall-timeout=4s",
        "tallytrack.webhooks.resolve-timeout=2s",
        "tallytrack.webhooks.lease=10s"})
@ActiveProfiles("test")
class WebhookDeliveryTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Autowired
    WebhookService webhooks;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    PlatformTransactionManager transactionManager;

    WebhookReceiver receiver;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stopReceiver() {
        receiver.close();
        jdbc.sql("DELETE FROM webhook_attempt").update();
        jdbc.sql("DELETE FROM webhook_outbox").update();
        jdbc.sql("DELETE FROM webhook_endpoint").update();
    }

    WebhookService.Created register(String path) {
        return webhooks.create(receiver.url(path), List.of("milestone.changed"));
    }

    void milestoneChanged(String number) {
        Instant at = Instant.parse("2026-11-30T08:00:00Z");
        new TransactionTemplate(transactionManager).executeWithoutResult(s -> events.publishEvent(
                new MilestoneChanged(number, "yuantong", Milestone.IN_TRANSIT, Milestone.DELIVERED, at, "已签收", at)));
    }

    List<Map<String, Object>> attempts(long endpointId) {
        return jdbc.sql("SELECT attempt, outcome, status_code, error, response_body, duration_ms FROM webhook_attempt "
                + "WHERE endpoint_id = :id ORDER BY id").param("id", endpointId).query().listOfRows();
    }

    static String hmac(String secret, String signedText) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(signedText.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theReceiverCanVerifyTheSignatureOfTheRawBody() throws Exception {
        receiver.body("x".repeat(5000)); // more than the 1 KB kept in the log
        WebhookService.Created endpoint = register("/signed");
        long before = Instant.now().getEpochSecond();
        milestoneChanged("YTSIGNED0001");

        WebhookReceiver.Received request = receiver.await("/signed", 1, WAIT).get(0);
        String header = request.signature();
        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
        String t = header.substring(2, header.indexOf(','));
        String v1 = header.substring(header.indexOf("v1=") + 3);
        assertThat(Long.parseLong(t)).isBetween(before - 1, Instant.now().getEpochSecond() + 1);
        assertThat(v1).isEqualTo(hmac(endpoint.secret(), t + "." + request.text()));
        assertThat(v1).isNotEqualTo(hmac(endpoint.secret() + "x", t + "." + request.text()));
        assertThat(request.contentType()).startsWith("application/json");

        String body = request.text();
        assertThat((String) JsonPath.read(body, "$.event_id")).isEqualTo(request.eventId());
        assertThat((String) JsonPath.read(body, "$.type")).isEqualTo("milestone.changed");
        assertThat((String) JsonPath.read(body, "$.data.milestone")).isEqualTo("delivered");
        assertThat((List<String>) JsonPath.read(body, "$.data.tracking_numbers")).containsExactly("YTSIGNED0001");

        awaitAttempts(endpoint.endpoint().id(), 1);
        Map<String, Object> attempt = attempts(endpoint.endpoint().id()).get(0);
        assertThat(value(attempt, "outcome"))
                .isEqualTo("delivered");
        assertThat(value(attempt, "status_code")).isEqualTo(200);
        assertThat(((String) value(attempt, "response_body")).length()).isLessThanOrEqualTo(1024);
        assertThat(webhooks.get(endpoint.endpoint().id()).lastOutcome()).isEqualTo("delivered");
    }

    @Test
    void aReceiverAnswering500TwiceGetsTheSameEventOnTheThirdTry() throws Exception {
        receiver.then(500, 500);
        WebhookService.Created endpoint = register("/flaky");
        milestoneChanged("YTRETRY00001");

        List<WebhookReceiver.Received> requests = receiver.await("/flaky", 3, WAIT);
        assertThat(requests).extracting(WebhookReceiver.Received::eventId).containsOnly(requests.get(0).eventId());
        awaitAttempts(endpoint.endpoint().id(), 3);
        List<Map<String, Object>> log = attempts(endpoint.endpoint().id());
        assertThat(log).extracting(r -> value(r, "outcome")).containsExactly("failed", "failed", "delivered");
        assertThat(log).extracting(r -> value(r, "status_code")).containsExactly(500, 500, 200);
        assertThat(log).extracting(r -> value(r, "attempt")).containsExactly(1, 2, 3);
        assertThat(log.get(0).toString()).contains("HTTP 500");
        WebhookRepository.Endpoint after = webhooks.get(endpoint.endpoint().id());
        assertThat(after.enabled()).isTrue();
        assertThat(after.consecutiveFailures()).isZero();
        // delivered once: no further request arrives
        Thread.sleep(1000);
        assertThat(receiver.received("/flaky")).hasSize(3);
    }

    @Test
    void anEndpointFailingTooOftenIsDisabledAndStopsReceivingUntilReEnabled() throws Exception {
        receiver.answer(503);
        WebhookService.Created endpoint = register("/down");
        long id = endpoint.endpoint().id();
        milestoneChanged("YTDOWN000001");

        receiver.await("/down", 3, WAIT);
        awaitCondition(() -> !webhooks.get(id).enabled());
        WebhookRepository.Endpoint disabled = webhooks.get(id);
        assertThat(disabled.consecutiveFailures()).isEqualTo(3);
        assertThat(disabled.disabledAt()).isNotNull();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'WEBHOOK_DISABLED' AND target = :t")
                .param("t", "webhook " + id).query(Long.class).single()).isEqualTo(1);

        // disabled: neither the held retry nor new events reach it, over many poll intervals and backoffs
        milestoneChanged("YTDOWN000002");
        Thread.sleep(2500);
        assertThat(receiver.received("/down")).hasSize(3);

        receiver.answer(200);
        webhooks.enable(id);
        List<WebhookReceiver.Received> after = receiver.await("/down", 4, WAIT);
        assertThat(after.get(3).eventId()).isEqualTo(after.get(0).eventId()); // the held event, not the new one
        Thread.sleep(1000);
        assertThat(receiver.received("/down")).hasSize(4);
        awaitCondition(() -> webhooks.get(id).consecutiveFailures() == 0);
    }

    @Test
    void aRedirectIsNotFollowedAndCountsAsAFailure() throws Exception {
        receiver.then(302);
        WebhookService.Created endpoint = register("/moved");
        milestoneChanged("YTMOVED00001");

        receiver.await("/moved", 2, WAIT); // the retry of the same URL, never the Location
        assertThat(receiver.received("/redirected")).isEmpty();
        awaitAttempts(endpoint.endpoint().id(), 2);
        List<Map<String, Object>> log = attempts(endpoint.endpoint().id());
        assertThat(value(log.get(0), "outcome")).isEqualTo("failed");
        assertThat((String) value(log.get(0), "error")).contains("redirect not followed");
        assertThat(value(log.get(1), "outcome")).isEqualTo("delivered");
    }

    @Test
    void aReceiverThatNeverAnswersIsCutOffByTheTimeout() throws Exception {
        receiver.delay(6000); // longer than read-timeout (3 s) and overall-timeout (4 s)
        WebhookService.Created endpoint = register("/slow");
        milestoneChanged("YTSLOW000001");

        awaitAttempts(endpoint.endpoint().id(), 1);
        Map<String, Object> first = attempts(endpoint.endpoint().id()).get(0);
        assertThat(value(first, "outcome")).isEqualTo("failed");
        assertThat((String) value(first, "error")).containsAnyOf("timeout", "timed out");
        assertThat(((Number) value(first, "duration_ms")).longValue()).isLessThan(5900);
    }

    static Object value(Map<String, Object> row, String column) {
        return row.containsKey(column) ? row.get(column) : row.get(column.toUpperCase());
    }

    void awaitAttempts(long endpointId, int count) throws InterruptedException {
        awaitCondition(() -> attempts(endpointId).size() >= count);
    }

    static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(50);
        }
    }
}
