package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.support.AdminLogin;

/**
 * The job event stream over a real server (issue 12.6): it ends without an authorization error or a stack trace
 * in the log, and a client that goes away is at most a debug line.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class JobEventStreamLogTest {

    @LocalServerPort
    int port;

    @Autowired
    ImportJobs jobs;

    final HttpClient http = HttpClient.newHttpClient();

    String token() throws Exception {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/admin/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\""
                        + AdminLogin.ADMIN_PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        return JsonPath.read(login.body(), "$.access_token");
    }

    String base() {
        return "http://localhost:" + port;
    }

    static ImportReport done(String id) {
        return new ImportReport(id, "COMPLETED", "save", "s.csv", "csv", "UTF-8",
                new ImportReport.Statistics(1, 1, 0, 0, 1, 0, 0, 1), List.of(), List.of(), false, null, null, 1);
    }

    ImportJob heldJob(CountDownLatch release) {
        return jobs.submit("s.csv", "save", j -> {
            try {
                release.await(2, TimeUnit.MINUTES); // released by the test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            j.finish(done(j.id), jobs.now());
        }, () -> {
        });
    }

    HttpResponse<InputStream> stream(String id, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/api/v1/admin/manifest/upload/jobs/" + id
                + "/events")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void aStreamThatRunsToItsEndLeavesNoErrorInTheLog(CapturedOutput output) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ImportJob job = heldJob(release);
        HttpResponse<InputStream> response = stream(job.id, token());
        assertThat(response.statusCode()).isEqualTo(200);
        StringBuilder seen = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("event:progress");
            release.countDown();
            for (String line; (line = lines.readLine()) != null;) {
                seen.append(line).append('\n');
            }
        } finally {
            release.countDown();
        }
        assertThat(seen.toString()).contains("event:done");
        // the async dispatch that closes the stream runs just after the last byte; give it time to log, if it does
        Thread.sleep(1000);
        assertThat(output.getAll()).doesNotContain("AuthorizationDeniedException").doesNotContain("Access Denied")
                .doesNotContain(" ERROR ");
    }

    @Test
    void aClientThatGoesAwayIsNoErrorInTheLog(CapturedOutput output) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ImportJob job = heldJob(release);
        try {
            HttpResponse<InputStream> response = stream(job.id, token());
            BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("event:progress");
            response.body().close(); // the browser tab is closed
            // events keep coming for a while; the first writes after the disconnect fail
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < end) {
                job.progress();
                Thread.sleep(150);
            }
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofMinutes(1)).until(job::finished);
        Thread.sleep(1000);
        assertThat(output.getAll()).doesNotContain(" ERROR ").doesNotContain(" WARN  [http")
                .doesNotContain("AsyncRequestNotUsableException").doesNotContain("Broken pipe");
    }
}
