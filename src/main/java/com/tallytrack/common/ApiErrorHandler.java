package com.tallytrack.common;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.util.ReflectionUtils;
import org.springframework.validation.BindException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The one mapping from failures to the error body of PRODUCT §3. Whatever escapes is logged here with the
 * request id and answered as {@code INTERNAL_ERROR}: no stack trace ever reaches a client.
 */
@RestControllerAdvice
public class ApiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    /** Spring MVC's choice among this class's {@code @ExceptionHandler} methods, for {@link #answer}. */
    private static final ExceptionHandlerMethodResolver HANDLERS =
            new ExceptionHandlerMethodResolver(ApiErrorHandler.class);

    private final ErrorResponses errors;
    private final Messages messages;
    private final String maxUploadSize;
    private final String maxBody;
    private final String maxPartHeaders;

    public ApiErrorHandler(ErrorResponses errors, Messages messages,
            @Value("${tallytrack.import.max-file-size:50MB}") String maxUploadSize, HttpProperties http,
            @Value("${server.tomcat.max-part-header-size:512B}") String maxPartHeaders) {
        this.errors = errors;
        this.messages = messages;
        this.maxUploadSize = maxUploadSize;
        this.maxBody = http.maxJsonBodyText();
        this.maxPartHeaders = maxPartHeaders;
    }

    /** 413 for a body cut off by {@link RequestBodyLimitFilter}, wherever in the cause chain it surfaced. */
    private ResponseEntity<ErrorBody> bodyTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException) {
                return errors.entity(HttpStatus.PAYLOAD_TOO_LARGE, "BODY_TOO_LARGE",
                        Map.of("limit", maxBody, "property", HttpProperties.MAX_JSON_BODY), maxBody,
                        HttpProperties.MAX_JSON_BODY);
            }
        }
        return null;
    }

    /**
     * The answer for a failure of a handler that runs outside Spring MVC's dispatch (the public query's route,
     * {@code tracking.TrackingQueryRoute}): the {@code @ExceptionHandler} method of this class that Spring MVC
     * would pick for it ({@link ExceptionHandlerMethodResolver}, by the failure's type and then its causes'), called
     * with the failure or the cause it matched. Anything that is not an {@link Exception} (an {@link Error}) is
     * wrapped first, as {@code DispatcherServlet} wraps it ("Handler dispatch failed"), so it is logged here and
     * answered {@code INTERNAL_ERROR}.
     */
    @SuppressWarnings("unchecked")
    public ResponseEntity<ErrorBody> answer(Throwable failure) {
        Exception e = failure instanceof Exception exception ? exception
                : new ServletException("Handler dispatch failed: " + failure, failure);
        // never null: unexpected(Exception) takes any exception
        Method handler = HANDLERS.resolveMethodByThrowable(e);
        Class<?> accepted = handler.getParameterTypes()[0];
        Throwable argument = e;
        while (!accepted.isInstance(argument)) { // the cause the resolver matched
            argument = argument.getCause();
        }
        ReflectionUtils.makeAccessible(handler);
        return (ResponseEntity<ErrorBody>) ReflectionUtils.invokeMethod(handler, this, argument);
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorBody> api(ApiException e) {
        if (e.status().is5xxServerError()) {
            log.warn("request failed: {}", e.code());
        }
        return errors.entity(e);
    }

    @ExceptionHandler(BindException.class)
    ResponseEntity<ErrorBody> binding(BindException e) {
        List<FieldViolation> violations = e.getFieldErrors().stream()
                .map(f -> new FieldViolation(f.getField(), "INVALID",
                        f.getDefaultMessage() == null ? messages.error("VALIDATION_ERROR") : f.getDefaultMessage()))
                .toList();
        return errors.entity(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", violations);
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ErrorBody> methodValidation(HandlerMethodValidationException e) {
        return errors.entity(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", null);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
        ResponseEntity<ErrorBody> tooLarge = bodyTooLarge(e);
        if (tooLarge != null) {
            return tooLarge;
        }
        return errors.entity(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", null);
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<ErrorBody> badParameter(Exception e) {
        String name = e instanceof MissingServletRequestParameterException m ? m.getParameterName()
                : ((MethodArgumentTypeMismatchException) e).getName();
        return errors.entity(HttpStatus.BAD_REQUEST, "INVALID_PARAMETER", Map.of("parameter", name), name);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ErrorBody> noResource(NoResourceFoundException e) {
        return errors.entity(HttpStatus.NOT_FOUND, "NOT_FOUND", null);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ErrorBody> method(HttpRequestMethodNotSupportedException e) {
        return errors.entity(HttpStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", null, e.getMethod());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorBody> mediaType(HttpMediaTypeNotSupportedException e) {
        return errors.entity(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", null);
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ErrorBody> tooLarge(MaxUploadSizeExceededException e) {
        ResponseEntity<ErrorBody> headers = partHeadersTooLarge(e);
        if (headers != null) {
            return headers;
        }
        return errors.entity(HttpStatus.PAYLOAD_TOO_LARGE, "FILE_TOO_LARGE",
                Map.of("limit", maxUploadSize, "property", "tallytrack.import.max-file-size"), maxUploadSize);
    }

    /**
     * 400 when a part's headers (a long file name) passed {@code server.tomcat.max-part-header-size}: Tomcat says so
     * with a {@code SizeLimitExceededException}, which Spring reports as an upload over its size — no file was too
     * large.
     */
    private ResponseEntity<ErrorBody> partHeadersTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Header section has more than")) {
                return errors.entity(HttpStatus.BAD_REQUEST, "PART_HEADERS_TOO_LARGE",
                        Map.of("limit", maxPartHeaders, "property", "server.tomcat.max-part-header-size"),
                        maxPartHeaders);
            }
        }
        return null;
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ErrorBody> multipart(MultipartException e) {
        ResponseEntity<ErrorBody> headers = partHeadersTooLarge(e);
        if (headers != null) {
            return headers;
        }
        if (e.getCause() != null && e.getCause().getMessage() != null
                && e.getCause().getMessage().toLowerCase().contains("size")) {
            return tooLarge(new MaxUploadSizeExceededException(-1, e));
        }
        return errors.entity(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST", null);
    }

    @ExceptionHandler({AccessDeniedException.class, AuthenticationCredentialsNotFoundException.class})
    ResponseEntity<ErrorBody> denied(Exception e) {
        if (e instanceof AuthenticationCredentialsNotFoundException) {
            return errors.entity(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", null);
        }
        return errors.entity(HttpStatus.FORBIDDEN, "FORBIDDEN", null);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> unexpected(Exception e) {
        ResponseEntity<ErrorBody> tooLarge = bodyTooLarge(e);
        if (tooLarge != null) {
            return tooLarge;
        }
        // Spring MVC's own client errors not mapped above (406 for an Accept header nothing satisfies, a missing
        // header or part, ...) keep their 4xx status: a client mistake is never an INTERNAL_ERROR.
        if (e instanceof ErrorResponse response && response.getStatusCode().is4xxClientError()) {
            HttpStatus status = HttpStatus.valueOf(response.getStatusCode().value());
            return errors.entity(status, status == HttpStatus.NOT_ACCEPTABLE ? "NOT_ACCEPTABLE" : "REQUEST_FAILED",
                    null);
        }
        log.error("unexpected failure", e);
        return errors.entity(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", null);
    }
}
