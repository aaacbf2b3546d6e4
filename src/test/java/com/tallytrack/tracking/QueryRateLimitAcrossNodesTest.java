package com.tallytrack.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.TallyTrackApplication;
import com.tallytrack.support.EmbeddedPostgres;

/**
 * The public query's rate limit holds for two nodes on one PostgreSQL, not per node (issue 12.2): what one
 * address used on A counts on B once the nodes have synced (every rate-limit-sync.interval).
 */
class QueryRateLimitAcrossNodesTest {

    static ConfigurableApplicationContext nodeA;
    static ConfigurableApplicationContext nodeB;
    static final HttpClient http = HttpClient.newHttpClient();

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
                        "--server.forward-headers-strategy=native",
                        "--tallytrack.query.rate-limit-per-minute=10",
                        "--tallytrack.query.rate-limit-sync.interval=200ms",
                        "--spring.datasource.url=" + EmbeddedPostgres.jdbcUrl(),
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--spring.datasource.hikari.maximum-pool-size=4");
    }

    static HttpResponse<String> query(ConfigurableApplicationContext node, String ip) throws Exception {
        int port = ((WebServerApplicationContext) node).getWebServer().getPort();
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/tracking/query"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", ip)
                .POST(HttpRequest.BodyPublishers.ofString("{\"tracking_number\":\"SF1234567890\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (at most 30 s) until the nodes together have added {@code used} queries of the address to the table. */
    static void awaitSharedUse(String ip, int used) throws InterruptedException {
        JdbcClient jdbc = nodeA.getBean(JdbcClient.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Integer total = jdbc.sql("SELECT SUM(used) FROM query_rate_usage WHERE client_ip = :ip")
                    .param("ip", ip).query(Integer.class).optional().orElse(null);
            if (total != null && total >= used) {
                assertThat(total).as("queries of %s shared by the nodes", ip).isEqualTo(used);
                return;
            }
            assertThat(System.nanoTime() - deadline).as("the nodes shared %d queries of %s in time", used, ip)
                    .isNegative();
            Thread.sleep(50);
        }
    }

    @Test
    void whatAnAddressUsedOnOneNodeCountsOnTheOther() throws Exception {
        // the limit counts per one-minute window: start early in one, so the test does not straddle two
        long intoMinute = System.currentTimeMillis() % 60_000L;
        if (intoMinute > 40_000L) {
            Thread.sleep(60_000L - intoMinute + 100);
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String ip = "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
        for (int i = 0; i < 7; i++) {
            assertThat(query(nodeA, ip).statusCode()).isNotEqualTo(429);
        }
        // B meets the address; what it serves before its next sync is the documented slack of one interval
        assertThat(query(nodeB, ip).statusCode()).isNotEqualTo(429);
        // both nodes sync every 200 ms: once the table holds A's 7 and B's 1, B reads the total back within one
        // interval; a second is generous on a loaded machine, and only a lower bound matters
        awaitSharedUse(ip, 8);
        Thread.sleep(1000);
        for (int i = 0; i < 2; i++) {
            assertThat(query(nodeB, ip).statusCode()).isNotEqualTo(429);
        }
        HttpResponse<String> refused = query(nodeB, ip);
        assertThat(refused.statusCode()).as("7 on A + 3 on B = the limit of 10 per minute").isEqualTo(429);
        assertThat((String) JsonPath.read(refused.body(), "$.error.code")).isEqualTo("RATE_LIMITED");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        awaitSharedUse(ip, 10);
        Thread.sleep(1000);
        assertThat(query(nodeA, ip).statusCode()).as("and on A, once it learned of B's use").isEqualTo(429);
    }
}
