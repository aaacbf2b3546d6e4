package com.tallytrack.manifest;

/**
 * The one rule for tracking numbers (快递单号), shared by the public query, the manifests API and the importer:
 * trimmed, upper-case, ASCII letters and digits only, 6 to 50 characters.
 *
 * <p>Only ASCII letters are upper-cased: {@code String.toUpperCase} maps {@code ſ} (long s) to {@code S} and the
 * ligature {@code ﬀ} to {@code FF}, so a check after it would accept text that is not the number it looks like.
 * Everything else is left as it came and the character check refuses it.
 */
public final class TrackingNumbers {

    public static final int MIN_LENGTH = 6;
    public static final int MAX_LENGTH = 50;

    private TrackingNumbers() {
    }

    /** Trimmed, ASCII letters upper-cased, anything else unchanged; {@code null} stays {@code null}. */
    public static String clean(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.strip();
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                if (out == null) {
                    out = new StringBuilder(s);
                }
                out.setCharAt(i, (char) (c - ('a' - 'A')));
            }
        }
        return out == null ? s : out.toString();
    }

    /** Why a cleaned tracking number is not acceptable, as a reason code, or {@code null} when it is. */
    public static String problem(String cleaned) {
        if (cleaned == null || cleaned.isEmpty()) {
            return "REQUIRED";
        }
        if (cleaned.length() < MIN_LENGTH) {
            return "TOO_SHORT";
        }
        if (cleaned.length() > MAX_LENGTH) {
            return "TOO_LONG";
        }
        if (!only(cleaned, false)) {
            return "INVALID_CHARACTERS";
        }
        return null;
    }

    /**
     * {@code [A-Z0-9]+} ({@code [A-Z0-9_-]+} for a package number) as a loop: it runs for every public query and
     * twice for every imported row, where a regular expression was interpreted code for a cold import's first rows.
     */
    private static boolean only(String s, boolean packageNumber) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || (packageNumber && (c == '_' || c == '-'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static boolean isValid(String cleaned) {
        return problem(cleaned) == null;
    }

    /** A cleaned package number (集包单号), or {@code null} when blank. */
    public static String cleanPackage(String raw) {
        String cleaned = clean(raw);
        return cleaned == null || cleaned.isEmpty() ? null : cleaned;
    }

    /** Why a cleaned package number is not acceptable, or {@code null} when it is (absent is fine). */
    public static String packageProblem(String cleaned) {
        if (cleaned == null) {
            return null;
        }
        if (cleaned.length() > MAX_LENGTH) {
            return "TOO_LONG";
        }
        if (!only(cleaned, true)) {
            return "INVALID_CHARACTERS";
        }
        return null;
    }
}
