package com.tallytrack.common;

/**
 * One invalid field: {@code field} is the API (snake_case) field name, {@code code} a stable reason code,
 * {@code message} the localized text. Validation errors carry a list of these as their details.
 */
public record FieldViolation(String field, String code, String message) {
}
