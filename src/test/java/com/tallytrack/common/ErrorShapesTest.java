package com.tallytrack.common;

import static com.tallytrack.support.AdminLogin.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.support.AdminLogin;

/**
 * Issue 12.6: no 500 for a client's mistake, and the one error body everywhere, also for what Tomcat refuses
 * before the application sees it (checked over a real socket with raw requests).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class ErrorShapesTest {

    @LocalServerPort
    int port;

    @Autowired
    MockMvc mvc;

    /** What came back on the socket: status, headers (lower-case names), body. */
    record Raw(int status, List<String> headers, String body) {

        String header(String name) {
            String prefix = name.toLowerCase() + ":";
            return headers.stream().filter(h -> h.toLowerCase().startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).strip()).findFirst().orElse(null);
        }
    }

    private Raw raw(String request) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            byte[] bytes = all.toByteArray();
            String latin = new String(bytes, StandardCharsets.ISO_8859_1); // one char per byte: indexes agree
            int split = latin.indexOf("\r\n\r\n");
            String[] head = latin.substring(0, split).split("\r\n");
            List<String> headers = new ArrayList<>(List.of(head).subList(1, head.length));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int i = split + 4;
            if ("chunked".equalsIgnoreCase(new Raw(0, headers, "").header("Transfer-Encoding"))) {
                while (true) {
                    int eol = latin.indexOf("\r\n", i);
                    int size = Integer.parseInt(latin.substring(i, eol).strip(), 16);
                    if (size == 0) {
                        break;
                    }
                    body.write(bytes, eol + 2, size);
                    i = eol + 2 + size + 2;
                }
            } else {
                body.write(bytes, i, bytes.length - i);
            }
            return new Raw(Integer.parseInt(head[0].split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
        }
    }

    private static void assertErrorBody(Raw r, int status, String code) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.body()).doesNotContain("<html", "<!doctype", "Apache Tomcat");
        assertThat((Boolean) JsonPath.read(r.body(), "$.success")).isFalse();
        assertThat((String) JsonPath.read(r.body(), "$.error.code")).isEqualTo(code);
        assertThat((String) JsonPath.read(r.body(), "$.error.message")).isNotBlank().doesNotContain("{0}");
        String id = JsonPath.read(r.body(), "$.error.request_id");
        assertThat(id).isNotBlank();
        assertThat(r.header("X-Request-Id")).isEqualTo(id);
    }

    @Test
    void aBadPercentEscapeIsTheJsonErrorBodyNotTomcatsPage() throws Exception {
        Raw r = raw("GET /api/v1/tracking/validate/%zz HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n"
                + "X-Request-Id: raw-escape-1\r\nConnection: close\r\n\r\n");
        assertErrorBody(r, 400, "MALFORMED_REQUEST");
        assertThat(r.header("X-Request-Id")).isEqualTo("raw-escape-1");
    }

    @Test
    void headersOver8KbAreTheJsonErrorBody() throws Exception {
        Raw r = raw("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(9000)
                + "\r\nAccept-Language: en\r\nConnection: close\r\n\r\n");
        assertErrorBody(r, 400, "MALFORMED_REQUEST");
    }

    @Test
    void aMalformedMethodIsTheJsonErrorBody() throws Exception {
        Raw r = raw("G(T /api/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertErrorBody(r, 400, "MALFORMED_REQUEST");
    }

    @Test
    void methodNotAllowedNamesTheMethod() throws Exception {
        mvc.perform(delete("/api/v1/health").header("Accept-Language", "en"))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(jsonPath("$.error.code").value("METHOD_NOT_ALLOWED"))
                .andExpect(jsonPath("$.error.message").value("Method DELETE is not supported here"));
        Raw r = raw("TRACE /api/v1/health HTTP/1.1\r\nHost: localhost\r\nAccept-Language: en\r\n"
                + "Connection: close\r\n\r\n");
        assertErrorBody(r, 405, "METHOD_NOT_ALLOWED");
        assertThat((String) JsonPath.read(r.body(), "$.error.message")).contains("TRACE");
        mvc.perform(request(HttpMethod.PATCH, "/api/v1/tracking/query"))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(jsonPath("$.error.message").value(allOf(containsString("PATCH"), not(containsString("{0}")))));
    }

    @Test
    void batchTooLargeOnTheQueryNamesTheQueryLimitAndOnDeleteTheDeleteLimit() throws Exception {
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < 51; i++) {
            numbers.append(i == 0 ? "" : ",").append("\"SF").append(1_000_000_000L + i).append('"');
        }
        mvc.perform(post("/api/v1/tracking/batch-query").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"tracking_numbers\":[" + numbers + "]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("BATCH_TOO_LARGE"))
                .andExpect(jsonPath("$.error.message").value(allOf(containsString("50"),
                        containsString("tallytrack.query.batch-max-size"), not(containsString("delete")))));
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 1001; i++) {
            ids.append(i == 0 ? "" : ",").append(i + 1);
        }
        mvc.perform(delete("/api/v1/admin/manifest/batch").with(bearer(AdminLogin.adminToken(mvc)))
                        .contentType(MediaType.APPLICATION_JSON).content("{\"ids\":[" + ids + "],\"confirm\":true}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("BATCH_TOO_LARGE"))
                .andExpect(jsonPath("$.error.message").value(allOf(containsString("1000"),
                        containsString("tallytrack.manifest.batch-delete-limit"))));
    }

    @Test
    void invalidColumnsListsDuplicatesOnlyWhenThereAreSome() throws Exception {
        String admin = AdminLogin.adminToken(mvc);
        byte[] unknownOnly = "理货日期,快递单号,集包单号,长度,宽度,高度,重量,货物代码,客户代码,运输代码,颜色\n"
                .getBytes(StandardCharsets.UTF_8);
        mvc.perform(multipart("/api/v1/admin/manifest/upload")
                        .file(new MockMultipartFile("file", "cols.csv", "text/csv", unknownOnly))
                        .param("preview_only", "true").header("Accept-Language", "en").with(bearer(admin)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_COLUMNS"))
                .andExpect(jsonPath("$.error.message").value("Wrong header. Unknown columns: 颜色."));
        byte[] duplicate = "理货日期,快递单号,集包单号,长度,宽度,高度,重量,货物代码,客户代码,运输代码,重量\n"
                .getBytes(StandardCharsets.UTF_8);
        mvc.perform(multipart("/api/v1/admin/manifest/upload")
                        .file(new MockMultipartFile("file", "cols.csv", "text/csv", duplicate))
                        .param("preview_only", "true").with(bearer(admin)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.message").value("表头不正确。重复的列：重量。"));
    }

    @Test
    void aBackgroundCsvWithAnUnterminatedQuoteInItsFirstRowIsFileUnreadable(CapturedOutput output)
            throws Exception {
        byte[] csv = ("\"理货日期,快递单号,集包单号,长度,宽度,高度,重量,货物代码,客户代码,运输代码\n"
                + "2024-05-01,UQ0000000001,,30,20,15,2.5,G01,C001,T01\n").getBytes(StandardCharsets.UTF_8);
        mvc.perform(multipart("/api/v1/admin/manifest/upload")
                        .file(new MockMultipartFile("file", "quote.csv", "text/csv", csv))
                        .param("async", "true").with(bearer(AdminLogin.adminToken(mvc))))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("FILE_UNREADABLE"));
        assertThat(output.getOut()).doesNotContain("unexpected failure");
    }
}
