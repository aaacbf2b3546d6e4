package com.tallytrack.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ThreadLocalRandom;

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

/**
 * Two nodes on one PostgreSQL behind a (simulated) load balancer that sets {@code X-Forwarded-For}: the login
 * throttles and lockouts count once for the cluster, wherever an attempt lands (issue 12.2).
 */
class LoginGuardAcrossNodesTest {

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
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(TallyTrackApplication.class)
                .profiles("test")
                .run("--server.port=0",
                        "--spring.jmx.enabled=false",
                        // the test plays the load balancer: Tomcat trusts X-Forwarded-For from localhost
                        "--server.forward-headers-strategy=native",
                        "--tallytrack.security.login-failures-per-ip-per-minute=6",
                        "--spring.datasource.url=" + EmbeddedPostgres.jdbcUrl(),
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--spring.datasource.hikari.maximum-pool-size=4");
    }

    static HttpResponse<String> login(ConfigurableApplicationContext node, String user, String password, String ip)
            throws Exception {
        int port = ((WebServerApplicationContext) node).getWebServer().getPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/admin/login"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", ip)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static String randomIp() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }

    static String code(HttpResponse<String> response) {
        return JsonPath.read(response.body(), "$.error.code");
    }

    @Test
    void aNameWithNoAccountLockedOnOneNodeIsLockedOnTheOtherLikeARealOne() throws Exception {
        String madeUp = AdminLogin.uniqueName("nobody");
        String ip = randomIp();
        for (int i = 1; i <= 4; i++) {
            assertThat(login(i % 2 == 0 ? nodeA : nodeB, madeUp, "wrong-password", ip).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> fifth = login(nodeA, madeUp, "wrong-password", ip);
        assertThat(fifth.statusCode()).isEqualTo(423);
        HttpResponse<String> onB = login(nodeB, madeUp, "wrong-password", ip);
        assertThat(onB.statusCode()).as(onB.body()).isEqualTo(423);
        assertThat(code(onB)).isEqualTo("ACCOUNT_LOCKED");
        assertThat(onB.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void oneAddressIsThrottledForTheClusterNotPerNode() throws Exception {
        String ip = randomIp();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = login(i % 2 == 0 ? nodeA : nodeB, AdminLogin.uniqueName("probe"), "wrong-pw",
                    ip);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        }
        for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] {nodeA, nodeB}) {
            HttpResponse<String> refused = login(node, AdminLogin.ADMIN, AdminLogin.ADMIN_PASSWORD, ip);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(code(refused)).isEqualTo("TOO_MANY_LOGIN_ATTEMPTS");
        }
        assertThat(login(nodeB, AdminLogin.ADMIN, AdminLogin.ADMIN_PASSWORD, randomIp()).statusCode()).isEqualTo(200);
    }
}
