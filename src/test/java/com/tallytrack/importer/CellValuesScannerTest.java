package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.tallytrack.manifest.TrackingNumbers;

/**
 * The import's row path and the tracking-number rule read cells with hand-written scanners; each must accept
 * exactly what the regular expression it replaced accepted (kept here as the oracle), on seeded random texts
 * over the characters that matter, on every text up to four characters long of a small alphabet, and on the
 * forms people type.
 */
class CellValuesScannerTest {

    private static final Pattern DATE = Pattern.compile(
            "(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?");
    private static final Pattern COMPACT_DATE = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?");
    private static final Pattern EXPONENT = Pattern.compile("\\d(\\.\\d+)?[eE]\\+\\d+");
    private static final Pattern LETTERS_AND_DIGITS = Pattern.compile("[A-Z0-9]+");
    private static final Pattern PACKAGE = Pattern.compile("[A-Z0-9_-]+");

    /** Digits, the separators and signs of the forms, letters, and characters a regex {@code \d} does not take. */
    private static final String ALPHABET = "0123456789012345678901234567890123456789-/.: T+eE_aZ,x\u0663\uff11\u3000";

    /**
     * What the replaced code made of the text: the day, or why it refused it ("not a date" when no pattern
     * matched, "no such day" when the digits name none), so a scanner refusing for the wrong reason fails too.
     */
    private static Object oracleDate(String text) {
        String s = text.strip();
        Matcher m = DATE.matcher(s);
        if (!m.matches()) {
            m = COMPACT_DATE.matcher(s);
            if (!m.matches()) {
                return "not a date";
            }
            return day(m.group(1), m.group(2), m.group(3));
        }
        return day(m.group(1), m.group(3), m.group(4));
    }

    private static Object day(String y, String m, String d) {
        try {
            return LocalDate.of(Integer.parseInt(y), Integer.parseInt(m), Integer.parseInt(d));
        } catch (DateTimeException e) {
            return "no such day";
        }
    }

    private static Object scanned(String text) {
        try {
            return CellValues.date(text);
        } catch (DateTimeParseException e) {
            return e.getMessage().startsWith("no such day") ? "no such day" : e.getMessage();
        }
    }

    private static void agree(String text) {
        assertThat(scanned(text)).as("date %s", text).isEqualTo(oracleDate(text));
        assertThat(CellValues.isDecimal(text)).as("decimal %s", text).isEqualTo(DECIMAL.matcher(text).matches());
        assertThat(CellValues.isExponentForm(text)).as("exponent %s", text)
                .isEqualTo(EXPONENT.matcher(text).matches());
        String upper = TrackingNumbers.clean(text);
        if (upper != null && upper.length() >= TrackingNumbers.MIN_LENGTH
                && upper.length() <= TrackingNumbers.MAX_LENGTH) {
            assertThat(TrackingNumbers.problem(upper) == null).as("tracking %s", upper)
                    .isEqualTo(LETTERS_AND_DIGITS.matcher(upper).matches());
        }
        if (upper != null && upper.length() <= TrackingNumbers.MAX_LENGTH) {
            assertThat(TrackingNumbers.packageProblem(upper) == null).as("package %s", upper)
                    .isEqualTo(PACKAGE.matcher(upper).matches());
        }
    }

    @Test
    void seededRandomTextsAreReadAsTheExpressionsReadThem() {
        Random random = new Random(20261203L);
        int dates = 0;
        int impossibleDays = 0;
        int decimals = 0;
        int exponents = 0;
        for (int i = 0; i < 300_000; i++) {
            String text = random.nextInt(3) == 0 ? shaped(random) : noise(random, 1 + random.nextInt(24));
            agree(text);
            dates += oracleDate(text) instanceof LocalDate ? 1 : 0;
            impossibleDays += "no such day".equals(oracleDate(text)) ? 1 : 0;
            decimals += DECIMAL.matcher(text).matches() ? 1 : 0;
            exponents += EXPONENT.matcher(text).matches() ? 1 : 0;
        }
        // the generator reaches the accepting side of every expression, not only the refusing one
        assertThat(dates).isGreaterThan(3_000);
        assertThat(impossibleDays).isGreaterThan(3_000);
        assertThat(decimals).isGreaterThan(3_000);
        assertThat(exponents).isGreaterThan(300);
    }

    @Test
    void everyShortTextOfTheSmallAlphabetIsReadAsTheExpressionsReadIt() {
        String small = "01.-e+ ";
        char[] text = new char[4];
        for (int length = 0; length <= 4; length++) {
            int count = (int) Math.pow(small.length(), length);
            for (int k = 0; k < count; k++) {
                int v = k;
                for (int j = 0; j < length; j++) {
                    text[j] = small.charAt(v % small.length());
                    v /= small.length();
                }
                agree(new String(text, 0, length));
            }
        }
    }

    @Test
    void theFormsPeopleTypeAreRead() {
        assertThat(CellValues.date("2024-05-01")).isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(CellValues.date(" 2024/5/1 08:30 ")).isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(CellValues.date("2024.05.01T08:30:15.250")).isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(CellValues.date("20240501")).isEqualTo(LocalDate.of(2024, 5, 1));
        for (String no : new String[] {"2024-05/01", "2024-05-01 8:3", "2024-05-01 08:30:1", "2024-05-01 08:30:15.",
                "2024-005-01", "2024-05-011", "2024-02-30", "\u0662024-05-01", "2024-05-01\u3000x"}) {
            assertThatThrownBy(() -> CellValues.date(no)).as(no).isInstanceOf(DateTimeParseException.class);
        }
        assertThat(CellValues.decimal(" 1 234.50 ")).isEqualByComparingTo("1234.50");
        assertThat(CellValues.decimal("-.5E-3")).isEqualByComparingTo("-0.0005");
        for (String no : new String[] {".", "1e", "1e1234", "+", "1.2.3", "\u0661"}) {
            assertThatThrownBy(() -> CellValues.decimal(no)).as(no).isInstanceOf(NumberFormatException.class);
        }
        assertThat(CellValues.isExponentForm("7.12345E+11")).isTrue();
        assertThat(CellValues.isExponentForm("7E+11")).isTrue();
        assertThat(CellValues.isExponentForm("7.E+11")).isFalse();
        assertThat(CellValues.isExponentForm("SF1234567890")).isFalse();
    }

    /** A text near one of the forms: a date, a decimal or an exponent, with one character possibly changed. */
    private static String shaped(Random random) {
        StringBuilder sb = new StringBuilder();
        switch (random.nextInt(4)) {
            case 3 -> {
                sb.append(digits(random, 7 + random.nextInt(3)));
                if (random.nextInt(4) == 0) {
                    sb.insert(0, ' ').append(random.nextBoolean() ? " " : "\u3000");
                }
            }
            case 0 -> {
                char sep = "-/.".charAt(random.nextInt(3));
                sb.append(digits(random, 4)).append(sep).append(digits(random, 1 + random.nextInt(2)))
                        .append(random.nextInt(8) == 0 ? '-' : sep).append(digits(random, 1 + random.nextInt(2)));
                if (random.nextBoolean()) {
                    sb.append(random.nextBoolean() ? ' ' : 'T').append(digits(random, random.nextInt(4)))
                            .append(':').append(digits(random, 1 + random.nextInt(3)));
                    if (random.nextBoolean()) {
                        sb.append(':').append(digits(random, 1 + random.nextInt(3)));
                        if (random.nextBoolean()) {
                            sb.append('.').append(digits(random, random.nextInt(3)));
                        }
                    }
                }
                if (random.nextInt(10) == 0) {
                    sb.insert(0, ' ').append(' ');
                }
            }
            case 1 -> {
                if (random.nextBoolean()) {
                    sb.append(random.nextBoolean() ? '+' : '-');
                }
                sb.append(digits(random, random.nextInt(4)));
                if (random.nextBoolean()) {
                    sb.append('.').append(digits(random, random.nextInt(3)));
                }
                if (random.nextInt(3) == 0) {
                    sb.append(random.nextBoolean() ? 'e' : 'E');
                    if (random.nextBoolean()) {
                        sb.append(random.nextBoolean() ? '+' : '-');
                    }
                    sb.append(digits(random, random.nextInt(5)));
                }
            }
            default -> {
                sb.append(digits(random, 1 + random.nextInt(2)));
                if (random.nextBoolean()) {
                    sb.append('.').append(digits(random, random.nextInt(6)));
                }
                sb.append(random.nextBoolean() ? 'E' : 'e').append(random.nextInt(6) == 0 ? '-' : '+')
                        .append(digits(random, random.nextInt(3)));
            }
        }
        if (random.nextInt(6) == 0 && sb.length() > 0) {
            sb.setCharAt(random.nextInt(sb.length()), ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static String digits(Random random, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    private static String noise(Random random, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
