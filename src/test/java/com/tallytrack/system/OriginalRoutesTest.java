package com.tallytrack.system;

import static com.tallytrack.support.AdminLogin.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.support.AdminLogin;

/**
 * Issue 12.8: the Python original's whole route table (PRODUCT §3: tracking, health, auth, manifests, audit,
 * sync) answers as documented, once with the paths as listed and once with a trailing slash, which its clients
 * send (its create call is {@code POST /api/v1/admin/manifest/}). And the OpenAPI document describes the upload
 * as multipart and leaves {@code /error} out.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
class OriginalRoutesTest {

    @Autowired
    MockMvc mvc;

    private String slash;
    private String admin;

    private ResultActions call(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.with(bearer(admin)));
    }

    private String p(String path) {
        return path + slash;
    }

    private static String json(ResultActions result) throws Exception {
        return result.andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "trailing slash: \"{0}\"")
    @ValueSource(strings = {"", "/"})
    void everyRouteOfTheOriginalAnswersAsDocumented(String trailing) throws Exception {
        slash = trailing;
        admin = AdminLogin.adminToken(mvc);
        String tag = "OR" + (trailing.isEmpty() ? "A" : "B") + Long.toString(System.nanoTime(), 36).toUpperCase();

        // ---- public tracking and health
        mvc.perform(post(p("/api/v1/tracking/query")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"tracking_number\":\"SF1234567890\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.cleaned_tracking_number").value("SF1234567890"))
                .andExpect(jsonPath("$.query_type").exists())
                .andExpect(jsonPath("$.tracking_info").exists());
        mvc.perform(post(p("/api/v1/tracking/batch-query")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"tracking_numbers\":[\"SF1234567890\",\"x\"]}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(2))
                .andExpect(jsonPath("$.failed_count").value(1))
                .andExpect(jsonPath("$.results.length()").value(2));
        mvc.perform(get(p("/api/v1/tracking/validate/SF1234567890")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.valid").value(true))
                .andExpect(jsonPath("$.cleaned").value("SF1234567890"));
        mvc.perform(get(p("/api/v1/health"))).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
        mvc.perform(get(p("/api/v1/health/ready"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("READY"));
        mvc.perform(get(p("/api/v1/health/live"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"));
        mvc.perform(get(p("/actuator/health"))).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
        call(get(p("/actuator/prometheus"))).andExpect(status().isOk())
                .andExpect(content().string(containsString("jvm_memory_used_bytes")));
        mvc.perform(get(p("/actuator/prometheus"))).andExpect(status().isUnauthorized());

        // ---- auth
        mvc.perform(post(p("/api/v1/admin/login")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\":\"admin\",\"password\":\"" + AdminLogin.ADMIN_PASSWORD + "\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.access_token").isNotEmpty())
                .andExpect(jsonPath("$.token_type").value("bearer"))
                .andExpect(jsonPath("$.expires_in").isNumber())
                .andExpect(jsonPath("$.user.username").value("admin"));
        call(get(p("/api/v1/admin/me"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.data.username").value("admin"));
        call(get(p("/api/v1/admin/session/status"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.valid").value(true));
        // a refresh replaces the token: go on with the new one
        admin = JsonPath.read(json(call(post(p("/api/v1/admin/session/refresh"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.access_token").isNotEmpty())), "$.access_token");
        String user = tag.toLowerCase();
        call(post(p("/api/v1/admin/create-user")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\":\"" + user + "\",\"password\":\"First-Pass-123\",\"role\":\"VIEWER\"}"))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.success").value(true));
        String userToken = AdminLogin.token(mvc, user, "First-Pass-123");
        mvc.perform(post(p("/api/v1/admin/change-password")).with(bearer(userToken))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"current_password\":\"First-Pass-123\",\"new_password\":\"Second-Pass-456\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true));
        String again = AdminLogin.token(mvc, user, "Second-Pass-456");
        mvc.perform(post(p("/api/v1/admin/logout")).with(bearer(again))).andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true));
        mvc.perform(get(p("/api/v1/admin/me")).with(bearer(again))).andExpect(status().isUnauthorized());

        // ---- manifests
        String tracking = tag + "1";
        long id = ((Number) JsonPath.read(json(call(post(p("/api/v1/admin/manifest"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"tracking_number\":\"" + tracking + "\",\"manifest_date\":\"2024-05-01\","
                                + "\"transport_code\":\"T1\",\"customer_code\":\"C1\",\"goods_code\":\"G1\","
                                + "\"package_number\":\"PKG-" + tag + "\",\"weight\":1.5}"))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.data.tracking_number").value(tracking))), "$.data.id")).longValue();
        call(post(p("/api/v1/admin/manifest")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"tracking_number\":\"" + tracking + "\",\"manifest_date\":\"2024-05-01\","
                                + "\"transport_code\":\"T1\",\"customer_code\":\"C1\",\"goods_code\":\"G1\"}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.error.code").value("DUPLICATE_TRACKING_NUMBER"));
        call(get(p("/api/v1/admin/manifest/search")).param("q", tag).param("page", "1").param("limit", "10")
                        .param("sort_by", "tracking_number").param("sort_order", "asc"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.data[0].tracking_number").value(tracking))
                .andExpect(jsonPath("$.pagination.total_count").value(1))
                .andExpect(jsonPath("$.pagination.has_next").value(false));
        call(get(p("/api/v1/admin/manifest/" + id))).andExpect(status().isOk())
                .andExpect(jsonPath("$.data.id").value(id));
        call(get(p("/api/v1/admin/manifest/tracking/" + tracking))).andExpect(status().isOk())
                .andExpect(jsonPath("$.data.package_number").value("PKG-" + tag));
        call(put(p("/api/v1/admin/manifest/" + id)).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"version\":0,\"weight\":2.5}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.version").value(1));
        call(put(p("/api/v1/admin/manifest/" + id)).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"version\":0,\"weight\":3.5}"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.error.code").value("VERSION_CONFLICT"));
        call(get(p("/api/v1/admin/manifest/statistics/overview"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.data").isMap());
        call(get(p("/api/v1/admin/manifest/template/download")).param("format", "csv")).andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith("text/csv"));
        byte[] csv = ("理货日期,快递单号,集包单号,长度,宽度,高度,重量,货物代码,客户代码,运输代码\n"
                + "2024-05-01," + tag + "U,,30,20,15,2.5,G01,C001,T01\n").getBytes(StandardCharsets.UTF_8);
        mvc.perform(multipart(p("/api/v1/admin/manifest/upload"))
                        .file(new MockMultipartFile("file", tag + ".csv", "text/csv", csv)).param("preview_only", "true")
                        .with(bearer(admin)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.statistics.total_rows").value(1))
                .andExpect(jsonPath("$.data.statistics.valid_rows").value(1));
        call(get(p("/api/v1/admin/manifest/upload/jobs/no-such-job"))).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.success").value(false));

        // ---- audit
        call(get(p("/api/v1/admin/audit")).param("page", "1").param("limit", "5").param("action", "MANIFEST_CREATE"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data").isArray())
                .andExpect(jsonPath("$.pagination.page").value(1));

        // ---- sync, the seed's seven endpoints
        call(get(p("/api/v1/admin/sync/statistics"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.data").isMap());
        call(get(p("/api/v1/admin/sync/pending-operations")).param("limit", "5")).andExpect(status().isOk())
                .andExpect(jsonPath("$.data.limit").value(5));
        call(post(p("/api/v1/admin/sync/force-sync/" + tracking))).andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true));
        call(get(p("/api/v1/admin/sync/cache/" + tracking))).andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true));
        call(get(p("/api/v1/admin/sync/health"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.data.status").exists());
        call(post(p("/api/v1/admin/sync/clear-pending-operations"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.cleared_count").isNumber());
        call(post(p("/api/v1/admin/sync/invalidate-cache"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.data.cluster_wide").value(true));

        // ---- deletes last
        call(delete(p("/api/v1/admin/manifest/" + id))).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("CONFIRMATION_REQUIRED"));
        call(delete(p("/api/v1/admin/manifest/" + id)).param("confirm", "true")).andExpect(status().isOk())
                .andExpect(jsonPath("$.data.tracking_number").value(tracking));
        call(delete(p("/api/v1/admin/manifest/batch")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"ids\":[" + id + "],\"confirm\":true}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.deleted_count").value(0))
                .andExpect(jsonPath("$.not_found_ids[0]").value(id));
    }

    @Test
    void withoutATokenTheSlashFormIsProtectedLikeThePlainOne() throws Exception {
        for (String path : List.of("/api/v1/admin/manifest/", "/api/v1/admin/me/", "/api/v1/admin/sync/statistics/",
                "/actuator/metrics/", "/actuator/prometheus/")) {
            mvc.perform(get(path)).andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.code").value("UNAUTHORIZED"));
        }
        mvc.perform(post("/api/v1/admin/manifest/").contentType(MediaType.APPLICATION_JSON).content("{}"))
                .andExpect(status().isUnauthorized());
        String viewer = AdminLogin.viewerToken(mvc);
        mvc.perform(post("/api/v1/admin/manifest/").with(bearer(viewer)).contentType(MediaType.APPLICATION_JSON)
                .content("{}")).andExpect(status().isForbidden());
    }

    @Test
    void theOpenApiDocumentDescribesTheUploadAsMultipartAndLeavesErrorOut() throws Exception {
        String doc = mvc.perform(get("/v3/api-docs")).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        Map<String, Object> paths = JsonPath.read(doc, "$.paths");
        assertThat(paths).doesNotContainKey("/error").containsKey("/api/v1/admin/manifest/upload");
        Map<String, Object> content = JsonPath.read(doc, "$.paths['/api/v1/admin/manifest/upload'].post.requestBody.content");
        assertThat(content).containsOnlyKeys("multipart/form-data");
        assertThat((String) JsonPath.read(doc, "$.paths['/api/v1/admin/manifest/upload'].post.requestBody.content"
                + "['multipart/form-data'].schema.properties.file.format")).isEqualTo("binary");
    }
}
