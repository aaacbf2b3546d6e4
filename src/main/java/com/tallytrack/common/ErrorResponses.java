package com.tallytrack.common;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import tools.jackson.databind.ObjectMapper;

/**
 * Builds the error body of PRODUCT §3 for a code: used by the controller advice and by the parts that answer
 * outside Spring MVC (security entry points, filters), so there is one error shape everywhere.
 */
@Component
public class ErrorResponses {

    private final Messages messages;
    private final ObjectMapper objectMapper;

    public ErrorResponses(Messages messages, ObjectMapper objectMapper) {
        this.messages = messages;
        this.objectMapper = objectMapper;
    }

    public ErrorBody body(String code, Object details, Object... args) {
        return ErrorBody.of(code, messages.error(code, args), details, RequestIds.current());
    }

    public ResponseEntity<ErrorBody> entity(HttpStatus status, String code, Object details, Object... args) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body(code, details, args));
    }

    public ResponseEntity<ErrorBody> entity(ApiException e) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON);
        e.headers().forEach(builder::header);
        return builder.body(body(e.code(), e.details(), e.args()));
    }

    /**
     * Writes an answer built by {@link #entity} straight to a servlet response, as Spring MVC would write it (the
     * same status, headers and {@code Content-Type: application/json}): for a handler outside its dispatch.
     */
    public void write(HttpServletResponse response, ResponseEntity<ErrorBody> entity) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(entity.getStatusCode().value());
        entity.getHeaders().forEach((name, values) -> {
            if (!HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
                values.forEach(value -> response.addHeader(name, value));
            }
        });
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        objectMapper.writeValue(response.getOutputStream(), entity.getBody());
    }

    /** Writes an error straight to a servlet response (for filters and security handlers). */
    public void write(HttpServletResponse response, HttpStatus status, String code, Map<String, String> headers,
            Object... args) throws IOException {
        writeWithDetails(response, status, code, null, headers, args);
    }

    /** Writes an error with details straight to a servlet response (for filters and security handlers). */
    public void writeWithDetails(HttpServletResponse response, HttpStatus status, String code, Object details,
            Map<String, String> headers, Object... args) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        headers.forEach(response::setHeader);
        objectMapper.writeValue(response.getOutputStream(), body(code, details, args));
    }
}
