package com.tallytrack.webhook;

import static com.tallytrack.support.AdminLogin.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.carrier.Milestone;
import com.tallytrack.carrier.MilestoneChanged;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.packages.PackageFlagged;
import com.tallytrack.support.AdminLogin;

/**
 * {@code /api/v1/admin/webhooks} over HTTP with real tokens, on H2, and the outbox rows the domain events write.
 * Delivery is off here (the test profile's default), so no registered target is ever called; the accepted targets
 * are documentation addresses (203.0.113.0/24) that are never contacted.
 */
@SpringBootTest(properties = "tallytrack.webhooks.max-endpoints=40")
@AutoConfigureMockMvc
@ActiveProfiles("test")
class WebhookApiTest {

    static final String PUBLIC_TARGET = "https://203.0.113.10/hooks/tallytrack";

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    ManifestService manifests;
    @Autowired
    WebhookProperties properties;
    @Autowired
    WebhookRepository repository;
    @Autowired
    TargetPolicy targets;
    @Autowired
    com.tallytrack.audit.AuditLog audit;

    String admin;

    @BeforeEach
    void signIn() throws Exception {
        admin = AdminLogin.adminToken(mvc);
        // each test starts with no endpoints, so counts and outbox rows are this test's own
        jdbc.sql("DELETE FROM webhook_attempt").update();
        jdbc.sql("DELETE FROM webhook_outbox").update();
        jdbc.sql("DELETE FROM webhook_endpoint").update();
    }

    ResultActions register(String url, String eventsJson) throws Exception {
        return mvc.perform(post("/api/v1/admin/webhooks").with(bearer(admin)).contentType(MediaType.APPLICATION_JSON)
                .content("{\"url\":" + (url == null ? "null" : "\"" + url + "\"") + ",\"events\":" + eventsJson + "}"));
    }

    long registered(String url, String eventsJson) throws Exception {
        String json = register(url, eventsJson).andExpect(status().isCreated()).andReturn().getResponse()
                .getContentAsString();
        return ((Number) JsonPath.read(json, "$.data.id")).longValue();
    }

    @Test
    void registrationAnswers201WithASecretThatIsNeverShownAgain() throws Exception {
        String json = register(PUBLIC_TARGET, "[\"milestone.changed\",\"package.flagged\"]")
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.data.url").value(PUBLIC_TARGET))
                .andExpect(jsonPath("$.data.events[0]").value("milestone.changed"))
                .andExpect(jsonPath("$.data.state").value("enabled"))
                .andExpect(jsonPath("$.data.secret").value(matchesPattern("whsec_[0-9a-f]{64}")))
                .andReturn().getResponse().getContentAsString();
        long id = ((Number) JsonPath.read(json, "$.data.id")).longValue();
        String secret = JsonPath.read(json, "$.data.secret");

        String list = mvc.perform(get("/api/v1/admin/webhooks").with(bearer(admin)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data[0].id").value(id))
                .andExpect(jsonPath("$.data[0].state").value("enabled"))
                .andExpect(jsonPath("$.data[0].consecutive_failures").value(0))
                .andExpect(jsonPath("$.data[0].pending_count").value(0))
                .andReturn().getResponse().getContentAsString();
        String one = mvc.perform(get("/api/v1/admin/webhooks/" + id).with(bearer(admin)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(list).doesNotContain(secret).doesNotContain("secret");
        assertThat(one).doesNotContain(secret).doesNotContain("secret");
        // delivery must sign, so the secret is kept (and two registrations never share one)
        assertThat(jdbc.sql("SELECT secret FROM webhook_endpoint WHERE id = :id").param("id", id)
                .query(String.class).single()).isEqualTo(secret);
        String other = JsonPath.read(register(PUBLIC_TARGET, "[\"package.flagged\"]").andReturn().getResponse()
                .getContentAsString(), "$.data.secret");
        assertThat(other).isNotEqualTo(secret);
        assertThat(auditActions()).contains("WEBHOOK_CREATE");
    }

    @Test
    void invalidUrlsAndEventsAreRefusedWithFieldErrors() throws Exception {
        register(null, "[\"milestone.changed\"]").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("VALIDATION_ERROR"))
                .andExpect(jsonPath("$.error.details[0].field").value("url"))
                .andExpect(jsonPath("$.error.details[0].code").value("REQUIRED"));
        register("ftp://203.0.113.10/x", "[\"milestone.changed\"]").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("UNSUPPORTED_SCHEME"));
        register("file:///etc/passwd", "[\"milestone.changed\"]").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("UNSUPPORTED_SCHEME"));
        register("https://user:pass@203.0.113.10/x", "[\"milestone.changed\"]").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("CREDENTIALS_IN_URL"));
        register("https://203.0.113.10/" + "a".repeat(2100), "[\"milestone.changed\"]")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("TOO_LONG"))
                .andExpect(jsonPath("$.error.details[0].message").value(containsString("max-url-length")));
        register("https://203.0.113.10/ x", "[\"milestone.changed\"]").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("INVALID_URL"));
        register(PUBLIC_TARGET, "[]").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].field").value("events"))
                .andExpect(jsonPath("$.error.details[0].code").value("REQUIRED"));
        register(PUBLIC_TARGET, "[\"milestone.changed\",\"parcel.lost\"]").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("UNKNOWN_EVENT"))
                .andExpect(jsonPath("$.error.details[0].message").value(containsString("parcel.lost")));
        register(PUBLIC_TARGET, "[\"webhook.test\"]").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("UNKNOWN_EVENT"));
        mvc.perform(post("/api/v1/admin/webhooks").with(bearer(admin)).contentType(MediaType.APPLICATION_JSON)
                .content("{\"url\": ")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("MALFORMED_REQUEST"));
        assertThat(endpointCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/hook", "http://[::1]:8080/hook", "http://10.1.2.3/hook",
            "http://169.254.169.254/latest/meta-data/", "http://localhost:8080/hook", "https://192.168.0.10/",
            "http://172.16.5.4/", "http://[fc00::1]/", "http://[fe80::1]/", "http://0.0.0.0/",
            "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", "http://2130706433/", "http://224.0.0.1/"})
    void privateTargetsAreRefusedNamingTheSwitch(String url) throws Exception {
        register(url, "[\"milestone.changed\"]").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("WEBHOOK_TARGET_FORBIDDEN"))
                .andExpect(jsonPath("$.error.message").value(containsString("tallytrack.webhooks.allow-private-targets")))
                .andExpect(jsonPath("$.error.details.property").value("tallytrack.webhooks.allow-private-targets"));
        assertThat(endpointCount()).isZero();
    }

    @Test
    void theRefusalIsWorded_inEnglishOnRequest() throws Exception {
        mvc.perform(post("/api/v1/admin/webhooks").with(bearer(admin)).header("Accept-Language", "en")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"url\":\"http://169.254.169.254/\",\"events\":[\"milestone.changed\"]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.message").value(containsString("link-local")))
                .andExpect(jsonPath("$.error.message").value(containsString("TALLYTRACK_WEBHOOKS_ALLOWPRIVATETARGETS")));
    }

    @Test
    void theEndpointLimitIsAConflictNamingItsProperty() throws Exception {
        for (int i = 0; i < 40; i++) {
            jdbc.sql("INSERT INTO webhook_endpoint (url, events, secret, enabled, consecutive_failures, created_at) "
                    + "VALUES (:u, 'milestone.changed', 'whsec_x', TRUE, 0, CURRENT_TIMESTAMP)")
                    .param("u", "https://203.0.113.30/" + i).update();
        }
        register(PUBLIC_TARGET, "[\"milestone.changed\"]").andExpect(status().isConflict())
                .andExpect(jsonPath("$.error.code").value("WEBHOOK_LIMIT_REACHED"))
                .andExpect(jsonPath("$.error.message").value(containsString("tallytrack.webhooks.max-endpoints")))
                .andExpect(jsonPath("$.error.details.limit").value(40));
        assertThat(endpointCount()).isEqualTo(40);
    }

    @Test
    void aViewerReadsButChangesNothingAndNoTokenIs401() throws Exception {
        long id = registered(PUBLIC_TARGET, "[\"milestone.changed\"]");
        String viewer = AdminLogin.viewerToken(mvc);
        mvc.perform(get("/api/v1/admin/webhooks").with(bearer(viewer))).andExpect(status().isOk())
                .andExpect(jsonPath("$.data[0].id").value(id));
        mvc.perform(get("/api/v1/admin/webhooks/" + id + "/deliveries").with(bearer(viewer)))
                .andExpect(status().isOk());
        mvc.perform(post("/api/v1/admin/webhooks").with(bearer(viewer)).contentType(MediaType.APPLICATION_JSON)
                .content("{\"url\":\"" + PUBLIC_TARGET + "\",\"events\":[\"milestone.changed\"]}"))
                .andExpect(status().isForbidden()).andExpect(jsonPath("$.error.code").value("FORBIDDEN"));
        mvc.perform(delete("/api/v1/admin/webhooks/" + id).with(bearer(viewer))).andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/admin/webhooks/" + id + "/test").with(bearer(viewer)))
                .andExpect(status().isForbidden());
        mvc.perform(post("/api/v1/admin/webhooks/" + id + "/enable").with(bearer(viewer)))
                .andExpect(status().isForbidden());
        mvc.perform(get("/api/v1/admin/webhooks")).andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.error.code").value("UNAUTHORIZED"));
        mvc.perform(post("/api/v1/admin/webhooks/" + id + "/test")).andExpect(status().isUnauthorized());
        assertThat(endpointCount()).isEqualTo(1);
        assertThat(outboxRows(id)).isZero();
    }

    @Test
    void deleteRemovesTheEndpointAndItsQueueAndIsAudited() throws Exception {
        long id = registered(PUBLIC_TARGET, "[\"milestone.changed\"]");
        mvc.perform(post("/api/v1/admin/webhooks/" + id + "/test").with(bearer(admin)))
                .andExpect(status().isAccepted());
        mvc.perform(delete("/api/v1/admin/webhooks/" + id).with(bearer(admin))).andExpect(status().isOk());
        mvc.perform(get("/api/v1/admin/webhooks/" + id).with(bearer(admin))).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error.code").value("WEBHOOK_NOT_FOUND"));
        mvc.perform(delete("/api/v1/admin/webhooks/" + id).with(bearer(admin))).andExpect(status().isNotFound());
        mvc.perform(get("/api/v1/admin/webhooks/" + id + "/deliveries").with(bearer(admin)))
                .andExpect(status().isNotFound());
        assertThat(outboxRows(id)).isZero();
        assertThat(auditActions()).contains("WEBHOOK_DELETE", "WEBHOOK_TEST");
    }

    @Test
    void aTestEventIsQueuedForThatEndpointOnly() throws Exception {
        long a = registered(PUBLIC_TARGET, "[\"milestone.changed\"]");
        long b = registered("https://203.0.113.11/b", "[\"milestone.changed\"]");
        String json = mvc.perform(post("/api/v1/admin/webhooks/" + a + "/test").with(bearer(admin)))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.data.type").value("webhook.test"))
                .andReturn().getResponse().getContentAsString();
        String eventId = JsonPath.read(json, "$.data.event_id");
        mvc.perform(get("/api/v1/admin/webhooks").with(bearer(admin)))
                .andExpect(jsonPath("$.data[0].pending_count").value(1))
                .andExpect(jsonPath("$.data[1].pending_count").value(0));
        assertThat(jdbc.sql("SELECT event_type FROM webhook_outbox WHERE endpoint_id = :id AND event_id = :e")
                .param("id", a).param("e", eventId).query(String.class).single()).isEqualTo("webhook.test");
        assertThat(outboxRows(b)).isZero();
        mvc.perform(post("/api/v1/admin/webhooks/999999/test").with(bearer(admin))).andExpect(status().isNotFound());
    }

    @Test
    void aMilestoneChangeQueuesOneRowPerSubscribedEndpointWithEveryTrackingNumberOfThePackage() throws Exception {
        String pkg = "PKGWH" + Long.toString(System.nanoTime(), 36).toUpperCase();
        manifest(pkg + "A1", pkg);
        manifest(pkg + "A2", pkg);
        long milestones = registered(PUBLIC_TARGET, "[\"milestone.changed\"]");
        long both = registered("https://203.0.113.12/both", "[\"package.flagged\",\"milestone.changed\"]");
        long flags = registered("https://203.0.113.13/flags", "[\"package.flagged\"]");

        Instant at = Instant.parse("2026-11-30T08:00:00Z");
        new TransactionTemplate(transactionManager).executeWithoutResult(s -> events.publishEvent(
                new MilestoneChanged(pkg, "shunfeng", Milestone.IN_TRANSIT, Milestone.CUSTOMS, at, "清关中", at)));

        assertThat(outboxRows(milestones)).isEqualTo(1);
        assertThat(outboxRows(both)).isEqualTo(1);
        assertThat(outboxRows(flags)).isZero();
        List<String> payloads = jdbc.sql("SELECT payload FROM webhook_outbox ORDER BY endpoint_id")
                .query(String.class).list();
        assertThat(payloads.get(0)).isEqualTo(payloads.get(1)); // one event, one event_id, every endpoint
        String payload = payloads.get(0);
        assertThat((String) JsonPath.read(payload, "$.type")).isEqualTo("milestone.changed");
        assertThat((String) JsonPath.read(payload, "$.occurred_at")).isEqualTo("2026-11-30T08:00:00Z");
        assertThat((String) JsonPath.read(payload, "$.data.query_number")).isEqualTo(pkg);
        assertThat((String) JsonPath.read(payload, "$.data.package_number")).isEqualTo(pkg);
        assertThat((String) JsonPath.read(payload, "$.data.previous_milestone")).isEqualTo("in_transit");
        assertThat((String) JsonPath.read(payload, "$.data.milestone")).isEqualTo("customs");
        assertThat((String) JsonPath.read(payload, "$.data.last_event")).isEqualTo("清关中");
        assertThat((List<String>) JsonPath.read(payload, "$.data.tracking_numbers"))
                .containsExactly(pkg + "A1", pkg + "A2");

        // an unlinked number is its own and only tracking number
        new TransactionTemplate(transactionManager).executeWithoutResult(s -> events.publishEvent(
                new MilestoneChanged("JDUNLINKED" + pkg, "jd", null, Milestone.INFO_RECEIVED, null, null, at)));
        String unlinked = jdbc.sql("SELECT payload FROM webhook_outbox WHERE endpoint_id = :id AND payload LIKE :q")
                .param("id", milestones).param("q", "%JDUNLINKED%").query(String.class).single();
        assertThat((List<String>) JsonPath.read(unlinked, "$.data.tracking_numbers"))
                .containsExactly("JDUNLINKED" + pkg);
        assertThat((Object) JsonPath.read(unlinked, "$.data.previous_milestone")).isNull();

        new TransactionTemplate(transactionManager).executeWithoutResult(s -> events.publishEvent(
                new PackageFlagged(pkg, "stale", at, List.of(pkg + "A1", pkg + "A2"), at)));
        String flagged = jdbc.sql("SELECT payload FROM webhook_outbox WHERE endpoint_id = :id")
                .param("id", flags).query(String.class).single();
        assertThat((String) JsonPath.read(flagged, "$.type")).isEqualTo("package.flagged");
        assertThat((String) JsonPath.read(flagged, "$.data.reason")).isEqualTo("stale");
        assertThat((List<String>) JsonPath.read(flagged, "$.data.tracking_numbers")).hasSize(2);
    }

    @Test
    void aRolledBackChangeQueuesNothingAndADisabledEndpointGetsNothingNew() throws Exception {
        long id = registered(PUBLIC_TARGET, "[\"milestone.changed\"]");
        Instant at = Instant.now();
        new TransactionTemplate(transactionManager).executeWithoutResult(s -> {
            events.publishEvent(new MilestoneChanged("SFROLLBACK1", "shunfeng", null, Milestone.PENDING, null, null,
                    at));
            s.setRollbackOnly();
        });
        assertThat(outboxRows(id)).isZero();

        jdbc.sql("UPDATE webhook_endpoint SET enabled = FALSE WHERE id = :id").param("id", id).update();
        new TransactionTemplate(transactionManager).executeWithoutResult(s -> events.publishEvent(
                new MilestoneChanged("SFDISABLED1", "shunfeng", null, Milestone.PENDING, null, null, at)));
        assertThat(outboxRows(id)).isZero();
        mvc.perform(get("/api/v1/admin/webhooks").with(bearer(admin)))
                .andExpect(jsonPath("$.data[0].state").value("disabled"));
        mvc.perform(post("/api/v1/admin/webhooks/" + id + "/enable").with(bearer(admin))).andExpect(status().isOk())
                .andExpect(jsonPath("$.data.state").value("enabled"));
        assertThat(auditActions()).contains("WEBHOOK_ENABLE");
    }

    /**
     * A name checked at registration may resolve elsewhere later (DNS rebinding). Here the stored target is made to
     * point at loopback after registration; a worker on this context's real target policy (private targets refused)
     * refuses it at delivery, logs why, and the receiver never sees a request.
     */
    @Test
    void aTargetThatNowPointsInsideIsRefusedAtDeliveryAndNeverCalled() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            long id = registered(PUBLIC_TARGET, "[\"milestone.changed\"]");
            jdbc.sql("UPDATE webhook_endpoint SET url = :url WHERE id = :id").param("url", receiver.url("/inside"))
                    .param("id", id).update();
            mvc.perform(post("/api/v1/admin/webhooks/" + id + "/test").with(bearer(admin)))
                    .andExpect(status().isAccepted());
            WebhookProperties p = properties;
            WebhookProperties delivering = new WebhookProperties(p.allowPrivateTargets(), true, p.maxUrlLength(),
                    p.maxEndpoints(), p.resolveTimeout(), p.connectTimeout(), p.readTimeout(), p.overallTimeout(),
                    p.responseLogLimit(), p.initialBackoff(), p.backoffMultiplier(), p.maxBackoff(), p.jitter(),
                    p.disableAfterFailures(), p.maxConcurrentDeliveries(), java.time.Duration.ofMillis(100), p.lease(),
                    p.retention(), p.maxTrackingNumbers(), p.maxPageSize());
            assertThat(delivering.allowPrivateTargets()).isFalse();
            WebhookDeliveryWorker worker = new WebhookDeliveryWorker(repository, targets, new WebhookSender(delivering),
                    delivering, audit, transactionManager, java.util.Optional.empty());
            worker.start();
            try {
                WebhookDeliveryTest.awaitCondition(() -> repository.countAttempts(id) >= 1);
            } finally {
                worker.stop();
            }
            WebhookRepository.Attempt attempt = repository.attempts(id, 10, 0).get(0);
            assertThat(attempt.outcome()).isEqualTo("failed");
            assertThat(attempt.statusCode()).isNull();
            assertThat(attempt.error()).contains("127.0.0.1").contains("loopback")
                    .contains("tallytrack.webhooks.allow-private-targets=true");
            assertThat(receiver.received()).isEmpty();
            mvc.perform(get("/api/v1/admin/webhooks/" + id + "/deliveries").with(bearer(admin)))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data[0].outcome").value("failed"))
                    .andExpect(jsonPath("$.data[0].event_type").value("webhook.test"))
                    .andExpect(jsonPath("$.data[0].attempt").value(1))
                    .andExpect(jsonPath("$.pagination.total_count").value(1));
        }
    }

    void manifest(String tracking, String pkg) {
        manifests.create(new ManifestInput(tracking, LocalDate.of(2026, 11, 20), "T1", "C1", "G1", pkg,
                new BigDecimal("1.0"), null, null, null, null));
    }

    long endpointCount() {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_endpoint").query(Long.class).single();
    }

    long outboxRows(long endpointId) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_outbox WHERE endpoint_id = :id").param("id", endpointId)
                .query(Long.class).single();
    }

    List<String> auditActions() {
        return jdbc.sql("SELECT action FROM audit_log WHERE action LIKE 'WEBHOOK_%'").query(String.class).list();
    }
}
