package com.tallytrack.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.RequestDispatcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;

import com.tallytrack.support.AdminLogin;

/** The one error body of PRODUCT §3 for every kind of failure, with the request id and the client's language. */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class ErrorBodyTest {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Autowired
    MockMvc mvc;

    @Test
    void aSaneRequestIdIsEchoedInHeaderAndBody() throws Exception {
        mvc.perform(get("/api/v1/no-such-thing").header("X-Request-Id", "client-42.a:b"))
                .andExpect(status().isNotFound())
                .andExpect(header().string("X-Request-Id", "client-42.a:b"))
                .andExpect(jsonPath("$.error.request_id").value("client-42.a:b"));
    }

    @Test
    void aMissingOrUnsafeRequestIdIsReplacedByAGeneratedOne() throws Exception {
        mvc.perform(get("/api/v1/health/live"))
                .andExpect(header().string("X-Request-Id", matchesPattern(UUID)));
        mvc.perform(get("/api/v1/no-such-thing").header("X-Request-Id", "bad id\nwith newline"))
                .andExpect(header().string("X-Request-Id", matchesPattern(UUID)))
                .andExpect(jsonPath("$.error.request_id").value(matchesPattern(UUID)));
    }

    @Test
    void unknownApiPathIs404InTheErrorBody() throws Exception {
        mvc.perform(get("/api/v1/no-such-thing"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.success").value(false))
                .andExpect(jsonPath("$.error.code").value("NOT_FOUND"))
                .andExpect(jsonPath("$.error.message").value("请求的资源不存在"))
                .andExpect(jsonPath("$.error.timestamp").isNotEmpty());
    }

    @Test
    void messagesAreEnglishWhenAsked() throws Exception {
        mvc.perform(get("/api/v1/no-such-thing").header("Accept-Language", "en"))
                .andExpect(jsonPath("$.error.message").value("The requested resource does not exist"));
        mvc.perform(get("/api/v1/no-such-thing").header("Accept-Language", "zh-CN,zh;q=0.9"))
                .andExpect(jsonPath("$.error.message").value("请求的资源不存在"));
        // a language we do not speak falls back to Chinese, never to the server's own locale
        mvc.perform(get("/api/v1/no-such-thing").header("Accept-Language", "fr"))
                .andExpect(jsonPath("$.error.message").value("请求的资源不存在"));
    }

    @Test
    void malformedJsonIs400WithoutParserDetails() throws Exception {
        mvc.perform(post("/api/v1/admin/login").contentType(MediaType.APPLICATION_JSON).content("{\"username\":"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("MALFORMED_REQUEST"))
                .andExpect(content().string(not(containsString("Exception"))))
                .andExpect(content().string(not(containsString("tools.jackson"))));
    }

    @Test
    void clientTextEchoedInAMessageCarriesNoMarkup() throws Exception {
        String token = AdminLogin.adminToken(mvc);
        mvc.perform(get("/api/v1/admin/manifest/search").param("sort_by", "<img src=x onerror=alert(1)>")
                        .with(AdminLogin.bearer(token)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_SORT_FIELD"))
                .andExpect(jsonPath("$.error.message").value(containsString("\uFF1Cimg src=x onerror=alert(1)\uFF1E")))
                .andExpect(jsonPath("$.error.message").value(not(containsString("<"))));
        mvc.perform(get("/api/v1/admin/manifest/upload/jobs/{id}", "<script>" + "x".repeat(500))
                        .with(AdminLogin.bearer(token)))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error.message").value(not(containsString("<script>"))))
                .andExpect(jsonPath("$.error.message").value(not(containsString("x".repeat(201)))));
    }

    @Test
    void anAcceptHeaderNothingSatisfiesIs406NotAnInternalError() throws Exception {
        mvc.perform(get("/api/v1/health/live").accept(MediaType.APPLICATION_XML).header("Accept-Language", "en"))
                .andExpect(status().isNotAcceptable())
                .andExpect(jsonPath("$.error.code").value("NOT_ACCEPTABLE"))
                .andExpect(jsonPath("$.error.message").value(containsString("application/json")));
    }

    @Test
    void wrongMethodIs405AndWrongContentTypeIs415() throws Exception {
        String token = AdminLogin.adminToken(mvc);
        mvc.perform(delete("/api/v1/admin/me").with(AdminLogin.bearer(token)))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(jsonPath("$.error.code").value("METHOD_NOT_ALLOWED"))
                .andExpect(jsonPath("$.error.message").value(containsString("DELETE")));
        mvc.perform(post("/api/v1/admin/login").contentType(MediaType.TEXT_PLAIN).content("admin"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(jsonPath("$.error.code").value("UNSUPPORTED_MEDIA_TYPE"));
    }

    @Test
    void logLinesCarryTheRequestId(CapturedOutput output) throws Exception {
        mvc.perform(get("/error").header("X-Request-Id", "log-line-check-1")
                .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 500)
                .requestAttr(RequestDispatcher.ERROR_REQUEST_URI, "/api/v1/x")
                .requestAttr(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("boom")))
                .andExpect(jsonPath("$.error.request_id").value("log-line-check-1"));
        assertThat(output.getAll()).containsPattern("request_id=log-line-check-1 .*request failed outside");
    }

    @Test
    void theErrorPageAnswersTheErrorBodyForApiPaths() throws Exception {
        mvc.perform(get("/error").requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 404)
                .requestAttr(RequestDispatcher.ERROR_REQUEST_URI, "/api/v1/x"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error.code").value("NOT_FOUND"));
        mvc.perform(get("/error").requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 500)
                .requestAttr(RequestDispatcher.ERROR_REQUEST_URI, "/api/v1/x")
                .requestAttr(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("secret internals")))
                .andExpect(status().isInternalServerError())
                .andExpect(jsonPath("$.error.code").value("INTERNAL_ERROR"))
                .andExpect(content().string(not(containsString("secret internals"))));
        mvc.perform(get("/error").accept(MediaType.TEXT_HTML)
                .requestAttr(RequestDispatcher.ERROR_STATUS_CODE, 404)
                .requestAttr(RequestDispatcher.ERROR_REQUEST_URI, "/somewhere"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andExpect(content().string(containsString("请求的资源不存在")));
    }
}
