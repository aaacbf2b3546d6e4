package com.tallytrack.importer;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * How cell texts become values, in one place for every format: numbers as a person typed them, dates in the
 * forms PRODUCT §4 lists, and the apostrophe that marks formula-like text (OWASP "CSV injection").
 */
final class CellValues {

    /** Excel keeps 15 significant digits; more are noise of the binary double. */
    private static final MathContext EXCEL_DIGITS = new MathContext(15);

    // The row path reads every number and date of an import (100,000 rows: 600,000 cells) with hand-written
    // scanners, not regular expressions: a cold import ran java.util.regex interpreted or at C1 for its first
    // rows, and its match trees were among the larger C2 compilations. CellValuesScannerTest holds the
    // expressions each scanner replaces and checks them against each other.

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
        if (!isDecimal(s)) {
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
        int n = s.length();
        if (n == 8 && digits(s, 0, 8) == 8) {
            return day(s, number(s, 0, 4), number(s, 4, 6), number(s, 6, 8));
        }
        if (n < 8 || digits(s, 0, 4) != 4) {
            throw notADate(s);
        }
        char separator = s.charAt(4);
        if (separator != '-' && separator != '/' && separator != '.') {
            throw notADate(s);
        }
        int monthDigits = digits(s, 5, n);
        int i = 5 + monthDigits;
        if (monthDigits < 1 || monthDigits > 2 || i >= n || s.charAt(i) != separator) {
            throw notADate(s);
        }
        int dayDigits = digits(s, i + 1, n);
        int end = i + 1 + dayDigits;
        if (dayDigits < 1 || dayDigits > 2 || !(end == n || timeOfDay(s, end))) {
            throw notADate(s);
        }
        return day(s, number(s, 0, 4), number(s, 5, i), number(s, i + 1, end));
    }

    /**
     * {@code [ T]H{1,2}:MM(:SS(.fraction)?)?} from {@code from} to the end of the text (the time a spreadsheet
     * may add to a date; it is ignored).
     */
    private static boolean timeOfDay(String s, int from) {
        int n = s.length();
        char c = s.charAt(from);
        if (c != ' ' && c != 'T') {
            return false;
        }
        int hourDigits = digits(s, from + 1, n);
        int i = from + 1 + hourDigits;
        if (hourDigits < 1 || hourDigits > 2 || i >= n || s.charAt(i) != ':' || digits(s, i + 1, n) != 2) {
            return false;
        }
        i += 3;
        if (i == n) {
            return true;
        }
        if (s.charAt(i) != ':' || digits(s, i + 1, n) != 2) {
            return false;
        }
        i += 3;
        if (i == n) {
            return true;
        }
        return s.charAt(i) == '.' && i + 1 < n && digits(s, i + 1, n) == n - i - 1;
    }

    /** {@code [+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?}, the whole text; digits are ASCII, as {@code \d} is. */
    static boolean isDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int whole = digits(s, i, n);
        i += whole;
        int fraction = 0;
        if (i < n && s.charAt(i) == '.') {
            fraction = digits(s, i + 1, n);
            i += 1 + fraction;
        }
        if (whole == 0 && fraction == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = digits(s, i, n);
            if (exponent < 1 || exponent > 3) {
                return false;
            }
            i += exponent;
        }
        return i == n;
    }

    /**
     * {@code \d(\.\d+)?[eE]\+\d+}, the whole text: how Excel shows a long number it keeps as a double (and
     * writes it so into a CSV); a tracking number in this form has lost its digits.
     */
    static boolean isExponentForm(String s) {
        int n = s.length();
        if (digits(s, 0, 1) != 1) {
            return false;
        }
        int i = 1;
        if (i < n && s.charAt(i) == '.') {
            int fraction = digits(s, i + 1, n);
            if (fraction == 0) {
                return false;
            }
            i += 1 + fraction;
        }
        if (i + 2 >= n || (s.charAt(i) != 'e' && s.charAt(i) != 'E') || s.charAt(i + 1) != '+') {
            return false;
        }
        return digits(s, i + 2, n) == n - i - 2;
    }

    /** How many ASCII digits follow one another from {@code from} (at most up to {@code to}). */
    private static int digits(String s, int from, int to) {
        int i = from;
        while (i < to && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }

    /** The ASCII digits from {@code from} to {@code to} as a number (at most four of them here). */
    private static int number(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (s.charAt(i) - '0');
        }
        return value;
    }

    private static DateTimeParseException notADate(String s) {
        return new DateTimeParseException("not a date", s, 0);
    }

    /**
     * The day the digits name, as the strict ISO formatter {@code uuuu-MM-dd} would read them — without a formatter
     * per cell, whose parsing and resolving was one of the largest compilations of a cold import's row path.
     */
    private static LocalDate day(String text, int year, int month, int day) {
        try {
            return LocalDate.of(year, month, day);
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
