package com.tallytrack.manifest;

import static com.tallytrack.support.AdminLogin.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.support.AdminLogin;
import com.tallytrack.support.PostgresInitializer;

/**
 * Every endpoint of {@code /api/v1/admin/manifest} over HTTP with real tokens from the login endpoint: the happy
 * path and each error of PRODUCT §3, on H2 and on PostgreSQL. Each test uses its own tracking numbers (the
 * PostgreSQL database is shared by all contexts of the test run).
 */
class ManifestApiTest {

    @SpringBootTest
    @AutoConfigureMockMvc
    @ActiveProfiles("test")
    abstract static class Base {

        @Autowired
        MockMvc mvc;

        String admin;
        String prefix;

        @BeforeEach
        void signIn() throws Exception {
            admin = AdminLogin.adminToken(mvc);
            prefix = "MT" + Long.toString(System.nanoTime(), 36).toUpperCase();
        }

        String body(String tracking, String pkg, String customer, String date) {
            return "{\"tracking_number\":\"" + tracking + "\",\"manifest_date\":\"" + date + "\","
                    + "\"transport_code\":\"T1\",\"customer_code\":\"" + customer + "\",\"goods_code\":\"G1\""
                    + (pkg == null ? "" : ",\"package_number\":\"" + pkg + "\"") + ",\"weight\":1.5}";
        }

        ResultActions send(MockHttpServletRequestBuilder request) throws Exception {
            return mvc.perform(request.with(bearer(admin)));
        }

        long create(String tracking, String pkg, String customer, String date) throws Exception {
            String json = send(post("/api/v1/admin/manifest").contentType(MediaType.APPLICATION_JSON)
                    .content(body(tracking, pkg, customer, date)))
                    .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
            return ((Number) JsonPath.read(json, "$.data.id")).longValue();
        }

        @Test
        void createTrimsAndUpperCasesNumbersAndAnswers201() throws Exception {
            send(post("/api/v1/admin/manifest").contentType(MediaType.APPLICATION_JSON)
                    .content(body("  " + prefix.toLowerCase() + "a1 ", " pkg-" + prefix.toLowerCase() + " ", "C1",
                            "2024-05-01")))
                    .andExpect(status().isCreated())
                    .andExpect(jsonPath("$.success").value(true))
                    .andExpect(jsonPath("$.data.tracking_number").value(prefix + "A1"))
                    .andExpect(jsonPath("$.data.package_number").value("PKG-" + prefix))
                    .andExpect(jsonPath("$.data.manifest_date").value("2024-05-01"))
                    .andExpect(jsonPath("$.data.version").value(0))
                    .andExpect(jsonPath("$.data.created_at").isNotEmpty());
        }

        @Test
        void duplicateTrackingNumberIs409() throws Exception {
            create(prefix + "D1", null, "C1", "2024-05-01");
            send(post("/api/v1/admin/manifest").contentType(MediaType.APPLICATION_JSON)
                    .content(body(prefix.toLowerCase() + "d1", null, "C1", "2024-05-01")))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.success").value(false))
                    .andExpect(jsonPath("$.error.code").value("DUPLICATE_TRACKING_NUMBER"))
                    .andExpect(jsonPath("$.error.details.tracking_number").value(prefix + "D1"));
        }

        @Test
        void invalidFieldsAreReportedOneByOne() throws Exception {
            send(post("/api/v1/admin/manifest").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"tracking_number\":\"ab-1\",\"transport_code\":\"\",\"customer_code\":\"C1\","
                            + "\"goods_code\":\"" + "G".repeat(21) + "\",\"package_number\":\"P K\","
                            + "\"weight\":-1,\"length\":1.234}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("VALIDATION_ERROR"))
                    .andExpect(jsonPath("$.error.details[*].field", containsInAnyOrder("tracking_number",
                            "manifest_date", "transport_code", "goods_code", "package_number", "weight", "length")))
                    .andExpect(jsonPath("$.error.details[?(@.field == 'tracking_number')].code")
                            .value("TRACKING_TOO_SHORT"))
                    .andExpect(jsonPath("$.error.details[?(@.field == 'weight')].code").value("OUT_OF_RANGE"))
                    .andExpect(jsonPath("$.error.details[?(@.field == 'length')].code").value("TOO_MANY_DECIMALS"))
                    .andExpect(jsonPath("$.error.details[0].message").isNotEmpty());
        }

        @Test
        void wronglyTypedFieldIsAFieldError() throws Exception {
            send(post("/api/v1/admin/manifest").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"tracking_number\":\"" + prefix + "X1\",\"manifest_date\":\"yesterday\"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("VALIDATION_ERROR"))
                    .andExpect(jsonPath("$.error.details[0].field").value("manifest_date"))
                    .andExpect(jsonPath("$.error.details[0].code").value("INVALID_FORMAT"));
        }

        @Test
        void getByIdAndByTrackingNumber() throws Exception {
            long id = create(prefix + "G1", "PKG-" + prefix, "C1", "2024-05-01");
            send(get("/api/v1/admin/manifest/" + id))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.tracking_number").value(prefix + "G1"));
            send(get("/api/v1/admin/manifest/tracking/" + prefix.toLowerCase() + "g1"))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.id").value(id))
                    .andExpect(jsonPath("$.data.package_number").value("PKG-" + prefix));
        }

        @Test
        void unknownIdOrNumberIs404() throws Exception {
            send(get("/api/v1/admin/manifest/987654321098"))
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.error.code").value("MANIFEST_NOT_FOUND"));
            send(get("/api/v1/admin/manifest/tracking/" + prefix + "NONE"))
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.error.code").value("MANIFEST_NOT_FOUND"));
            send(put("/api/v1/admin/manifest/987654321098").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"version\":0,\"goods_code\":\"G9\"}"))
                    .andExpect(status().isNotFound());
            send(delete("/api/v1/admin/manifest/987654321098").param("confirm", "true"))
                    .andExpect(status().isNotFound());
            send(get("/api/v1/admin/manifest/not-a-number"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("INVALID_PARAMETER"));
        }

        @Test
        void partialUpdateChangesOnlyTheGivenFieldsAndBumpsTheVersion() throws Exception {
            long id = create(prefix + "U1", "PKG-" + prefix, "C1", "2024-05-01");
            send(put("/api/v1/admin/manifest/" + id).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"version\":0,\"package_number\":\"new-" + prefix.toLowerCase() + "\"}"))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.package_number").value("NEW-" + prefix))
                    .andExpect(jsonPath("$.data.customer_code").value("C1"))
                    .andExpect(jsonPath("$.data.weight").value(1.5))
                    .andExpect(jsonPath("$.data.version").value(1));
            // an explicit null clears an optional field
            send(put("/api/v1/admin/manifest/" + id).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"version\":1,\"package_number\":null}"))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.package_number").value(nullValue()))
                    .andExpect(jsonPath("$.data.version").value(2));
        }

        @Test
        void staleVersionIs409AndChangesNothing() throws Exception {
            long id = create(prefix + "V1", null, "C1", "2024-05-01");
            send(put("/api/v1/admin/manifest/" + id).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"version\":0,\"goods_code\":\"G2\"}")).andExpect(status().isOk());
            send(put("/api/v1/admin/manifest/" + id).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"version\":0,\"goods_code\":\"G3\"}"))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.error.code").value("VERSION_CONFLICT"))
                    .andExpect(jsonPath("$.error.details.current_version").value(1));
            send(get("/api/v1/admin/manifest/" + id)).andExpect(jsonPath("$.data.goods_code").value("G2"));
        }

        @Test
        void updateNeedsAVersionAndValidValues() throws Exception {
            long id = create(prefix + "W1", null, "C1", "2024-05-01");
            send(put("/api/v1/admin/manifest/" + id).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"goods_code\":\"G2\"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[0].field").value("version"));
            send(put("/api/v1/admin/manifest/" + id).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"version\":0,\"tracking_number\":\"x\"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[0].field").value("tracking_number"));
        }

        @Test
        void renamingOntoAnExistingTrackingNumberIs409() throws Exception {
            create(prefix + "R1", null, "C1", "2024-05-01");
            long second = create(prefix + "R2", null, "C1", "2024-05-01");
            send(put("/api/v1/admin/manifest/" + second).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"version\":0,\"tracking_number\":\"" + prefix + "R1\"}"))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.error.code").value("DUPLICATE_TRACKING_NUMBER"));
        }

        @Test
        void deleteNeedsConfirmation() throws Exception {
            long id = create(prefix + "X1", null, "C1", "2024-05-01");
            send(delete("/api/v1/admin/manifest/" + id))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("CONFIRMATION_REQUIRED"));
            send(get("/api/v1/admin/manifest/" + id)).andExpect(status().isOk());
            send(delete("/api/v1/admin/manifest/" + id).param("confirm", "true"))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.tracking_number").value(prefix + "X1"));
            send(get("/api/v1/admin/manifest/" + id)).andExpect(status().isNotFound());
        }

        @Test
        void batchDeleteRemovesTheFoundAndReportsTheMissing() throws Exception {
            long a = create(prefix + "B1", null, "C1", "2024-05-01");
            long b = create(prefix + "B2", null, "C1", "2024-05-01");
            String ids = "[" + a + "," + b + ",987654321099]";
            send(delete("/api/v1/admin/manifest/batch").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"ids\":" + ids + "}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("CONFIRMATION_REQUIRED"));
            send(delete("/api/v1/admin/manifest/batch").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"ids\":[],\"confirm\":true}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[0].field").value("ids"));
            send(delete("/api/v1/admin/manifest/batch").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"ids\":" + ids + ",\"confirm\":true}"))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.deleted_count").value(2))
                    .andExpect(jsonPath("$.not_found_ids[0]").value(987654321099L));
            send(get("/api/v1/admin/manifest/" + a)).andExpect(status().isNotFound());
            send(get("/api/v1/admin/manifest/" + b)).andExpect(status().isNotFound());
        }

        @Test
        void searchMatchesTrackingOrPackageNumberAndFilters() throws Exception {
            create(prefix + "S1", "PK" + prefix, "CA" + prefix.substring(2, 8), "2024-01-10");
            create(prefix + "S2", "PK" + prefix, "CB" + prefix.substring(2, 8), "2024-02-10");
            create(prefix + "S3", null, "CA" + prefix.substring(2, 8), "2024-03-10");
            send(get("/api/v1/admin/manifest/search").param("q", prefix.toLowerCase()))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.success").value(true))
                    .andExpect(jsonPath("$.data", hasSize(3)))
                    .andExpect(jsonPath("$.pagination.total_count").value(3));
            // q matches the package number too: "PK<prefix>" is in S1 and S2 only
            send(get("/api/v1/admin/manifest/search").param("q", "pk" + prefix))
                    .andExpect(jsonPath("$.data[*].tracking_number", containsInAnyOrder(prefix + "S1", prefix + "S2")));
            send(get("/api/v1/admin/manifest/search").param("q", prefix)
                    .param("customer_code", "CA" + prefix.substring(2, 8)))
                    .andExpect(jsonPath("$.data[*].tracking_number", containsInAnyOrder(prefix + "S1", prefix + "S3")));
            send(get("/api/v1/admin/manifest/search").param("package_number", "pk" + prefix.toLowerCase()))
                    .andExpect(jsonPath("$.pagination.total_count").value(2));
            send(get("/api/v1/admin/manifest/search").param("q", prefix).param("transport_code", "T1")
                    .param("date_from", "2024-02-01").param("date_to", "2024-02-28"))
                    .andExpect(jsonPath("$.data[*].tracking_number", containsInAnyOrder(prefix + "S2")));
            send(get("/api/v1/admin/manifest/search").param("q", prefix).param("date_from", "1st of May"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("INVALID_PARAMETER"))
                    .andExpect(jsonPath("$.error.details.parameter").value("date_from"));
        }

        @Test
        void searchPagesAndSortsByWhitelistedFieldsOnly() throws Exception {
            for (int i = 1; i <= 5; i++) {
                create(prefix + "P" + i, null, "C1", "2024-01-0" + i);
            }
            send(get("/api/v1/admin/manifest/search").param("q", prefix).param("limit", "2").param("page", "2")
                    .param("sort_by", "manifest_date").param("sort_order", "asc"))
                    .andExpect(jsonPath("$.data[*].tracking_number", containsInAnyOrder(prefix + "P3", prefix + "P4")))
                    .andExpect(jsonPath("$.data[0].tracking_number").value(prefix + "P3"))
                    .andExpect(jsonPath("$.pagination.page").value(2))
                    .andExpect(jsonPath("$.pagination.limit").value(2))
                    .andExpect(jsonPath("$.pagination.total_count").value(5))
                    .andExpect(jsonPath("$.pagination.total_pages").value(3))
                    .andExpect(jsonPath("$.pagination.has_next").value(true))
                    .andExpect(jsonPath("$.pagination.has_prev").value(true));
            send(get("/api/v1/admin/manifest/search").param("q", prefix).param("sort_by", "tracking_number")
                    .param("sort_order", "desc").param("limit", "1"))
                    .andExpect(jsonPath("$.data[0].tracking_number").value(prefix + "P5"))
                    .andExpect(jsonPath("$.pagination.has_prev").value(false));
            send(get("/api/v1/admin/manifest/search").param("sort_by", "password_hash; DROP TABLE x"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("INVALID_SORT_FIELD"))
                    .andExpect(jsonPath("$.error.details.allowed", hasItem("manifest_date")));
            send(get("/api/v1/admin/manifest/search").param("sort_order", "sideways"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("INVALID_PARAMETER"));
            send(get("/api/v1/admin/manifest/search").param("q", prefix).param("limit", "100000"))
                    .andExpect(jsonPath("$.pagination.limit").value(200));
        }

        @Test
        void statisticsOverviewCountsManifestsAndPackages() throws Exception {
            String before = send(get("/api/v1/admin/manifest/statistics/overview"))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            long total = ((Number) JsonPath.read(before, "$.data.total_manifests")).longValue();
            long withPackage = ((Number) JsonPath.read(before, "$.data.with_package")).longValue();
            create(prefix + "O1", "PKG-" + prefix, "C1", "2024-05-01");
            create(prefix + "O2", null, "C1", "2024-05-01");
            send(get("/api/v1/admin/manifest/statistics/overview"))
                    .andExpect(jsonPath("$.data.total_manifests").value(total + 2))
                    .andExpect(jsonPath("$.data.with_package").value(withPackage + 1))
                    .andExpect(jsonPath("$.data.created_today").isNumber())
                    .andExpect(jsonPath("$.data.top_customers").isArray());
        }

        @Test
        void writesAreAudited() throws Exception {
            long id = create(prefix + "A1", null, "C1", "2024-05-01");
            send(put("/api/v1/admin/manifest/" + id).contentType(MediaType.APPLICATION_JSON)
                    .content("{\"version\":0,\"goods_code\":\"G7\"}")).andExpect(status().isOk());
            send(delete("/api/v1/admin/manifest/" + id).param("confirm", "true")).andExpect(status().isOk());
            String json = send(get("/api/v1/admin/audit").param("username", "admin").param("limit", "200"))
                    .andReturn().getResponse().getContentAsString();
            List<String> actions = JsonPath.read(json, "$.data[?(@.target == '" + prefix + "A1')].action");
            assertThat(actions).containsExactly("MANIFEST_DELETE", "MANIFEST_UPDATE", "MANIFEST_CREATE");
            List<String> summaries = JsonPath.read(json,
                    "$.data[?(@.target == '" + prefix + "A1' && @.action == 'MANIFEST_UPDATE')].summary");
            assertThat(summaries.get(0)).contains("before:").contains("after:").contains("G7");
        }

        @Test
        void withoutATokenEveryEndpointIs401() throws Exception {
            for (MockHttpServletRequestBuilder request : List.of(get("/api/v1/admin/manifest/search"),
                    get("/api/v1/admin/manifest/1"), get("/api/v1/admin/manifest/statistics/overview"),
                    post("/api/v1/admin/manifest").contentType(MediaType.APPLICATION_JSON).content("{}"),
                    delete("/api/v1/admin/manifest/1").param("confirm", "true"))) {
                mvc.perform(request)
                        .andExpect(status().isUnauthorized())
                        .andExpect(header().string("WWW-Authenticate", "Bearer"))
                        .andExpect(jsonPath("$.success").value(false))
                        .andExpect(jsonPath("$.error.code").value("UNAUTHORIZED"))
                        .andExpect(jsonPath("$.error.request_id").isNotEmpty());
            }
            mvc.perform(get("/api/v1/admin/manifest/search").header("Authorization", "Bearer not.a.token"))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.error.details.reason").value("invalid"));
        }

        @Test
        void viewerMayReadButNotWrite() throws Exception {
            long id = create(prefix + "VW1", null, "C1", "2024-05-01");
            String viewer = AdminLogin.viewerToken(mvc);
            mvc.perform(get("/api/v1/admin/manifest/" + id).with(bearer(viewer))).andExpect(status().isOk());
            mvc.perform(get("/api/v1/admin/manifest/search").with(bearer(viewer))).andExpect(status().isOk());
            for (MockHttpServletRequestBuilder write : List.of(
                    post("/api/v1/admin/manifest").contentType(MediaType.APPLICATION_JSON)
                            .content(body(prefix + "VW2", null, "C1", "2024-05-01")),
                    put("/api/v1/admin/manifest/" + id).contentType(MediaType.APPLICATION_JSON)
                            .content("{\"version\":0,\"goods_code\":\"G9\"}"),
                    delete("/api/v1/admin/manifest/" + id).param("confirm", "true"),
                    delete("/api/v1/admin/manifest/batch").contentType(MediaType.APPLICATION_JSON)
                            .content("{\"ids\":[" + id + "],\"confirm\":true}"))) {
                mvc.perform(write.with(bearer(viewer)))
                        .andExpect(status().isForbidden())
                        .andExpect(jsonPath("$.error.code").value("FORBIDDEN"));
            }
            send(get("/api/v1/admin/manifest/" + id)).andExpect(jsonPath("$.data.version").value(0));
            send(get("/api/v1/admin/manifest/tracking/" + prefix + "VW2")).andExpect(status().isNotFound());
        }

        @Test
        void malformedJsonIs400() throws Exception {
            send(post("/api/v1/admin/manifest").contentType(MediaType.APPLICATION_JSON).content("{\"tracking_"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("MALFORMED_REQUEST"))
                    .andExpect(jsonPath("$.error.message", not(org.hamcrest.Matchers.containsString("Exception"))));
            send(post("/api/v1/admin/manifest").contentType(MediaType.APPLICATION_JSON).content("[1,2]"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("MALFORMED_REQUEST"));
        }
    }

    static class OnH2 extends Base {
    }

    @ContextConfiguration(initializers = PostgresInitializer.class)
    static class OnPostgres extends Base {
    }
}
