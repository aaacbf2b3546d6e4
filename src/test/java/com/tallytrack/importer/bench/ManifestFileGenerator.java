package com.tallytrack.importer.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * Writes N-row manifest files (the Chinese template header, realistic values: every tenth parcel without a
 * package, package numbers shared by 50 parcels) for the P3 benchmark. Also runnable on its own:
 * {@code ManifestFileGenerator <rows> <csv|xlsx> <file> [prefix]}.
 */
public final class ManifestFileGenerator {

    static final String HEADER = "理货日期,快递单号,集包单号,长度,宽度,高度,重量,货物代码,客户代码,运输代码";

    private ManifestFileGenerator() {
    }

    public static void main(String[] args) throws IOException {
        int rows = Integer.parseInt(args[0]);
        Path file = Path.of(args[2]);
        String prefix = args.length > 3 ? args[3] : "BN";
        if (args[1].equals("xlsx")) {
            xlsx(file, rows, prefix);
        } else {
            csv(file, rows, prefix);
        }
    }

    static String[] row(int i, String prefix) {
        LocalDate date = LocalDate.of(2024, 1, 1).plusDays(i % 300);
        return new String[] {date.toString(), prefix + String.format("%010d", i),
                i % 10 == 0 ? "" : "PKG-" + prefix + "-" + (i / 50), String.valueOf(10 + i % 50),
                String.valueOf(10 + i % 30), String.valueOf(5 + i % 20), (i % 300) / 10.0 + 0.5 + "",
                "G" + (i % 40), "C" + (i % 200), "T" + (i % 12)};
    }

    static void csv(Path file, int rows, String prefix) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write('\uFEFF');
            w.write(HEADER);
            w.write("\r\n");
            for (int i = 0; i < rows; i++) {
                w.write(String.join(",", row(i, prefix)));
                w.write("\r\n");
            }
        }
    }

    /** Dates as real date cells and measures as numbers, as Excel saves them. */
    static void xlsx(Path file, int rows, String prefix) throws IOException {
        // shared strings, as Excel saves a workbook (the importer must load that table; inline strings would be easier)
        try (SXSSFWorkbook wb = new SXSSFWorkbook(null, 500, true, true);
                OutputStream out = Files.newOutputStream(file)) {
            wb.setCompressTempFiles(true);
            Sheet sheet = wb.createSheet("理货单");
            CellStyle date = wb.createCellStyle();
            date.setDataFormat(wb.createDataFormat().getFormat("yyyy-mm-dd"));
            Row header = sheet.createRow(0);
            String[] names = HEADER.split(",");
            for (int c = 0; c < names.length; c++) {
                header.createCell(c).setCellValue(names[c]);
            }
            for (int i = 0; i < rows; i++) {
                String[] v = row(i, prefix);
                Row r = sheet.createRow(i + 1);
                r.createCell(0).setCellValue(LocalDate.parse(v[0]));
                r.getCell(0).setCellStyle(date);
                r.createCell(1).setCellValue(v[1]);
                if (!v[2].isEmpty()) {
                    r.createCell(2).setCellValue(v[2]);
                }
                for (int c = 3; c <= 6; c++) {
                    r.createCell(c).setCellValue(Double.parseDouble(v[c]));
                }
                for (int c = 7; c <= 9; c++) {
                    r.createCell(c).setCellValue(v[c]);
                }
            }
            wb.write(out);
            wb.dispose();
        }
    }
}
