package com.tallytrack.common;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConversionException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidDefinitionException;
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

    private static final MediaType ANY_JSON = new MediaType("application", "*+json");
    private static final List<MediaType> JSON = List.of(MediaType.APPLICATION_JSON, ANY_JSON);

    private final ObjectMapper objectMapper;

    JsonBodies(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    /**
     * The body as {@code type}; never {@code null} (an empty body or a JSON {@code null} is a missing body). Checks
     * first that the body is JSON and that the client accepts a JSON answer. The charset is the one the
     * {@code Content-Type} names (the request's own encoding is forced to UTF-8 by Spring Boot's encoding
     * filter); without one Jackson detects UTF-8, UTF-16 or UTF-32 itself.
     */
    public <T> T read(HttpServletRequest request, Class<T> type)
            throws HttpMediaTypeNotSupportedException, HttpMediaTypeNotAcceptableException {
        MediaType contentType = jsonType(request.getContentType());
        if (contentType == null) {
            if (request.getContentLengthLong() <= 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null) {
                // no body at all (neither a length nor chunks): missing, as Spring MVC's reading says
                throw missingBody(request);
            }
            throw new HttpMediaTypeNotSupportedException("Content-Type '" + request.getContentType()
                    + "' is not supported");
        }
        if (!acceptsJson(request.getHeaders(HttpHeaders.ACCEPT))) {
            throw new HttpMediaTypeNotAcceptableException(JSON);
        }
        T value;
        try {
            Charset charset = contentType.getCharset();
            value = charset == null || StandardCharsets.UTF_8.equals(charset)
                    ? objectMapper.readValue(request.getInputStream(), type)
                    : objectMapper.readValue(new InputStreamReader(request.getInputStream(), charset), type);
        } catch (InvalidDefinitionException e) {
            // a type Jackson cannot build is the server's mistake, as on the converter path
            throw new HttpMessageConversionException("Type definition error: " + e.getType(), e);
        } catch (JacksonException | IOException e) {
            throw new HttpMessageNotReadableException("JSON parse error: " + e.getMessage(), e,
                    new ServletServerHttpRequest(request));
        }
        if (value == null) {
            throw missingBody(request);
        }
        return value;
    }

    private static HttpMessageNotReadableException missingBody(HttpServletRequest request) {
        return new HttpMessageNotReadableException("Required request body is missing",
                new ServletServerHttpRequest(request));
    }

    /**
     * The {@code Content-Type} when it is one Jackson's converter reads ({@code application/json},
     * {@code application/*+json}), else {@code null} (also for none, an unparsable one or a charset the JVM lacks).
     */
    private static MediaType jsonType(String contentType) {
        if (contentType == null) {
            return null;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return MediaType.APPLICATION_JSON.includes(type) || ANY_JSON.includes(type) ? type : null;
        } catch (IllegalArgumentException e) { // InvalidMediaTypeException, an unknown charset
            return null;
        }
    }

    /**
     * No {@code Accept}, or one (over all its headers) that names JSON, a {@code +json} type or a wildcard covering
     * them; an unparsable one accepts nothing. The answer is {@code application/json} in every case.
     */
    private static boolean acceptsJson(Enumeration<String> headers) {
        if (headers == null || !headers.hasMoreElements()) {
            return true;
        }
        try {
            boolean any = false;
            while (headers.hasMoreElements()) {
                String header = headers.nextElement();
                if (header == null || header.isBlank()) {
                    continue;
                }
                any = true;
                for (MediaType type : MediaType.parseMediaTypes(header)) {
                    if (type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.isCompatibleWith(ANY_JSON)) {
                        return true;
                    }
                }
            }
            return !any;
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
