package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.TallyTrackApplication;
import com.tallytrack.support.AdminLogin;
import com.tallytrack.support.EmbeddedPostgres;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Import jobs are cluster state (issue 12.1): two nodes on one PostgreSQL. A job started on A is followed on B
 * (status and event stream); A dies mid-import (its database connections cut, so it can neither write nor beat
 * again, as after kill -9); B marks the job INTERRUPTED within the job timeout, with exactly the row ranges
 * that committed; re-uploading the file on B completes it, and the row counts are exact.
 */
class ImportJobsAcrossNodesTest {

    static final int ROWS = 1000;
    static final int BATCH = 100;
    // the data row whose batch (rows 400–499 of the data, spreadsheet rows 402–501) the test holds up
    static final int BLOCKED_INDEX = 450;

    static ConfigurableApplicationContext nodeA;
    static ConfigurableApplicationContext nodeB;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startTwoNodes() {
        nodeA = start();
        nodeB = start();
    }

    @AfterAll
    static void stopNodes() {
        for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] {nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
    }

    static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(TallyTrackApplication.class)
                .profiles("test")
                .run("--server.port=0",
                        "--spring.jmx.enabled=false",
                        "--spring.datasource.url=" + EmbeddedPostgres.jdbcUrl(),
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--spring.datasource.hikari.maximum-pool-size=6",
                        "--tallytrack.import.batch-size=" + BATCH,
                        "--tallytrack.import.job-heartbeat=500ms",
                        "--tallytrack.import.job-timeout=3s",
                        "--tallytrack.import.job-poll-interval=200ms");
    }

    static String base(ConfigurableApplicationContext node) {
        return "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort();
    }

    static HttpResponse<String> get(ConfigurableApplicationContext node, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base(node) + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> upload(ConfigurableApplicationContext node, String token, String name, byte[] file,
            boolean async) throws Exception {
        String boundary = "----tt" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + file.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(file, 0, body, head.length, file.length);
        System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
        return http.send(HttpRequest.newBuilder(URI.create(base(node) + "/api/v1/admin/manifest/upload?async=" + async))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String token(ConfigurableApplicationContext node) throws Exception {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base(node) + "/api/v1/admin/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\""
                        + AdminLogin.ADMIN_PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return JsonPath.read(login.body(), "$.access_token");
    }

    static String tracking(String prefix, int i) {
        return prefix + String.format("%05d", i);
    }

    static long count(Connection db, String prefix) throws Exception {
        try (PreparedStatement s = db.prepareStatement(
                "SELECT COUNT(*) FROM cargo_manifest WHERE tracking_number LIKE ?")) {
            s.setString(1, prefix + "%");
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aJobOfADeadNodeIsReportedInterruptedOnAnotherWithItsExactSavedRowsAndAReUploadCompletesIt()
            throws Exception {
        String prefix = "XJ" + Long.toString(System.nanoTime(), 36).toUpperCase();
        StringBuilder csv = new StringBuilder(ImportFixtures.HEADER).append('\n');
        for (int i = 0; i < ROWS; i++) {
            csv.append(ManifestImportApiContract.row(tracking(prefix, i), null)).append('\n');
        }
        byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);
        String token = token(nodeA);

        try (Connection blocker = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(), "postgres", "postgres");
                Connection db = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(), "postgres", "postgres")) {
            // data row 450 exists with other values, and the test holds its row lock: the batch that updates it
            // (rows 400–499) waits, the four before it commit. (A lock on a row, not an uncommitted insert: the
            // change-log trigger of an insert would hold up every batch.)
            try (PreparedStatement s = db.prepareStatement("INSERT INTO cargo_manifest (tracking_number, "
                    + "manifest_date, transport_code, customer_code, goods_code) VALUES (?, DATE '2024-05-01', "
                    + "'T01', 'C001', 'G99')")) {
                s.setString(1, tracking(prefix, BLOCKED_INDEX));
                s.executeUpdate();
            }
            blocker.setAutoCommit(false);
            try (PreparedStatement s = blocker.prepareStatement(
                    "SELECT id FROM cargo_manifest WHERE tracking_number = ? FOR UPDATE")) {
                s.setString(1, tracking(prefix, BLOCKED_INDEX));
                s.executeQuery().close();
            }

            HttpResponse<String> accepted = upload(nodeA, token, prefix + ".csv", file, true);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String id = JsonPath.read(accepted.body(), "$.data.job_id");

            // followed on B: the status, from the database, while A runs the job
            String[] last = new String[1];
            try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .failFast("the job ended on A while held up", () -> last[0] != null
                            && !List.of("QUEUED", "RUNNING").contains(JsonPath.read(last[0], "$.data.state")))
                    .until(() -> {
                        HttpResponse<String> job = get(nodeB, "/api/v1/admin/manifest/upload/jobs/" + id, token);
                        assertThat(job.statusCode()).as(job.body()).isEqualTo(200);
                        last[0] = job.body();
                        Object saved = JsonPath.read(job.body(), "$.data.statistics");
                        return "RUNNING".equals(JsonPath.read(job.body(), "$.data.state")) && saved != null
                                && ((Number) JsonPath.read(job.body(), "$.data.statistics.saved_rows")).intValue()
                                        == 400;
                    });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("job never showed 400 saved rows on B; last: " + last[0], e);
            }
            // and its event stream, on B
            List<String> events = new CopyOnWriteArrayList<>();
            HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(
                    URI.create(base(nodeB) + "/api/v1/admin/manifest/upload/jobs/" + id + "/events"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null;) {
                        events.add(line);
                    }
                } catch (java.io.IOException e) {
                    events.add("closed: " + e);
                }
            });
            reader.setDaemon(true);
            reader.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("event:progress"));

            // A dies: every connection of its pool is cut; it cannot commit, record or beat any more
            nodeA.getBean(DataSource.class).unwrap(HikariDataSource.class).close();
            blocker.rollback();

            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250)).until(() ->
                    "INTERRUPTED".equals(JsonPath.read(get(nodeB, "/api/v1/admin/manifest/upload/jobs/" + id, token)
                            .body(), "$.data.state")));
            String job = get(nodeB, "/api/v1/admin/manifest/upload/jobs/" + id, token).body();
            List<Map<String, Object>> ranges = JsonPath.read(job, "$.data.result.saved_row_ranges");
            assertThat(ranges).as("data rows 0–399 (spreadsheet rows 2–401) committed, nothing else")
                    .containsExactly(Map.of("from", 2, "to", 401));
            assertThat((Integer) JsonPath.read(job, "$.data.result.statistics.saved_rows")).isEqualTo(400);
            assertThat((String) JsonPath.read(job, "$.data.result.failure.code")).isEqualTo("JOB_INTERRUPTED");
            assertThat(count(db, prefix)).as("the 400 saved rows and the one held up").isEqualTo(401);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("event:done"));
            assertThat(String.join("\n", events)).contains("\"state\":\"INTERRUPTED\"");

            // the re-upload (on B) completes it: the upsert is idempotent
            HttpResponse<String> again = upload(nodeB, token, prefix + ".csv", file, false);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat((Integer) JsonPath.read(again.body(), "$.data.statistics.inserted")).isEqualTo(ROWS - 401);
            assertThat((Integer) JsonPath.read(again.body(), "$.data.statistics.updated")).isEqualTo(1);
            assertThat((Integer) JsonPath.read(again.body(), "$.data.statistics.unchanged")).isEqualTo(400);
            assertThat(count(db, prefix)).isEqualTo(ROWS);
        }
    }
}
