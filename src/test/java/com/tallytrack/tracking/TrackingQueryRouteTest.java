package com.tallytrack.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.method.HandlerMethod;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;

/**
 * The public query's route past {@code DispatcherServlet} ({@link TrackingQueryRoute}): it is taken, and it
 * answers every kind of request exactly as Spring MVC's dispatch to the same handler does. The dispatch is
 * reached from the same application by marking a request as already seen by the route (the attribute
 * {@link OncePerRequestFilter} itself checks), so both answers go through the same filters otherwise.
 */
@SpringBootTest(properties = {"tallytrack.query.rate-limit-per-minute=3", "tallytrack.http.max-json-body=2KB"})
@AutoConfigureMockMvc
@ActiveProfiles("test")
class TrackingQueryRouteTest {

    private static final String SKIP_ROUTE = "trackingQueryRoute" + OncePerRequestFilter.ALREADY_FILTERED_SUFFIX;
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final String FAILS = "RTFAIL000001";
    private static final String ERRS = "RTERROR00001";

    @Autowired
    MockMvc mvc;
    @Autowired
    ManifestService manifests;
    @Autowired
    MeterRegistry meters;
    /** Injected faults: the handler fails for two numbers, with an exception and with an Error. */
    @MockitoSpyBean
    TrackingQueryService queries;
    @Autowired
    @Qualifier("publicQueryChain")
    SecurityFilterChain publicQueryChain;

    @BeforeEach
    void failForTwoNumbers() {
        doThrow(new IllegalStateException("injected")).when(queries).query(eq(FAILS), any(), any());
        doThrow(new StackOverflowError("injected")).when(queries).query(eq(ERRS), any(), any());
    }

    private static MockHttpServletRequestBuilder query(String ip) {
        return post("/api/v1/tracking/query").with(request -> {
            request.setRemoteAddr(ip);
            return request;
        });
    }

    private static String ip() {
        return "10.7.0." + CLIENTS.incrementAndGet();
    }

    @Test
    void thePublicQueryIsAnsweredWithoutDispatcherServletAndTheMarkedRequestIsDispatched() throws Exception {
        MvcResult routed = mvc.perform(query(ip()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"tracking_number\":\"SF1234567890\"}")).andReturn();
        assertThat(routed.getResponse().getStatus()).isEqualTo(200);
        assertThat(routed.getHandler()).as("DispatcherServlet found no handler: it did not run").isNull();

        MvcResult dispatched = mvc.perform(query(ip()).requestAttr(SKIP_ROUTE, Boolean.TRUE)
                .contentType(MediaType.APPLICATION_JSON).content("{\"tracking_number\":\"SF1234567890\"}"))
                .andReturn();
        assertThat(dispatched.getResponse().getStatus()).isEqualTo(200);
        assertThat(dispatched.getHandler()).isInstanceOfSatisfying(HandlerMethod.class,
                h -> assertThat(h.getMethod().getName()).isEqualTo("query"));

        // other methods on the path still go to Spring MVC, which says what the path allows
        MvcResult other = mvc.perform(get("/api/v1/tracking/query")).andReturn();
        assertThat(other.getResponse().getStatus()).isEqualTo(405);
        assertThat(other.getResponse().getContentAsString()).contains("METHOD_NOT_ALLOWED");
    }

    @Test
    void theRouteAnswersEveryKindOfRequestAsSpringMvcsDispatchDoes() throws Exception {
        String linked = "RT" + Long.toString(System.nanoTime(), 36).toUpperCase();
        manifests.create(new ManifestInput(linked, LocalDate.of(2026, 2, 3), "T1", "C1", "G1", "PK-" + linked,
                null, null, null, null, null));
        String json = MediaType.APPLICATION_JSON_VALUE;
        List<Variant> variants = List.of(
                Variant.of("linked", json, null, "{\"tracking_number\":\"" + linked + "\"}"),
                Variant.of("unlinked", json, null, "{\"tracking_number\":\"JD0001234567\"}"),
                Variant.of("journey", json, null,
                        "{\"tracking_number\":\"" + linked + "\",\"include_journey\":true}"),
                Variant.of("invalid number", json, null, "{\"tracking_number\":\"<script>\"}"),
                Variant.of("no number", json, null, "{}"),
                Variant.of("not json", MediaType.TEXT_PLAIN_VALUE, null, "SF1234567890"),
                Variant.of("unparsable type", "not a media type", null, "{}"),
                Variant.of("accept xml", json, "application/xml", "{\"tracking_number\":\"SF1234567890\"}"),
                Variant.of("malformed", json, null, "{\"tracking_number\":"),
                Variant.of("null", json, null, "null"),
                Variant.of("empty", json, null, ""),
                Variant.of("wrong type", json, null, "{\"include_journey\":\"perhaps\"}"),
                Variant.of("latin-1", "application/json;charset=ISO-8859-1", null,
                        "{\"tracking_number\":\"SF1234567890\",\"phone\":\"\u00e9\"}"),
                // refused by the body limit's filter before either (its length is declared): the same answer
                Variant.of("handler fails", json, null, "{\"tracking_number\":\"" + FAILS + "\"}"),
                Variant.of("handler throws an Error", json, null, "{\"tracking_number\":\"" + ERRS + "\"}"),
                // no Accept-Language: the default locale's messages (Chinese) on both paths
                new Variant("default locale", Map.of("Content-Type", json), "{\"tracking_number\":\"<b>\"}", true),
                new Variant("default locale, not json", Map.of("Content-Type", "text/plain"), "x", true),
                // refused by the body limit's filter before either (its length is declared): the same answer
                new Variant("too large", Map.of("Content-Type", json, "Accept-Language", "en"),
                        "{\"tracking_number\":\"SF1234567890\",\"phone\":\"" + "9".repeat(3000) + "\"}", false));
        Set<Integer> statuses = new TreeSet<>();
        for (Variant variant : variants) {
            // first one call to warm the carrier cache, so both answers below are the cached one
            mvc.perform(variant.request(ip(), false));
            Answer routed = Answer.of(mvc.perform(variant.request(ip(), false)).andReturn());
            Answer dispatched = Answer.of(mvc.perform(variant.request(ip(), true)).andReturn());
            assertThat(routed.handled).as(variant.name + ": routed").isFalse();
            assertThat(dispatched.handled).as(variant.name + ": dispatched").isEqualTo(variant.reachesHandler);
            assertThat(routed.status).as(variant.name).isEqualTo(dispatched.status);
            statuses.add(routed.status);
            assertThat(routed.headers).as(variant.name).isEqualTo(dispatched.headers);
            assertThat(routed.body).as(variant.name).isEqualTo(dispatched.body);
        }
        assertThat(statuses).as("the kinds of answer compared").contains(200, 400, 406, 413, 415, 500);

        // the rate limit's refusal (429 with Retry-After), one client on each path
        List<Answer> refusals = new ArrayList<>();
        for (boolean dispatch : new boolean[] {false, true}) {
            String client = ip();
            Variant variant = Variant.of("limited", json, null, "{\"tracking_number\":\"SF1234567890\"}");
            for (int i = 0; i < 3; i++) {
                assertThat(mvc.perform(variant.request(client, dispatch)).andReturn().getResponse().getStatus())
                        .isEqualTo(200);
            }
            refusals.add(Answer.of(mvc.perform(variant.request(client, dispatch)).andReturn()));
        }
        assertThat(refusals.get(0).status).isEqualTo(429);
        assertThat(refusals.get(0).headers).containsKey("Retry-After").isEqualTo(refusals.get(1).headers);
        assertThat(refusals.get(0).body).isEqualTo(refusals.get(1).body);
    }

    /** The query has a security chain of its own (admin.SecurityConfig): its answers carry the same headers. */
    @Test
    void thePublicQuerysOwnSecurityChainWritesTheHeadersOfEveryOtherAnswer() throws Exception {
        MockHttpServletResponse single = mvc.perform(query(ip()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"tracking_number\":\"SF1234567890\"}")).andReturn().getResponse();
        MockHttpServletResponse batch = mvc.perform(post("/api/v1/tracking/batch-query").with(request -> {
            request.setRemoteAddr(ip());
            return request;
        }).contentType(MediaType.APPLICATION_JSON).content("{\"tracking_numbers\":[\"SF1234567890\"]}"))
                .andReturn().getResponse();
        assertThat(single.getStatus()).isEqualTo(200);
        assertThat(batch.getStatus()).isEqualTo(200);
        assertThat(single.getHeader("Content-Security-Policy")).contains("default-src 'self'");
        for (String name : List.of("X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy",
                "Cache-Control", "Pragma", "Expires", "X-XSS-Protection", "Referrer-Policy",
                "Strict-Transport-Security")) {
            assertThat(single.getHeaders(name)).as(name).isEqualTo(batch.getHeaders(name));
        }
    }

    @Test
    void theRequestTimerCountsARoutedQueryUnderItsPathNotUnknown() throws Exception {
        double ok = count("/api/v1/tracking/query", "200");
        double refused = count("/api/v1/tracking/query", "400");
        double unknown = count("UNKNOWN", null);
        mvc.perform(query(ip()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"tracking_number\":\"SF1234567890\"}"));
        mvc.perform(query(ip()).contentType(MediaType.APPLICATION_JSON).content("{\"tracking_number\":"));
        assertThat(count("/api/v1/tracking/query", "200")).isEqualTo(ok + 1);
        assertThat(count("/api/v1/tracking/query", "400")).isEqualTo(refused + 1);
        assertThat(count("UNKNOWN", null)).isEqualTo(unknown);
    }

    private double count(String uri, String status) {
        var search = meters.find("http.server.requests").tag("uri", uri);
        if (status != null) {
            search = search.tag("status", status);
        }
        return search.timers().stream().mapToDouble(Timer::count).sum();
    }

    /** The query's own security chain (admin.SecurityConfig) is for a POST to exactly its path, nothing else. */
    @Test
    void thePublicQuerysSecurityChainMatchesOnlyAPostToItsPath() {
        assertThat(publicQueryChain.matches(new MockHttpServletRequest("POST", "/api/v1/tracking/query"))).isTrue();
        for (String[] other : new String[][] {{"GET", "/api/v1/tracking/query"}, {"PUT", "/api/v1/tracking/query"},
                {"POST", "/api/v1/tracking/query/x"}, {"POST", "/api/v1/tracking/queryx"},
                {"POST", "/api/v1/tracking/batch-query"}, {"POST", "/api/v1/admin/login"},
                {"POST", "/api/v1/admin/tracking/query"}}) {
            assertThat(publicQueryChain.matches(new MockHttpServletRequest(other[0], other[1])))
                    .as(other[0] + " " + other[1]).isFalse();
        }
    }

    private record Variant(String name, Map<String, String> headers, String body, boolean reachesHandler) {

        /** With {@code Accept-Language: en}. */
        static Variant of(String name, String contentType, String accept, String body) {
            Map<String, String> headers = new TreeMap<>(Map.of("Content-Type", contentType, "Accept-Language", "en"));
            if (accept != null) {
                headers.put("Accept", accept);
            }
            return new Variant(name, headers, body, true);
        }

        MockHttpServletRequestBuilder request(String ip, boolean dispatch) {
            MockHttpServletRequestBuilder request = query(ip);
            if (dispatch) {
                request.requestAttr(SKIP_ROUTE, Boolean.TRUE);
            }
            headers.forEach(request::header);
            String contentType = headers.getOrDefault("Content-Type", "");
            Charset charset = contentType.contains("ISO-8859-1") ? StandardCharsets.ISO_8859_1
                    : StandardCharsets.UTF_8;
            return body.isEmpty() ? request : request.content(body.getBytes(charset));
        }
    }

    /** An answer without what differs between any two calls: request id, timestamps, the cache's age. */
    private record Answer(boolean handled, int status, Map<String, List<String>> headers, String body) {

        static Answer of(MvcResult result) throws Exception {
            MockHttpServletResponse response = result.getResponse();
            Map<String, List<String>> headers = new TreeMap<>();
            for (String name : response.getHeaderNames()) {
                if (!name.equalsIgnoreCase("X-Request-Id")) {
                    headers.put(name, response.getHeaders(name));
                }
            }
            String raw = response.getContentAsString(StandardCharsets.UTF_8);
            if (response.getStatus() >= 400 && raw.contains("\"request_id\"")) {
                // the error body names the request its X-Request-Id header names
                assertThat(raw).contains("\"request_id\":\"" + response.getHeader("X-Request-Id") + "\"");
            }
            String body = raw
                    .replaceAll("\"(timestamp|query_time|cached_at|request_id)\":\"[^\"]*\"", "\"$1\":\"-\"")
                    .replaceAll("\"cache_age_seconds\":\\d+", "\"cache_age_seconds\":0");
            return new Answer(result.getHandler() != null, response.getStatus(), headers, body);
        }
    }
}
