package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link CellValues#date} reads the day itself instead of handing each cell to a formatter; every form it accepts
 * must give the day the strict ISO formatter gives, and every text that formatter refuses must stay refused.
 */
class CellValuesDateTest {

    private static final DateTimeFormatter STRICT = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);

    /** What the formatter made of the digits, or null when it refused them. */
    private static LocalDate oracle(int year, int month, int day) {
        try {
            return LocalDate.parse(String.format("%04d-%02d-%02d", year, month, day), STRICT);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void agrees(String text, LocalDate expected) {
        if (expected == null) {
            assertThatThrownBy(() -> CellValues.date(text)).as(text).isInstanceOf(DateTimeParseException.class);
        } else {
            assertThat(CellValues.date(text)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void everyFormGivesTheDayTheStrictFormatterGives() {
        Random random = new Random(20261203L);
        String[] separators = {"-", "/", "."};
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            // leap-year edges and random years; months and days one beyond both ends
            int year = switch (i % 5) {
                case 0 -> 1900;
                case 1 -> 2000;
                case 2 -> 2024;
                default -> random.nextInt(10_000);
            };
            int month = random.nextInt(14);
            int day = random.nextInt(33);
            LocalDate expected = oracle(year, month, day);
            refused += expected == null ? 1 : 0;
            String sep = separators[random.nextInt(separators.length)];
            String y = String.format("%04d", year);
            agrees(y + sep + String.format("%02d", month) + sep + String.format("%02d", day), expected);
            agrees(y + sep + month + sep + day, expected);
            agrees(y + String.format("%02d%02d", month, day), expected);
            agrees(" " + y + sep + month + sep + day + " 08:30:00 ", expected);
        }
        assertThat(refused).as("the generator also makes days that do not exist").isBetween(1_000, 10_000);
    }

    @Test
    void refusesWhatIsNoDateAtAll() {
        String[] notDates = {"May 5", "2024-5/1", "24-05-01", "2024-05-01x", "2024050", "", "2024--05-01"};
        for (String text : notDates) {
            assertThatThrownBy(() -> CellValues.date(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }
}
