package com.tallytrack.common;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.LocaleResolver;

import tools.jackson.databind.ObjectMapper;

/**
 * Tomcat's answer to requests it refuses before any servlet or filter runs (a bad {@code %}-escape in the path,
 * headers over {@code server.max-http-request-header-size}, a malformed method or request line): the one error
 * body of PRODUCT §3 with a {@code request_id}, instead of Tomcat's HTML page. Replaces the host's
 * {@link ErrorReportValve}; everything that reached the application already has its body and is left alone.
 */
final class ApiErrorReportValve extends ErrorReportValve {

    private final Messages messages;
    private final ObjectMapper objectMapper;
    private final LocaleResolver localeResolver;

    ApiErrorReportValve(Messages messages, ObjectMapper objectMapper, LocaleResolver localeResolver) {
        this.messages = messages;
        this.objectMapper = objectMapper;
        this.localeResolver = localeResolver;
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus httpStatus = HttpStatus.resolve(status);
        if (httpStatus == null) {
            httpStatus = status < 500 ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String code = ApiErrorController.codeOf(httpStatus);
        // no filter ran, so neither the request id nor the locale is set: take both from the request here
        String requestId = RequestIds.acceptOrGenerate(request.getHeader(RequestIds.HEADER));
        Locale locale = locale(request);
        String method = request.getMethod();
        String message = messages.get(locale, "error." + code, method == null ? "" : method);
        ErrorBody body = ErrorBody.of(code, message, null, requestId);
        try {
            response.setHeader(RequestIds.HEADER, requestId);
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(objectMapper.writeValueAsString(body));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response cannot take a body any more: nothing left to tell it
        }
    }

    private Locale locale(Request request) {
        try {
            return localeResolver.resolveLocale(request);
        } catch (RuntimeException e) {
            return Locale.SIMPLIFIED_CHINESE;
        }
    }
}
