package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

import com.tallytrack.importer.ImportReport.PreviewRow;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestRules;

/** Random valid rows written as an export (CSV and XLSX) read back exactly the same. */
class ManifestRoundTripPropertyTest {

    @TempDir
    Path dir;

    /** Text a person might put in a code: Chinese, spaces inside, quotes, commas, formula-like starts. */
    static Gen<String> code() {
        Gen<String> start = SourceDSL.arbitrary().pick("", "=", "+", "-", "@", "'", "\"", "客户", "G");
        Gen<String> body = SourceDSL.strings().basicLatinAlphabet().ofLengthBetween(1, 10)
                .map(s -> s.strip().isEmpty() ? "X" : s.strip());
        return start.zip(body, (a, b) -> (a + b).length() > 20 ? (a + b).substring(0, 20).strip() : a + b)
                .map(s -> s.isEmpty() ? "C" : s);
    }

    static Gen<BigDecimal> decimal(long maxUnscaled, int scale) {
        // unscaled at the full scale, so any value is within the column's range; trailing zeros sometimes dropped
        Gen<BigDecimal> value = SourceDSL.longs().between(0, maxUnscaled).zip(SourceDSL.booleans().all(),
                (v, strip) -> strip ? BigDecimal.valueOf(v, scale).stripTrailingZeros() : BigDecimal.valueOf(v, scale));
        return SourceDSL.booleans().all().zip(value, (absent, v) -> absent ? null : v);
    }

    static Gen<ManifestInput> row() {
        Gen<String> tracking = SourceDSL.strings().betweenCodePoints('0', 'Z').ofLengthBetween(6, 30)
                .map(s -> s.replaceAll("[^0-9A-Z]", "7"));
        Gen<String> pkg = SourceDSL.arbitrary().pick("", "PKG-1", "-P_2", "ABC123", "0012");
        Gen<LocalDate> date = SourceDSL.integers().between(0, 40000).map(d -> LocalDate.of(1990, 1, 1).plusDays(d));
        return tracking.zip(date, code(), code(), code(), (t, d, a, b, c) -> new ManifestInput(t, d, a, b, c, null,
                null, null, null, null, null))
                .zip(pkg, decimal(999_999_999L, 3), decimal(99_999_999L, 2), decimal(9_999_999_999L, 2),
                        (m, p, w, l, f) -> ManifestRules.normalize(new ManifestInput(m.trackingNumber(),
                                m.manifestDate(), m.transportCode(), m.customerCode(), m.goodsCode(), p, w, l,
                                l == null ? null : l.divide(BigDecimal.TEN, 2, java.math.RoundingMode.DOWN),
                                w == null ? null : l, f)));
    }

    @Test
    void randomValidRowsRoundTripExactlyThroughCsvAndXlsx() {
        qt().withExamples(60).forAll(SourceDSL.lists().of(row()).ofSizeBetween(1, 15)).checkAssert(rows -> {
            List<ManifestInput> unique = new ArrayList<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (ManifestInput r : rows) {
                assertThat(ManifestRules.validate(r)).as("generator makes valid rows: %s", r).isEmpty();
                if (seen.add(r.trackingNumber())) {
                    unique.add(r);
                }
            }
            for (String format : List.of("csv", "xlsx")) {
                List<ManifestInput> back = readBack(write(format, unique), format);
                assertThat(back).hasSize(unique.size());
                for (int i = 0; i < unique.size(); i++) {
                    assertThat(back.get(i).sameValuesAs(unique.get(i)))
                            .as("%s row %d: wrote %s, read %s", format, i, unique.get(i), back.get(i)).isTrue();
                }
            }
        });
    }

    private Path write(String format, List<ManifestInput> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ManifestSheetWriter writer = ManifestSheetWriter.open(format, out, ColumnMapping.EXPORT)) {
            rows.forEach(writer::write);
        }
        try {
            Path f = Files.createTempFile(dir, "rt", "." + format);
            Files.write(f, out.toByteArray());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ManifestInput> readBack(Path file, String format) {
        try {
            ImportProperties p = ImportFixtures.properties();
            ImportRun run = new ImportRun(new ImportProperties(p.maxFileSize(), p.maxRows(), p.batchSize(),
                    p.asyncThreshold(), 1000, p.maxErrors(), 1, 1, p.jobRetention(), 1, 1, p.maxSharedStrings(),
                    p.maxSharedStringChars(), p.maxXlsxEntrySize(), p.minInflateRatio(), p.jobHeartbeat(),
                    p.jobTimeout(), p.jobPollInterval()), null,
                    ImportFixtures.messages(), java.util.Locale.ENGLISH, r -> {
                    });
            (format.equals("csv") ? new CsvRowReader() : new XlsxRowReader(p)).read(file, run);
            run.finish();
            assertThat(run.errors()).isEmpty();
            return run.preview().stream().map(PreviewRow::data).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
