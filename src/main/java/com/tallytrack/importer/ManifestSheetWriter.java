package com.tallytrack.importer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

import com.tallytrack.importer.ColumnMapping.Column;
import com.tallytrack.manifest.ManifestInput;

/**
 * Writes manifest rows as a file the importer reads back unchanged: CSV in UTF-8 with BOM (so Excel opens it
 * as UTF-8) via Commons CSV, or XLSX via POI SXSSF (a window of rows in memory, the rest flushed to disk).
 * Text a spreadsheet could take for a formula is escaped with a leading apostrophe ({@link CellValues#escape}).
 */
abstract sealed class ManifestSheetWriter implements AutoCloseable {

    static ManifestSheetWriter open(String format, OutputStream out, List<Column> columns) {
        return "xlsx".equals(format) ? new Xlsx(out, columns) : new Csv(out, columns);
    }

    abstract void write(ManifestInput row);

    @Override
    public abstract void close();

    static Object value(ManifestInput m, Column c) {
        return switch (c) {
            case MANIFEST_DATE -> m.manifestDate();
            case TRACKING_NUMBER -> m.trackingNumber();
            case PACKAGE_NUMBER -> m.packageNumber();
            case LENGTH -> m.length();
            case WIDTH -> m.width();
            case HEIGHT -> m.height();
            case WEIGHT -> m.weight();
            case GOODS_CODE -> m.goodsCode();
            case CUSTOMER_CODE -> m.customerCode();
            case TRANSPORT_CODE -> m.transportCode();
            case SPECIAL_FEE -> m.specialFee();
        };
    }

    static final class Csv extends ManifestSheetWriter {

        private final CSVPrinter printer;
        private final List<Column> columns;

        Csv(OutputStream out, List<Column> columns) {
            this.columns = columns;
            try {
                out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                printer = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator("\r\n").get());
                printer.printRecord(columns.stream().map(c -> c.chinese).toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void write(ManifestInput row) {
            try {
                for (Column c : columns) {
                    Object v = value(row, c);
                    printer.print(v == null ? "" : v instanceof BigDecimal d ? d.toPlainString()
                            : v instanceof String s ? CellValues.escape(s) : v.toString());
                }
                printer.println();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                printer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final class Xlsx extends ManifestSheetWriter {

        private final OutputStream out;
        private final List<Column> columns;
        private final SXSSFWorkbook workbook = new SXSSFWorkbook(200);
        private final Sheet sheet;
        private final CellStyle dateStyle;
        private final CellStyle textStyle;
        private int rowIndex;

        Xlsx(OutputStream out, List<Column> columns) {
            this.out = out;
            this.columns = columns;
            workbook.setCompressTempFiles(true);
            sheet = workbook.createSheet("manifests");
            dateStyle = workbook.createCellStyle();
            dateStyle.setDataFormat(workbook.createDataFormat().getFormat("yyyy-mm-dd"));
            textStyle = workbook.createCellStyle();
            textStyle.setDataFormat(workbook.createDataFormat().getFormat("@"));
            Row header = sheet.createRow(rowIndex++);
            for (int i = 0; i < columns.size(); i++) {
                header.createCell(i).setCellValue(columns.get(i).chinese);
                sheet.setColumnWidth(i, 16 * 256);
            }
        }

        @Override
        void write(ManifestInput row) {
            Row r = sheet.createRow(rowIndex++);
            for (int i = 0; i < columns.size(); i++) {
                Object v = value(row, columns.get(i));
                if (v == null) {
                    continue;
                }
                Cell cell = r.createCell(i);
                if (v instanceof java.time.LocalDate d) {
                    cell.setCellValue(d);
                    cell.setCellStyle(dateStyle);
                } else if (v instanceof BigDecimal d) {
                    cell.setCellValue(d.doubleValue());
                } else {
                    // a string cell (never a formula), escaped as well for whoever saves it as CSV later
                    cell.setCellValue(CellValues.escape(v.toString()));
                    cell.setCellStyle(textStyle);
                }
            }
        }

        @Override
        public void close() {
            try {
                workbook.write(out);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                try {
                    workbook.dispose();
                    workbook.close();
                } catch (IOException ignored) {
                    // temp files are deleted by close; nothing else to do
                }
            }
        }
    }
}
