package com.tallytrack.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.context.support.ServletRequestHandledEvent;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;

import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Issue 12.7: what a caller without a token sees. Health is status only (components with an ADMIN token),
 * Prometheus needs a token or the scrape token, HEAD carries the security headers of GET, and the public query
 * shows only the customer's part of the manifest by default. Real HTTP: headers are written by the container.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tallytrack.metrics.scrape-token=" + AnonymousViewTest.SCRAPE_TOKEN)
@ActiveProfiles("test")
class AnonymousViewTest {

    static final String SCRAPE_TOKEN = "scrape-0123456789abcdef0123456789abcdef";

    @LocalServerPort
    int port;

    @Autowired
    ManifestService manifests;

    @Autowired
    ConfigurableApplicationContext context;

    @Autowired
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String login(String user, String password) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/admin/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password
                        + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonPath.read(r.body(), "$.access_token");
    }

    private String admin() throws Exception {
        return login("admin", "test-admin-password");
    }

    private String viewer() throws Exception {
        String name = "av" + Long.toString(System.nanoTime(), 36);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/admin/create-user")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + admin())
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + name
                        + "\",\"password\":\"Viewer-Pass-123\",\"role\":\"VIEWER\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return login(name, "Viewer-Pass-123");
    }

    @Test
    void applicationHealthIsStatusOnlyWithoutAnAdminToken() throws Exception {
        for (String token : new String[] {null, viewer(), "not-a-token"}) {
            HttpResponse<String> r = send("GET", "/api/v1/health", token);
            assertThat(r.statusCode()).isEqualTo(200);
            Map<String, Object> body = JsonPath.read(r.body(), "$");
            assertThat(body).containsEntry("status", "UP").doesNotContainKey("components");
            assertThat(r.body()).doesNotContain("H2", "database", "node_id");
        }
        HttpResponse<String> admin = send("GET", "/api/v1/health", admin());
        assertThat((String) JsonPath.read(admin.body(), "$.components.db.status")).isEqualTo("UP");
        assertThat((String) JsonPath.read(admin.body(), "$.components.db.details.database")).isEqualTo("H2");
    }

    @Test
    void actuatorHealthIsStatusOnlyWithoutAnAdminToken() throws Exception {
        HttpResponse<String> anonymous = send("GET", "/actuator/health", null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        Map<String, Object> body = JsonPath.read(anonymous.body(), "$");
        assertThat(body).containsEntry("status", "UP").doesNotContainKeys("components", "details");
        HttpResponse<String> admin = send("GET", "/actuator/health", admin());
        assertThat((String) JsonPath.read(admin.body(), "$.components.db.details.database")).isEqualTo("H2");
    }

    @Test
    void prometheusNeedsAConsoleTokenOrTheScrapeToken() throws Exception {
        HttpResponse<String> anonymous = send("GET", "/actuator/prometheus", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat((String) JsonPath.read(anonymous.body(), "$.error.code")).isEqualTo("UNAUTHORIZED");
        assertThat(send("GET", "/actuator/prometheus", SCRAPE_TOKEN.substring(1)).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/actuator/prometheus", SCRAPE_TOKEN + "x").statusCode()).isEqualTo(401);
        HttpResponse<String> scraped = send("GET", "/actuator/prometheus", SCRAPE_TOKEN);
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("jvm_memory_used_bytes");
        assertThat(send("GET", "/actuator/prometheus", admin()).statusCode()).isEqualTo(200);
        // the scrape token opens the metrics only, nothing else
        assertThat(send("GET", "/actuator/metrics", SCRAPE_TOKEN).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/admin/me", SCRAPE_TOKEN).statusCode()).isEqualTo(401);
    }

    @Test
    void headAnswersCarryTheSecurityHeadersOfGet() throws Exception {
        List<String> names = List.of("X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy",
                "Cache-Control", "Referrer-Policy", "X-XSS-Protection");
        for (String path : new String[] {"/", "/admin/", "/api/v1/health", "/api/v1/tracking/validate/SF1234567890",
                "/css/app.css"}) {
            HttpResponse<String> get = send("GET", path, null);
            HttpResponse<String> head = send("HEAD", path, null);
            assertThat(head.statusCode()).as(path).isEqualTo(get.statusCode());
            assertThat(get.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            for (String name : names) {
                assertThat(head.headers().allValues(name)).as(path + " " + name)
                        .isEqualTo(get.headers().allValues(name));
            }
        }
    }

    @Test
    void thePublicQueryShowsOnlyPackageNumberTallyDateAndWeightByDefault() throws Exception {
        String tracking = "AV" + System.nanoTime() % 10_000_000_000L;
        manifests.create(new ManifestInput(tracking, LocalDate.of(2026, 3, 4), "TR-SECRET", "CUST-SECRET",
                "GOODS-SECRET", "PKG-" + tracking, new BigDecimal("2.5"), new BigDecimal("30"), new BigDecimal("20"),
                new BigDecimal("10"), new BigDecimal("99")));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/tracking/query")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tracking_number\":\"" + tracking + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> info = JsonPath.read(r.body(), "$.manifest_info");
        assertThat(info).containsOnlyKeys("package_number", "manifest_date", "weight");
        assertThat(info).containsEntry("package_number", "PKG-" + tracking).containsEntry("manifest_date", "2026-03-04");
        assertThat(r.body()).doesNotContain("SECRET");
        HttpResponse<String> batch = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/tracking/batch-query")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tracking_numbers\":[\"" + tracking + "\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat((Map<String, Object>) JsonPath.read(batch.body(), "$.results[0].manifest_info"))
                .containsOnlyKeys("package_number", "manifest_date", "weight");
        assertThat(batch.body()).doesNotContain("SECRET");
    }

    @Test
    void requestsPublishNoRequestHandledEvent() throws Exception {
        // spring.mvc.publish-request-handled-events=false (application.yml): publishing one per request resolved
        // its type and listeners on every public query, and nothing listens for it
        List<ServletRequestHandledEvent> seen = new CopyOnWriteArrayList<>();
        context.addApplicationListener((ApplicationListener<ServletRequestHandledEvent>) seen::add);
        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", "/api/v1/health/live", null).statusCode()).isEqualTo(200);
        }
        Thread.sleep(300);
        assertThat(seen).isEmpty();
    }

    @Test
    void requestsAreTimedWithoutALongTaskTimer() throws Exception {
        // management.metrics.observations.ignored-meters=long-task-timer (application.yml): the observation of
        // every request also started a LongTaskTimer sample (http.server.requests.active), an insert into and a
        // removal from one concurrent skip list shared by all request threads; the request timer stays
        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", "/api/v1/health/live", null).statusCode()).isEqualTo(200);
        }
        assertThat(meters.find("http.server.requests").timers()).as("requests are still timed")
                .anySatisfy(t -> assertThat(t.count()).isPositive());
        assertThat(meters.getMeters()).as("no long-task timers of observations")
                .noneMatch(m -> m instanceof LongTaskTimer);
        assertThat(meters.find("http.server.requests.active").meters()).isEmpty();
    }
}
