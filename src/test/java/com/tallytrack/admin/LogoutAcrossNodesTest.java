package com.tallytrack.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

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
 * Two nodes (two application contexts on real ports) sharing one PostgreSQL and one JWT secret: a token from
 * node A works on node B, and a logout or a password change on A makes B refuse it too.
 */
class LogoutAcrossNodesTest {

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
                        "--spring.datasource.url=" + EmbeddedPostgres.jdbcUrl(),
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--spring.datasource.hikari.maximum-pool-size=4");
    }

    static String base(ConfigurableApplicationContext node) {
        return "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort();
    }

    static HttpResponse<String> send(ConfigurableApplicationContext node, String method, String path, String token,
            String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(node) + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void logoutOnOneNodeRevokesTheTokenOnEveryNode() throws Exception {
        HttpResponse<String> login = send(nodeA, "POST", "/api/v1/admin/login", null,
                "{\"username\":\"admin\",\"password\":\"" + AdminLogin.ADMIN_PASSWORD + "\"}");
        assertThat(login.statusCode()).isEqualTo(200);
        String token = JsonPath.read(login.body(), "$.access_token");

        assertThat(send(nodeB, "GET", "/api/v1/admin/me", token, null).statusCode()).isEqualTo(200);
        assertThat(send(nodeB, "GET", "/api/v1/admin/manifest/search?limit=1", token, null).statusCode())
                .isEqualTo(200);

        assertThat(send(nodeA, "POST", "/api/v1/admin/logout", token, null).statusCode()).isEqualTo(200);

        HttpResponse<String> afterLogout = send(nodeB, "GET", "/api/v1/admin/me", token, null);
        assertThat(afterLogout.statusCode()).isEqualTo(401);
        assertThat((String) JsonPath.read(afterLogout.body(), "$.error.details.reason")).isEqualTo("revoked");
        assertThat(send(nodeA, "GET", "/api/v1/admin/me", token, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aPasswordChangeOnOneNodeEndsTheUsersSessionsOnEveryNode() throws Exception {
        String admin = JsonPath.read(send(nodeA, "POST", "/api/v1/admin/login", null,
                "{\"username\":\"admin\",\"password\":\"" + AdminLogin.ADMIN_PASSWORD + "\"}").body(),
                "$.access_token");
        String user = AdminLogin.uniqueName("nodes");
        assertThat(send(nodeA, "POST", "/api/v1/admin/create-user", admin, "{\"username\":\"" + user
                + "\",\"password\":\"first-password\",\"role\":\"VIEWER\"}").statusCode()).isEqualTo(201);
        String credentials = "{\"username\":\"" + user + "\",\"password\":\"%s\"}";
        String onA = JsonPath.read(send(nodeA, "POST", "/api/v1/admin/login", null,
                credentials.formatted("first-password")).body(), "$.access_token");
        String onB = JsonPath.read(send(nodeB, "POST", "/api/v1/admin/login", null,
                credentials.formatted("first-password")).body(), "$.access_token");
        assertThat(send(nodeB, "GET", "/api/v1/admin/me", onB, null).statusCode()).isEqualTo(200);

        assertThat(send(nodeA, "POST", "/api/v1/admin/change-password", onA,
                "{\"current_password\":\"first-password\",\"new_password\":\"second-password\"}").statusCode())
                .isEqualTo(200);

        HttpResponse<String> afterChange = send(nodeB, "GET", "/api/v1/admin/me", onB, null);
        assertThat(afterChange.statusCode()).isEqualTo(401);
        assertThat((String) JsonPath.read(afterChange.body(), "$.error.details.reason")).isEqualTo("revoked");
        assertThat(send(nodeA, "GET", "/api/v1/admin/me", onB, null).statusCode()).isEqualTo(401);
        HttpResponse<String> again = send(nodeB, "POST", "/api/v1/admin/login", null,
                credentials.formatted("second-password"));
        assertThat(again.statusCode()).isEqualTo(200);
        String fresh = JsonPath.read(again.body(), "$.access_token");
        assertThat(send(nodeA, "GET", "/api/v1/admin/me", fresh, null).statusCode()).isEqualTo(200);
        assertThat(send(nodeB, "GET", "/api/v1/admin/me", admin, null).statusCode()).isEqualTo(200);
    }
}
