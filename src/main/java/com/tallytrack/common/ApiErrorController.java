package com.tallytrack.common;

import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * Replaces Spring Boot's {@code /error} page, which the container dispatches to for failures that never
 * reached a controller (a filter's {@code sendError}, an exception thrown in a filter, an unknown path outside
 * Spring MVC). API paths and non-browser clients get the one error body of PRODUCT §3; a browser asking for a
 * page gets a plain page with the same localized message. Never a stack trace.
 */
@RestController
class ApiErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorController.class);

    private final ErrorResponses errors;

    ApiErrorController(ErrorResponses errors) {
        this.errors = errors;
    }

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<?> error(HttpServletRequest request) {
        HttpStatus status = statusOf(request);
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (failure instanceof Throwable t && status.is5xxServerError()) {
            log.error("request failed outside the controllers", t);
        }
        String code = codeOf(status);
        String uri = String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
        String accept = request.getHeader("Accept");
        boolean wantsPage = !uri.startsWith("/api/") && !uri.startsWith("/actuator")
                && accept != null && accept.contains(MediaType.TEXT_HTML_VALUE);
        // the method fills the placeholder of METHOD_NOT_ALLOWED; the other messages have none
        // (an error dispatch runs as GET; Servlet 6.1 keeps the client's method in an attribute)
        Object original = request.getAttribute(RequestDispatcher.ERROR_METHOD);
        String method = original instanceof String m ? m : request.getMethod();
        if (!wantsPage) {
            return errors.entity(status, code, null, method);
        }
        String message = HtmlUtils.htmlEscape(errors.body(code, null, method).error().message());
        String page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + status.value() + "</title></head>"
                + "<body><h1>" + status.value() + "</h1><p>" + message + "</p><p><a href=\"/\">TallyTrack</a></p>"
                + "</body></html>";
        return ResponseEntity.status(status).contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .body(page);
    }

    private static HttpStatus statusOf(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code instanceof Integer i) {
            HttpStatus status = HttpStatus.resolve(i);
            if (status != null && status.isError()) {
                return status;
            }
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    static String codeOf(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "MALFORMED_REQUEST";
            case UNAUTHORIZED -> "UNAUTHORIZED";
            case FORBIDDEN -> "FORBIDDEN";
            case NOT_FOUND -> "NOT_FOUND";
            case METHOD_NOT_ALLOWED -> "METHOD_NOT_ALLOWED";
            case UNSUPPORTED_MEDIA_TYPE -> "UNSUPPORTED_MEDIA_TYPE";
            default -> status.is4xxClientError() ? "REQUEST_FAILED" : "INTERNAL_ERROR";
        };
    }
}
