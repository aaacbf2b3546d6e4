package com.tallytrack.manifest;

import static com.tallytrack.support.AdminLogin.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.support.AdminLogin;

/**
 * Issue 12.4: the input rules are exact, and the same for the manifests API, the public query and the import.
 * Numbers are checked as ASCII before upper-casing, dates are plain {@code YYYY-MM-DD} within 1900–2999,
 * fractions are read exactly, the version is a non-negative integer, and a PUT that changes nothing writes nothing.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
class InputRulesTest {

    private static final String LONG_S = "\u017F"; // ſ, upper-cases to S
    private static final String FF = "\uFB00"; // ﬀ, upper-cases to FF

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcClient jdbc;

    String admin;
    String prefix;

    @BeforeEach
    void signIn() throws Exception {
        admin = AdminLogin.adminToken(mvc);
        prefix = "IR" + Long.toString(System.nanoTime(), 36).toUpperCase();
    }

    private String body(String tracking, String pkg, String dateJson, String extra) {
        return "{\"tracking_number\":\"" + tracking + "\",\"manifest_date\":" + dateJson + ","
                + "\"transport_code\":\"T1\",\"customer_code\":\"C1\",\"goods_code\":\"G1\""
                + (pkg == null ? "" : ",\"package_number\":\"" + pkg + "\"") + extra + "}";
    }

    private ResultActions create(String json) throws Exception {
        return mvc.perform(post("/api/v1/admin/manifest").with(bearer(admin))
                .contentType(MediaType.APPLICATION_JSON).content(json.getBytes(StandardCharsets.UTF_8)));
    }

    private long created(String tracking) throws Exception {
        String json = create(body(tracking, null, "\"2024-05-01\"", ",\"weight\":1.5"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        return ((Number) JsonPath.read(json, "$.data.id")).longValue();
    }

    private ResultActions update(long id, String json) throws Exception {
        return mvc.perform(put("/api/v1/admin/manifest/" + id).with(bearer(admin))
                .contentType(MediaType.APPLICATION_JSON).content(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void cleaningUpperCasesOnlyAsciiLettersSoLookAlikesAreRefused() {
        assertThat(TrackingNumbers.clean(" sf123abc ")).isEqualTo("SF123ABC");
        assertThat(TrackingNumbers.clean(LONG_S + "F1234567890")).isEqualTo(LONG_S + "F1234567890");
        assertThat(TrackingNumbers.problem(TrackingNumbers.clean(LONG_S + "F1234567890")))
                .isEqualTo("INVALID_CHARACTERS");
        assertThat(TrackingNumbers.packageProblem(TrackingNumbers.cleanPackage("pkg-" + FF)))
                .isEqualTo("INVALID_CHARACTERS");
        // full-width digits and letters are not ASCII either
        assertThat(TrackingNumbers.problem(TrackingNumbers.clean("ＳＦ１２３４５６７８"))).isEqualTo("INVALID_CHARACTERS");
    }

    @Test
    void theApiRefusesALongSInATrackingNumberAndALigatureInAPackageNumber() throws Exception {
        create(body(LONG_S + "F" + prefix, null, "\"2024-05-01\"", ""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("VALIDATION_ERROR"))
                .andExpect(jsonPath("$.error.details[0].field").value("tracking_number"))
                .andExpect(jsonPath("$.error.details[0].code").value("TRACKING_INVALID_CHARACTERS"));
        create(body(prefix + "P", "PKG-" + FF, "\"2024-05-01\"", ""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].field").value("package_number"))
                .andExpect(jsonPath("$.error.details[0].code").value("PACKAGE_INVALID_CHARACTERS"));
        // and nothing was stored under the upper-cased look-alike
        mvc.perform(get("/api/v1/admin/manifest/tracking/SF" + prefix).with(bearer(admin)))
                .andExpect(status().isNotFound());
    }

    @Test
    void thePublicQueryAndValidateRefuseTheLongS() throws Exception {
        mvc.perform(post("/api/v1/tracking/query").contentType(MediaType.APPLICATION_JSON)
                .content(("{\"tracking_number\":\"" + LONG_S + "F1234567890\"}").getBytes(StandardCharsets.UTF_8)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_TRACKING_NUMBER"));
        mvc.perform(get("/api/v1/tracking/validate/{n}", LONG_S + "F1234567890"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.valid").value(false));
    }

    @Test
    void theImportRefusesTheLongSAsAnInvalidRow() throws Exception {
        String csv = "理货日期,快递单号,集包单号,长度,宽度,高度,重量,货物代码,客户代码,运输代码\n"
                + "2024-05-01," + LONG_S + "F" + prefix + ",,30,20,15,2.5,G01,C001,T01\n"
                + "2024-05-01," + prefix + "OK,PKG-" + FF + ",30,20,15,2.5,G01,C001,T01\n"
                + "2024-05-01," + prefix + "OK2,,30,20,15,2.5,G01,C001,T01\n";
        mvc.perform(multipart("/api/v1/admin/manifest/upload").file(new MockMultipartFile("file", prefix + ".csv",
                        "text/csv", csv.getBytes(StandardCharsets.UTF_8))).param("preview_only", "true")
                        .with(bearer(admin)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.statistics.valid_rows").value(1))
                .andExpect(jsonPath("$.data.statistics.invalid_rows").value(2))
                .andExpect(jsonPath("$.data.errors[0].code").value("TRACKING_INVALID_CHARACTERS"))
                .andExpect(jsonPath("$.data.errors[1].code").value("PACKAGE_INVALID_CHARACTERS"));
    }

    @Test
    void aDateWithATimePartOrInAnotherShapeIsRefusedNotTruncated() throws Exception {
        for (String date : new String[] {"\"2024-05-01T23:30:00\"", "\"2024-05-01 10:00\"", "[2024,5,1]",
                "19845", "\"2024-5-1\"", "\"2024-02-30\""}) {
            create(body(prefix + "D", null, date, ""))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[0].field").value("manifest_date"))
                    .andExpect(jsonPath("$.error.details[0].code").value("INVALID_FORMAT"));
        }
    }

    @Test
    void datesOutside1900To2999AreRefusedInTheApiAndTheRules() throws Exception {
        create(body(prefix + "E1", null, "\"1899-12-31\"", ""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("DATE_OUT_OF_RANGE"));
        create(body(prefix + "E2", null, "\"3000-01-01\"", ""))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("DATE_OUT_OF_RANGE"));
        create(body(prefix + "E3", null, "\"1900-01-01\"", "")).andExpect(status().isCreated());
        create(body(prefix + "E4", null, "\"2999-12-31\"", "")).andExpect(status().isCreated());
        // the importer goes through the same rules
        ManifestInput far = new ManifestInput(prefix + "E5", LocalDate.of(20224, 1, 1), "T", "C", "G", null,
                null, null, null, null, null);
        assertThat(ManifestRules.validate(ManifestRules.normalize(far)))
                .extracting(ManifestRules.Violation::code).containsExactly("DATE_OUT_OF_RANGE");
    }

    @Test
    void aFractionThatUnderflowsOrLosesDigitsIsRefusedLikeTooManyDecimals() throws Exception {
        for (String weight : new String[] {"1e-400", "0.0000000000000000000001", "1.0000000000000000001"}) {
            create(body(prefix + "W", null, "\"2024-05-01\"", ",\"weight\":" + weight))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.details[0].field").value("weight"))
                    .andExpect(jsonPath("$.error.details[0].code").value("TOO_MANY_DECIMALS"));
        }
        create(body(prefix + "W", null, "\"2024-05-01\"", ",\"weight\":1e400"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details[0].code").value("OUT_OF_RANGE"));
        String json = create(body(prefix + "W", null, "\"2024-05-01\"", ",\"weight\":999999.999"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        assertThat(new BigDecimal(JsonPath.read(json, "$.data.weight").toString()))
                .isEqualByComparingTo("999999.999");
    }

    @Test
    void theVersionMustBeANonNegativeInteger() throws Exception {
        long id = created(prefix + "V");
        for (String version : new String[] {"-1", "0.5", "1.7", "\"1\"", "true", "99999999999"}) {
            update(id, "{\"version\":" + version + ",\"customer_code\":\"C9\"}")
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("VALIDATION_ERROR"))
                    .andExpect(jsonPath("$.error.details[0].field").value("version"))
                    .andExpect(jsonPath("$.error.details[0].code").value("VERSION_INVALID"));
        }
        update(id, "{\"version\":0,\"customer_code\":\"C9\"}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.version").value(1));
    }

    @Test
    void aPutThatChangesNothingAnswers200WithoutANewVersionAuditRowOrChangeLogEntry() throws Exception {
        String tracking = prefix + "N";
        long id = created(tracking);
        long audits = count("SELECT COUNT(*) FROM audit_log WHERE target = :t", tracking);
        long changes = count("SELECT COUNT(*) FROM sync_change_entry WHERE tracking_number = :t", tracking);
        // the same values, written differently: lower case, padded, 1.50 for 1.5
        update(id, "{\"version\":0,\"tracking_number\":\" " + tracking.toLowerCase() + " \",\"customer_code\":\"C1\","
                + "\"weight\":1.50,\"manifest_date\":\"2024-05-01\"}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.data.version").value(0));
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE target = :t", tracking)).isEqualTo(audits);
        assertThat(count("SELECT COUNT(*) FROM sync_change_entry WHERE tracking_number = :t", tracking))
                .isEqualTo(changes);
        // a real change still is one
        update(id, "{\"version\":0,\"weight\":2}").andExpect(status().isOk())
                .andExpect(jsonPath("$.data.version").value(1));
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE target = :t", tracking)).isEqualTo(audits + 1);
    }

    private long count(String sql, String tracking) {
        return jdbc.sql(sql).param("t", tracking).query(Long.class).single();
    }
}
