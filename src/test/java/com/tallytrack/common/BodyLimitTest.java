package com.tallytrack.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import com.jayway.jsonpath.JsonPath;

/**
 * Issue 12.5: request bodies other than uploads are bounded by {@code tallytrack.http.max-json-body} before they
 * are read whole (a declared length at once, a chunked one as it streams); uploads keep their own limit; a batch
 * query echoes an over-long entry cut short. Real HTTP, because chunked bodies and early refusal are transport.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tallytrack.http.max-json-body=16KB")
@ActiveProfiles("test")
class BodyLimitTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private String login() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/admin/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"test-admin-password\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JsonPath.read(r.body(), "$.access_token");
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** A JSON object of about {@code size} bytes, sent chunked (no Content-Length). */
    private HttpResponse<String> chunked(String path, int size, String token) throws Exception {
        byte[] body = ("{\"tracking_number\":\"SF1234567890\",\"pad\":\"" + "x".repeat(size) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertTooLarge(int status, String body) {
        assertThat(status).isEqualTo(413);
        assertThat((String) JsonPath.read(body, "$.error.code")).isEqualTo("BODY_TOO_LARGE");
        assertThat((String) JsonPath.read(body, "$.error.details.property")).isEqualTo("tallytrack.http.max-json-body");
        assertThat((String) JsonPath.read(body, "$.error.details.limit")).isEqualTo("16KB");
        assertThat((String) JsonPath.read(body, "$.error.message")).contains("16KB", "tallytrack.http.max-json-body");
        assertThat((String) JsonPath.read(body, "$.error.request_id")).isNotBlank();
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeAnyByteOfTheBodyIsSent() throws Exception {
        // the body never comes: an answer at all shows the server did not wait to read it
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/tracking/query HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000000\r\n\r\n{\"tracking_number\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // read the answer as it comes, not until the connection closes: the server may keep it open to
            // discard a body the client still sends
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            String text = "";
            byte[] buffer = new byte[4096];
            while (!complete(text)) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                all.write(buffer, 0, n);
                text = all.toString(StandardCharsets.UTF_8);
            }
            assertThat(text).startsWith("HTTP/1.1 413");
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            if (text.toLowerCase().contains("transfer-encoding: chunked")) {
                body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("}") + 1);
            }
            assertTooLarge(413, body);
        }
    }

    /** The head and a whole JSON body have arrived (sent with a length or as chunks ending in a zero chunk). */
    private static boolean complete(String text) {
        int head = text.indexOf("\r\n\r\n");
        if (head < 0) {
            return false;
        }
        String lower = text.substring(0, head).toLowerCase();
        if (lower.contains("transfer-encoding: chunked")) {
            return text.endsWith("\r\n0\r\n\r\n");
        }
        int at = lower.indexOf("content-length:");
        if (at < 0) {
            return false;
        }
        int end = lower.indexOf("\r\n", at);
        int length = Integer.parseInt(lower.substring(at + 15, end < 0 ? lower.length() : end).strip());
        return text.substring(head + 4).getBytes(StandardCharsets.UTF_8).length >= length;
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimitOnThePublicQuery() throws Exception {
        HttpResponse<String> r = chunked("/api/v1/tracking/query", 64 * 1024, null);
        assertTooLarge(r.statusCode(), r.body());
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimitOnTheManifestsApi() throws Exception {
        HttpResponse<String> r = chunked("/api/v1/admin/manifest", 64 * 1024, login());
        assertTooLarge(r.statusCode(), r.body());
    }

    @Test
    void aBodyUnderTheLimitIsReadAsBefore() throws Exception {
        HttpResponse<String> r = chunked("/api/v1/tracking/query", 8 * 1024, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat((String) JsonPath.read(r.body(), "$.cleaned_tracking_number")).isEqualTo("SF1234567890");
    }

    @Test
    void uploadsKeepTheirOwnLimitNotTheJsonOne() throws Exception {
        String boundary = "----tt" + System.nanoTime();
        StringBuilder csv = new StringBuilder("理货日期,快递单号,集包单号,长度,宽度,高度,重量,货物代码,客户代码,运输代码\n");
        for (int i = 0; csv.length() < 64 * 1024; i++) {
            csv.append("2024-05-01,BL").append(100_000_000L + i).append(",,30,20,15,2.5,G01,C001,T01\n");
        }
        byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"preview_only\"\r\n\r\ntrue\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/admin/manifest/upload"))
                .header("Authorization", "Bearer " + login())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat((Integer) JsonPath.read(r.body(), "$.data.statistics.invalid_rows")).isZero();
    }

    @Test
    void aBatchQueryEchoesAnOverLongEntryCutShort() throws Exception {
        String longEntry = "A1".repeat(2500);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/tracking/batch-query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tracking_numbers\":[\"" + longEntry + "\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String echoed = JsonPath.read(r.body(), "$.results[0].original_tracking_number");
        assertThat(echoed).hasSizeLessThanOrEqualTo(51).startsWith("A1A1");
        assertThat((String) JsonPath.read(r.body(), "$.results[0].error_code")).isEqualTo("INVALID_TRACKING_NUMBER");
        assertThat(r.body()).hasSizeLessThan(2000);
    }
}
