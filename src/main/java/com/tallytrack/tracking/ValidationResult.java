package com.tallytrack.tracking;

import java.util.List;

/**
 * Whether a tracking number is acceptable. {@code cleaned} is the trimmed upper-case form, given only when it
 * consists of letters and digits (input with other characters is never echoed); {@code errors} are localized texts.
 */
public record ValidationResult(boolean valid, String cleaned, List<String> errors) {
}
