package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.support.AdminLogin;

/**
 * The upload limit on a real server (Tomcat parses the multipart body, not MockMvc): an upload over
 * {@code tallytrack.import.max-file-size} is refused by Spring's multipart limit with 413 naming the limit; one
 * under it goes through with a real admin token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tallytrack.import.max-file-size=64KB")
@ActiveProfiles("test")
class UploadSizeLimitHttpTest {

    @LocalServerPort
    int port;

    @Autowired
    ImportProperties properties;

    private final HttpClient http = HttpClient.newHttpClient();

    private String token() throws Exception {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(uri("/api/v1/admin/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + AdminLogin.ADMIN + "\",\"password\":\""
                        + AdminLogin.ADMIN_PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        return JsonPath.read(login.body(), "$.access_token");
    }

    private HttpResponse<String> upload(String token, String name, byte[] content) throws Exception {
        String boundary = "----tallytrack" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(uri("/api/v1/admin/manifest/upload?preview_only=true"))
                .header("Authorization", "Bearer " + token)
                .header("Accept-Language", "en")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @Test
    void anUploadOverTheLimitIs413NamingTheLimit() throws Exception {
        assertThat(properties.maxFileSize().toKilobytes()).isEqualTo(64);
        String token = token();
        StringBuilder csv = new StringBuilder(ImportFixtures.HEADER).append("\r\n");
        while (csv.length() < 100 * 1024) {
            csv.append("2024-05-01,SF100001,,,,,,G01,C001,T01\r\n");
        }
        HttpResponse<String> tooLarge = upload(token, "big.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat((String) JsonPath.read(tooLarge.body(), "$.error.code")).isEqualTo("FILE_TOO_LARGE");
        assertThat((String) JsonPath.read(tooLarge.body(), "$.error.message")).contains("64KB");

        HttpResponse<String> small = upload(token, "small.csv",
                ImportFixtures.utf8(ImportFixtures.HEADER, "2024-05-01,SF100001,,,,,,G01,C001,T01"));
        assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
        assertThat((Integer) JsonPath.read(small.body(), "$.data.statistics.valid_rows")).isEqualTo(1);
    }

    @Test
    void aLongFileNameIsNoFileTooLarge() throws Exception {
        // 150 Chinese characters (450 bytes of UTF-8) in the part's header: Tomcat's 512-byte default for a part's
        // headers refused it, and the answer was 413 FILE_TOO_LARGE for a 150-byte file
        String token = token();
        byte[] csv = ImportFixtures.utf8(ImportFixtures.HEADER, "2024-05-01,SF100001,,,,,,G01,C001,T01");
        HttpResponse<String> chinese = upload(token, "理".repeat(150) + ".csv", csv);
        assertThat(chinese.statusCode()).as(chinese.body()).isEqualTo(200);
        // a name past the bound of a part's headers: a 400 that names the bound, not a file size
        HttpResponse<String> huge = upload(token, "a".repeat(20_000) + ".csv", csv);
        assertThat(huge.statusCode()).as(huge.body()).isEqualTo(400);
        assertThat((String) JsonPath.read(huge.body(), "$.error.code")).isEqualTo("PART_HEADERS_TOO_LARGE");
        assertThat((String) JsonPath.read(huge.body(), "$.error.message")).contains("server.tomcat.max-part-header-size");
    }
}
