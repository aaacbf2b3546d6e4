package com.tallytrack.importer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.util.unit.DataSize;

import com.tallytrack.common.Messages;

/** Builds test files in every format and runs the importer's parsing without Spring. */
final class ImportFixtures {

    static final String HEADER = "理货日期,快递单号,集包单号,长度,宽度,高度,重量,货物代码,客户代码,运输代码";

    private ImportFixtures() {
    }

    static ImportProperties properties() {
        return properties(1_000_000, 2_000_000, 100_000_000L);
    }

    static ImportProperties properties(int maxRows, int maxSharedStrings, long maxSharedStringChars) {
        return new ImportProperties(DataSize.ofMegabytes(50), maxRows, 1000, DataSize.ofMegabytes(1), 20, 10000,
                2, 8, Duration.ofHours(1), 100, 5, maxSharedStrings, maxSharedStringChars, DataSize.ofGigabytes(1),
                0.01, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(500));
    }

    static Messages messages() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasenames("i18n/common", "i18n/manifest", "i18n/importer");
        source.setDefaultEncoding("UTF-8");
        source.setFallbackToSystemLocale(false);
        return new Messages(source);
    }

    /** Parses a file in preview mode and returns the run (statistics, preview, errors). */
    static ImportRun preview(Path file, ImportFormat format) throws IOException {
        return preview(file, format, properties());
    }

    static ImportRun preview(Path file, ImportFormat format, ImportProperties properties) throws IOException {
        ImportRun run = new ImportRun(properties, null, messages(), Locale.ENGLISH, r -> {
        });
        RowReader reader = switch (format) {
            case CSV -> new CsvRowReader();
            case XLSX -> new XlsxRowReader(properties);
            case XLS -> new XlsRowReader();
        };
        reader.read(file, run);
        run.finish();
        return run;
    }

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            Path p = dir.resolve(name);
            Files.write(p, bytes);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] csv(Charset charset, boolean bom, String... lines) {
        byte[] body = (String.join("\r\n", lines) + "\r\n").getBytes(charset);
        if (!bom) {
            return body;
        }
        byte[] out = new byte[body.length + 3];
        out[0] = (byte) 0xEF;
        out[1] = (byte) 0xBB;
        out[2] = (byte) 0xBF;
        System.arraycopy(body, 0, out, 3, body.length);
        return out;
    }

    static byte[] utf8(String... lines) {
        return csv(StandardCharsets.UTF_8, false, lines);
    }

    /**
     * A workbook whose cells are given as objects: String → text cell, Number → numeric cell, LocalDate → date
     * cell (formatted as a date), null → no cell.
     */
    static byte[] workbook(boolean xlsx, List<List<Object>> rows) {
        try (Workbook wb = xlsx ? new XSSFWorkbook() : new HSSFWorkbook()) {
            Sheet sheet = wb.createSheet("Sheet1");
            CellStyle date = wb.createCellStyle();
            date.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("yyyy/m/d"));
            for (int r = 0; r < rows.size(); r++) {
                Row row = sheet.createRow(r);
                List<Object> cells = rows.get(r);
                for (int c = 0; c < cells.size(); c++) {
                    Object v = cells.get(c);
                    if (v == null) {
                        continue;
                    }
                    Cell cell = row.createCell(c);
                    if (v instanceof Number n) {
                        cell.setCellValue(n.doubleValue());
                    } else if (v instanceof LocalDate d) {
                        cell.setCellValue(d);
                        cell.setCellStyle(date);
                    } else {
                        cell.setCellValue(v.toString());
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Object> cells(Object... values) {
        List<Object> out = new ArrayList<>();
        for (Object v : values) {
            out.add(v);
        }
        return out;
    }

    static List<Object> header() {
        return new ArrayList<>(List.of((Object[]) HEADER.split(",")));
    }
}
