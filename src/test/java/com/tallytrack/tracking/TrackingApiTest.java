package com.tallytrack.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.carrier.CarrierCache;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;

/** The public tracking API over HTTP, with the simulator carrier and a small rate limit. */
@SpringBootTest(properties = "tallytrack.query.rate-limit-per-minute=5")
@AutoConfigureMockMvc
@ActiveProfiles("test")
class TrackingApiTest {

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    @Autowired
    MockMvc mvc;
    @Autowired
    ManifestService manifests;
    @Autowired
    CarrierCache carrierCache;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    /** Every test is its own client IP, so the rate limit of one does not leak into another. */
    private final String clientIp = "10.1.0." + CLIENTS.incrementAndGet();

    private RequestPostProcessor from(String ip) {
        return request -> {
            request.setRemoteAddr(ip);
            return request;
        };
    }

    private MockHttpServletRequestBuilder query(String json) {
        return post("/api/v1/tracking/query").with(from(clientIp)).contentType(MediaType.APPLICATION_JSON)
                .content(json);
    }

    private static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36).toUpperCase();
    }

    @Test
    void aLinkedNumberIsQueriedByItsPackageNumberAndTheSecondQueryIsCached() throws Exception {
        String tracking = unique("TA");
        String pkg = unique("PK");
        manifests.create(new ManifestInput(tracking, LocalDate.of(2026, 1, 2), "T1", "C1", "G1", pkg, null, null,
                null, null, null));

        mvc.perform(query("{\"tracking_number\":\"  " + tracking.toLowerCase() + " \"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.original_tracking_number").value("  " + tracking.toLowerCase() + " "))
                .andExpect(jsonPath("$.cleaned_tracking_number").value(tracking))
                .andExpect(jsonPath("$.query_tracking_number").value(pkg))
                .andExpect(jsonPath("$.query_type").value("package"))
                .andExpect(jsonPath("$.has_package_association").value(true))
                .andExpect(jsonPath("$.manifest_info.package_number").value(pkg))
                .andExpect(jsonPath("$.manifest_info.manifest_date").value("2026-01-02"))
                .andExpect(jsonPath("$.tracking_info.company_code").isNotEmpty())
                .andExpect(jsonPath("$.tracking_info.company_name").isNotEmpty())
                .andExpect(jsonPath("$.tracking_info.state").isNotEmpty())
                .andExpect(jsonPath("$.tracking_info.state_text").isNotEmpty())
                .andExpect(jsonPath("$.tracking_info.is_signed").isBoolean())
                .andExpect(jsonPath("$.tracking_info.tracks[0].time").isNotEmpty())
                .andExpect(jsonPath("$.tracking_info.tracks[0].description").isNotEmpty())
                .andExpect(jsonPath("$.error").doesNotExist())
                .andExpect(jsonPath("$.error_code").doesNotExist())
                .andExpect(jsonPath("$.query_time").isNotEmpty())
                .andExpect(jsonPath("$.cached").value(false))
                .andExpect(jsonPath("$.stale").value(false))
                .andExpect(jsonPath("$.simulated").value(true));

        long hitsBefore = carrierCache.stats().hits();
        mvc.perform(query("{\"tracking_number\":\"" + tracking + "\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.cached").value(true))
                .andExpect(jsonPath("$.cached_at").isNotEmpty())
                .andExpect(jsonPath("$.cache_age_seconds").value(greaterThanOrEqualTo(0)));
        assertThat(carrierCache.stats().hits()).isEqualTo(hitsBefore + 1);
    }

    @Test
    void carrierCallsLatencyAndCacheLookupsAreMetered() throws Exception {
        double before = meters.counter("tallytrack.carrier.calls", "provider", "simulator", "outcome", "success")
                .count();
        double hitsBefore = meters.counter("tallytrack.carrier.cache.requests", "result", "hit").count();
        String tracking = unique("TM");
        mvc.perform(query("{\"tracking_number\":\"" + tracking + "\"}")).andExpect(status().isOk());
        mvc.perform(query("{\"tracking_number\":\"" + tracking + "\"}")).andExpect(status().isOk());
        assertThat(meters.counter("tallytrack.carrier.calls", "provider", "simulator", "outcome", "success").count())
                .isEqualTo(before + 1);
        assertThat(meters.counter("tallytrack.carrier.cache.requests", "result", "hit").count())
                .isEqualTo(hitsBefore + 1);
        assertThat(meters.find("tallytrack.carrier.latency").tag("outcome", "success").timer()).isNotNull();
        assertThat(meters.find("tallytrack.carrier.singleflight.joins").counter()).isNotNull();
    }

    @Test
    void anUnlinkedNumberIsQueriedAsItIs() throws Exception {
        String tracking = unique("TB");
        mvc.perform(query("{\"tracking_number\":\"" + tracking + "\",\"company_code\":\"YUNDA\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.query_tracking_number").value(tracking))
                .andExpect(jsonPath("$.query_type").value("original"))
                .andExpect(jsonPath("$.has_package_association").value(false))
                .andExpect(jsonPath("$.manifest_info").doesNotExist())
                .andExpect(jsonPath("$.tracking_info.company_code").value("yunda"))
                .andExpect(jsonPath("$.tracking_info.company_name").value("韵达快递"));
    }

    @Test
    void aCarrierFailureIsA200WithAFriendlyLocalizedError() throws Exception {
        String tracking = unique("TC") + "0000";
        mvc.perform(query("{\"tracking_number\":\"" + tracking + "\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(false))
                .andExpect(jsonPath("$.error_code").value("NOT_FOUND"))
                .andExpect(jsonPath("$.error").value(containsString("暂未查到")))
                .andExpect(jsonPath("$.tracking_info").doesNotExist())
                .andExpect(jsonPath("$.simulated").value(true));
        mvc.perform(query("{\"tracking_number\":\"" + tracking + "\"}").header("Accept-Language", "en"))
                .andExpect(jsonPath("$.error").value(containsString("No tracking information")));
    }

    @Test
    void invalidInputIsRefusedWithoutEchoingIt() throws Exception {
        mvc.perform(query("{\"tracking_number\":\"<script>alert(1)</script>\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.success").value(false))
                .andExpect(jsonPath("$.error.code").value("INVALID_TRACKING_NUMBER"))
                .andExpect(jsonPath("$.error.details.reason").value("INVALID_CHARACTERS"))
                .andExpect(content().string(not(containsString("script"))))
                .andExpect(content().string(not(containsString("alert"))));
        mvc.perform(query("{\"tracking_number\":\"AB12\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details.reason").value("TOO_SHORT"));
        mvc.perform(query("{}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_TRACKING_NUMBER"));
        mvc.perform(query("{\"tracking_number\":\"ABC123456\",\"company_code\":\"<b>x</b>\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_COMPANY_CODE"))
                .andExpect(content().string(not(containsString("<b>"))));
    }

    @Test
    void validateSaysWhetherANumberIsAcceptable() throws Exception {
        mvc.perform(get("/api/v1/tracking/validate/{n}", " yt1234567 "))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.valid").value(true))
                .andExpect(jsonPath("$.cleaned").value("YT1234567"))
                .andExpect(jsonPath("$.errors").isEmpty());
        mvc.perform(get("/api/v1/tracking/validate/{n}", "ab1").header("Accept-Language", "en"))
                .andExpect(jsonPath("$.valid").value(false))
                .andExpect(jsonPath("$.cleaned").value("AB1"))
                .andExpect(jsonPath("$.errors[0]").value(containsString("too short")));
        mvc.perform(get("/api/v1/tracking/validate/{n}", "<img src=x onerror=alert(1)>"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.valid").value(false))
                .andExpect(jsonPath("$.cleaned").doesNotExist())
                .andExpect(content().string(not(containsString("onerror"))));
    }

    @Test
    void aBatchAnswersEveryNumberInOrderAndRefusesMoreThanFifty() throws Exception {
        String a = unique("TD");
        String b = unique("TE") + "0000";
        mvc.perform(post("/api/v1/tracking/batch-query").with(from(clientIp)).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"tracking_numbers\":[\"" + a + "\",\"<i>x</i>\",\"" + b + "\"]}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(3))
                .andExpect(jsonPath("$.success_count").value(1))
                .andExpect(jsonPath("$.failed_count").value(2))
                .andExpect(jsonPath("$.results[0].cleaned_tracking_number").value(a))
                .andExpect(jsonPath("$.results[0].success").value(true))
                .andExpect(jsonPath("$.results[1].error_code").value("INVALID_TRACKING_NUMBER"))
                .andExpect(jsonPath("$.results[1].original_tracking_number").doesNotExist())
                .andExpect(jsonPath("$.results[2].error_code").value("NOT_FOUND"))
                .andExpect(content().string(not(containsString("<i>"))));

        StringBuilder many = new StringBuilder("{\"tracking_numbers\":[");
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append("\"NUM").append(100000 + i).append('"');
        }
        mvc.perform(post("/api/v1/tracking/batch-query").with(from("10.2.0.1")).contentType(MediaType.APPLICATION_JSON)
                        .content(many.append("]}").toString()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("BATCH_TOO_LARGE"))
                .andExpect(jsonPath("$.error.details.limit").value(50));
    }

    @Test
    void theSixthQueryOfAMinuteFromOneClientIsRefusedWithRetryAfter() throws Exception {
        for (int i = 0; i < 5; i++) {
            mvc.perform(query("{\"tracking_number\":\"RL" + clientIp.replace(".", "") + "00" + i + "\"}"))
                    .andExpect(status().isOk());
        }
        mvc.perform(query("{\"tracking_number\":\"RL123456789\"}"))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().exists("Retry-After"))
                .andExpect(header().string("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-9][0-9]*")))
                .andExpect(jsonPath("$.error.code").value("RATE_LIMITED"));
        // another client is not affected
        mvc.perform(post("/api/v1/tracking/query").with(from("10.3.0.1")).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"tracking_number\":\"RL123456789\"}"))
                .andExpect(status().isOk());
    }

    @Test
    void aBatchCountsOneQueryPerNumberAgainstTheLimit() throws Exception {
        mvc.perform(post("/api/v1/tracking/batch-query").with(from(clientIp)).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"tracking_numbers\":[\"BQ1000001\",\"BQ1000002\",\"BQ1000003\",\"BQ1000004\"]}"))
                .andExpect(status().isOk());
        mvc.perform(post("/api/v1/tracking/batch-query").with(from(clientIp)).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"tracking_numbers\":[\"BQ1000005\",\"BQ1000006\"]}"))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().exists("Retry-After"));
        mvc.perform(query("{\"tracking_number\":\"BQ1000007\"}"))
                .andExpect(status().isOk());
    }

    @Test
    void aRefusedOversizedBatchCostsNoRateBudget() throws Exception {
        StringBuilder many = new StringBuilder("{\"tracking_numbers\":[");
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append("\"OB").append(100000 + i).append('"');
        }
        mvc.perform(post("/api/v1/tracking/batch-query").with(from(clientIp)).contentType(MediaType.APPLICATION_JSON)
                        .content(many.append("]}").toString()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("BATCH_TOO_LARGE"));
        for (int i = 0; i < 5; i++) {
            mvc.perform(query("{\"tracking_number\":\"OB" + clientIp.replace(".", "") + "00" + i + "\"}"))
                    .andExpect(status().isOk());
        }
    }

    @Test
    void theQueryReadsJsonInAnyCharsetAndAnswersJsonWhateverAcceptNamesIt() throws Exception {
        String tracking = unique("CS");
        byte[] utf16 = ("{\"tracking_number\":\"" + tracking + "\"}").getBytes(StandardCharsets.UTF_16);
        mvc.perform(post("/api/v1/tracking/query").with(from(clientIp))
                        .contentType("application/json;charset=UTF-16").content(utf16))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "application/json"))
                .andExpect(jsonPath("$.cleaned_tracking_number").value(tracking));
        for (String accept : List.of("*/*", "application/*", "text/html, application/json;q=0.9")) {
            mvc.perform(query("{\"tracking_number\":\"" + tracking + "\"}").header("Accept", accept))
                    .andExpect(status().isOk())
                    .andExpect(header().string("Content-Type", "application/json"))
                    .andExpect(jsonPath("$.success").value(true));
        }
        mvc.perform(post("/api/v1/tracking/query").with(from(clientIp)).contentType("application/vnd.query+json")
                        .content("{\"tracking_number\":\"" + tracking + "\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.cleaned_tracking_number").value(tracking));
    }

    @Test
    void aPlusJsonAcceptOrOneOfTwoAcceptHeadersNamingJsonGetsJson() throws Exception {
        String tracking = unique("AJ");
        for (String accept : List.of("application/vnd.api+json", "application/problem+json, text/html")) {
            mvc.perform(query("{\"tracking_number\":\"" + tracking + "\"}").header("Accept", accept))
                    .andExpect(status().isOk())
                    .andExpect(header().string("Content-Type", "application/json"));
        }
        // two Accept headers are one list: the second names JSON
        mvc.perform(query("{\"tracking_number\":\"" + tracking + "\"}").header("Accept", "text/html")
                        .header("Accept", "application/json"))
                .andExpect(status().isOk());
    }

    @Test
    void theCharsetOfTheContentTypeDecodesTheQueryBody() throws Exception {
        // ISO-8859-1 0xE9 is not UTF-8: read as UTF-8 this body is malformed; read as Latin-1 it is a number
        // with an "é", which the validation refuses by name
        byte[] latin1 = "{\"tracking_number\":\"SF12345678\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        mvc.perform(post("/api/v1/tracking/query").with(from(clientIp))
                        .contentType("application/json;charset=ISO-8859-1").content(latin1))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_TRACKING_NUMBER"))
                .andExpect(jsonPath("$.error.details.reason").value("INVALID_CHARACTERS"));
        String tracking = unique("LA");
        mvc.perform(post("/api/v1/tracking/query").with(from(clientIp))
                        .contentType("application/json;charset=windows-1252")
                        .content(("{\"tracking_number\":\"" + tracking + "\"}").getBytes(StandardCharsets.ISO_8859_1)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.cleaned_tracking_number").value(tracking));
        mvc.perform(post("/api/v1/tracking/query").with(from(clientIp))
                        .contentType("application/json;charset=no-such-charset").content("{}"))
                .andExpect(status().isUnsupportedMediaType());
    }

    @Test
    void aQueryBodyThatIsNotJsonIs415AndAnAcceptJsonCannotMeetIs406() throws Exception {
        mvc.perform(post("/api/v1/tracking/query").with(from(clientIp)).contentType(MediaType.TEXT_PLAIN)
                        .content("SF1234567890"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.error.code").value("UNSUPPORTED_MEDIA_TYPE"));
        mvc.perform(post("/api/v1/tracking/query").with(from(clientIp)).content("{\"tracking_number\":\"SF1\"}"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.error.code").value("UNSUPPORTED_MEDIA_TYPE"));
        mvc.perform(post("/api/v1/tracking/query").with(from(clientIp)).contentType("not a media type")
                        .content("{}"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.error.code").value("UNSUPPORTED_MEDIA_TYPE"));
        for (String wildcard : List.of("*/*", "application/*")) {
            mvc.perform(post("/api/v1/tracking/query").with(from(clientIp)).contentType(wildcard)
                            .content("{\"tracking_number\":\"SF1234567890\"}"))
                    .andExpect(status().isUnsupportedMediaType());
        }
        // no body and no Content-Type: a missing body, as on Spring MVC's own path
        mvc.perform(post("/api/v1/tracking/query").with(from(clientIp)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("MALFORMED_REQUEST"));
        for (String accept : List.of("application/xml", "text/plain, text/html")) {
            mvc.perform(query("{\"tracking_number\":\"SF1234567890\"}").header("Accept", accept)
                            .header("Accept-Language", "en"))
                    .andExpect(status().isNotAcceptable())
                    .andExpect(jsonPath("$.error.code").value("NOT_ACCEPTABLE"))
                    .andExpect(jsonPath("$.error.message").value(containsString("application/json")));
        }
    }

    @Test
    void aMissingOrMalformedQueryBodyIs400AndCostsNoRateBudget() throws Exception {
        // the limit here is 5 a minute: seven refused bodies and then a good query still answer
        for (String body : List.of("", "null", "{\"tracking_number\":", "[1,2]", "{\"tracking_number\":[1]}",
                "{\"include_journey\":\"perhaps\"}", "{\"tracking_number\":\"SF1\"} trailing")) {
            mvc.perform(query(body))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("MALFORMED_REQUEST"))
                    .andExpect(content().string(not(containsString("Exception"))))
                    .andExpect(content().string(not(containsString("jackson"))));
        }
        mvc.perform(query("{\"tracking_number\":\"" + unique("MB") + "\"}"))
                .andExpect(status().isOk());
    }

    @Test
    void theOpenApiDocumentDescribesTheQueryBodyAndAnswerInSnakeCase() throws Exception {
        String doc = mvc.perform(get("/v3/api-docs")).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        String query = "$.paths['/api/v1/tracking/query'].post";
        assertThat((String) JsonPath.read(doc, query + ".requestBody.content['application/json'].schema['$ref']"))
                .endsWith("/QueryRequest");
        assertThat((Boolean) JsonPath.read(doc, query + ".requestBody.required")).isTrue();
        List<String> answers = JsonPath.read(doc,
                query + ".responses['200'].content['application/json'].schema.oneOf[*]['$ref']");
        assertThat(answers).anySatisfy(ref -> assertThat(ref).endsWith("/TrackingQueryResult"))
                .anySatisfy(ref -> assertThat(ref).endsWith("/JourneyQueryResult"));
        // the servlet request and response the handler takes are not parameters of the API
        assertThat(JsonPath.<java.util.Map<String, Object>>read(doc, query)).doesNotContainKey("parameters");
        // named as the JSON is (snake case), not as the Java record components are
        assertThat(JsonPath.<java.util.Map<String, Object>>read(doc, "$.components.schemas.QueryRequest.properties"))
                .containsOnlyKeys("tracking_number", "company_code", "phone", "include_journey");
        assertThat(JsonPath.<java.util.Map<String, Object>>read(doc,
                "$.components.schemas.TrackingQueryResult.properties"))
                .containsKeys("original_tracking_number", "has_package_association", "manifest_info")
                .doesNotContainKeys("originalTrackingNumber");
    }
}
