package com.tallytrack.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads a JSON request body into a record and writes a JSON answer with the application's {@link ObjectMapper},
 * without Spring MVC's message-converter loop, for the public query only. That loop (content negotiation, the
 * search for a converter, body advice) is generic code the JIT compiler spends the most time on in a node's
 * first seconds under load (docs/BENCHMARKS.md, P1w); the public query needs none of it, as it reads and writes
 * JSON only. (Declaring that with {@code consumes}/{@code produces} on the mapping moves the cost into the
 * handler lookup, which then evaluates both conditions for every request.)
 *
 * <p>The failures are those of the converter path, answered by {@link ApiErrorHandler}: a body that is not JSON
 * is {@link HttpMediaTypeNotSupportedException} (415), an {@code Accept} that JSON does not satisfy
 * {@link HttpMediaTypeNotAcceptableException} (406), a missing, malformed or wrongly typed body
 * {@link HttpMessageNotReadableException} (400 {@code MALFORMED_REQUEST}), with {@link BodyTooLargeException} in
 * its cause chain when {@code tallytrack.http.max-json-body} cut the body (413).
 */
@Component
public class JsonBodies {

    private final ObjectMapper objectMapper;

    JsonBodies(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON);

    /**
     * The body as {@code type}; never {@code null} (an empty body or a JSON {@code null} is a missing body). Checks
     * first that the body is JSON and that the client accepts a JSON answer.
     */
    public <T> T read(HttpServletRequest request, Class<T> type)
            throws HttpMediaTypeNotSupportedException, HttpMediaTypeNotAcceptableException {
        if (!isJson(request.getContentType())) {
            throw new HttpMediaTypeNotSupportedException("Content-Type '" + request.getContentType()
                    + "' is not supported");
        }
        if (!acceptsJson(request.getHeader(HttpHeaders.ACCEPT))) {
            throw new HttpMediaTypeNotAcceptableException(JSON);
        }
        T value;
        try {
            String charset = request.getCharacterEncoding();
            value = charset == null || StandardCharsets.UTF_8.name().equalsIgnoreCase(charset)
                    ? objectMapper.readValue(request.getInputStream(), type)
                    : objectMapper.readValue(request.getReader(), type);
        } catch (JacksonException | IOException e) {
            throw new HttpMessageNotReadableException("JSON parse error: " + e.getMessage(), e,
                    new ServletServerHttpRequest(request));
        }
        if (value == null) {
            throw new HttpMessageNotReadableException("Required request body is missing",
                    new ServletServerHttpRequest(request));
        }
        return value;
    }

    /** {@code application/json} or {@code application/*+json}, the media types Jackson's converter reads. */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return type.isCompatibleWith(MediaType.APPLICATION_JSON)
                    || "application".equals(type.getType()) && type.getSubtype().endsWith("+json");
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** No {@code Accept}, or one that names JSON or a wildcard covering it (an unparsable one accepts nothing). */
    private static boolean acceptsJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        try {
            for (MediaType type : MediaType.parseMediaTypes(accept)) {
                if (type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
                    return true;
                }
            }
            return false;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** Writes {@code body} (its runtime type decides the JSON, as Spring MVC does for a handler returning Object). */
    public void write(HttpServletResponse response, Object body) throws IOException {
        byte[] json = objectMapper.writeValueAsBytes(body);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }
}
