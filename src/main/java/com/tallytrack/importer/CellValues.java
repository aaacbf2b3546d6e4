package com.tallytrack.importer;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How cell texts become values, in one place for every format: numbers as a person typed them, dates in the
 * forms PRODUCT §4 lists, and the apostrophe that marks formula-like text (OWASP "CSV injection").
 */
final class CellValues {

    /** Excel keeps 15 significant digits; more are noise of the binary double. */
    private static final MathContext EXCEL_DIGITS = new MathContext(15);

    private static final Pattern DATE = Pattern.compile(
            "(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?");
    private static final Pattern COMPACT_DATE = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");
    /** Compiled once: {@code String.matches} would compile it again for every cell of every row. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?");

    private CellValues() {
    }

    /** A numeric cell value as plain text: no exponent, no trailing {@code .0}. */
    static String plainNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return String.valueOf(value);
        }
        BigDecimal exact = new BigDecimal(value).round(EXCEL_DIGITS).stripTrailingZeros();
        return exact.scale() < 0 ? exact.setScale(0).toPlainString() : exact.toPlainString();
    }

    /** A numeric cell text as written in the sheet XML (may use an exponent) as plain text. */
    static String plainNumber(String raw) {
        try {
            return plainNumber(Double.parseDouble(raw.strip()));
        } catch (NumberFormatException e) {
            return raw;
        }
    }

    /**
     * A decimal typed by a person: spaces anywhere (also no-break and ideographic spaces) are ignored.
     *
     * @throws NumberFormatException when it is not a plain decimal
     */
    static BigDecimal decimal(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                sb.append(c);
            }
        }
        String s = sb.toString();
        if (s.isEmpty() || !DECIMAL.matcher(s).matches()) {
            throw new NumberFormatException(text);
        }
        return new BigDecimal(s);
    }

    /**
     * A date as {@code YYYY-MM-DD}, {@code YYYY/MM/DD}, {@code YYYY.MM.DD} or {@code YYYYMMDD}, optionally
     * followed by a time of day (ignored).
     *
     * @throws DateTimeParseException when it is none of them or no such day exists
     */
    static LocalDate date(String text) {
        String s = text.strip();
        Matcher m = DATE.matcher(s);
        if (m.matches()) {
            return day(s, m.group(1), m.group(3), m.group(4));
        }
        m = COMPACT_DATE.matcher(s);
        if (m.matches()) {
            return day(s, m.group(1), m.group(2), m.group(3));
        }
        throw new DateTimeParseException("not a date", s, 0);
    }

    /**
     * The day of digits the patterns above matched (at most four per field, so no overflow), as the strict ISO
     * formatter {@code uuuu-MM-dd} would read them — without a formatter per cell, whose parsing and resolving was
     * one of the largest compilations of a cold import's row path.
     */
    private static LocalDate day(String text, String year, String month, String day) {
        try {
            return LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day));
        } catch (DateTimeException e) {
            throw new DateTimeParseException("no such day: " + e.getMessage(), text, 0, e);
        }
    }

    /** True when a spreadsheet program could take the text for a formula (or it starts with the escape itself). */
    static boolean needsEscape(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        char c = text.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\'';
    }

    /** Text for an export cell: formula-like text gets a leading apostrophe so it stays text. */
    static String escape(String text) {
        return needsEscape(text) ? "'" + text : text;
    }

    /** Text of an import cell: a leading apostrophe (Excel's "this is text" mark) is dropped. */
    static String unescape(String text) {
        return text != null && text.startsWith("'") ? text.substring(1) : text;
    }
}
