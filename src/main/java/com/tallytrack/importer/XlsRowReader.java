package com.tallytrack.importer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;

import com.tallytrack.common.ApiException;

/**
 * Reads the first sheet of a legacy {@code .xls} with POI HSSF. The format itself caps a sheet at 65,536 rows
 * and the upload at {@code max-file-size}, so holding one workbook is bounded.
 */
final class XlsRowReader implements RowReader {

    @Override
    public void read(Path file, Sink sink) throws IOException {
        POIFSFileSystem fs;
        HSSFWorkbook workbook;
        try {
            fs = new POIFSFileSystem(file.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw unreadable();
        }
        try (fs) {
            try {
                workbook = new HSSFWorkbook(fs.getRoot(), false);
            } catch (IOException | RuntimeException e) {
                throw unreadable();
            }
            try (workbook) {
                if (workbook.getNumberOfSheets() == 0) {
                    return;
                }
                Sheet sheet = workbook.getSheetAt(0);
                // the rows that hold something, counted in the workbook already in memory: the last row number
                // also counts rows that only carry a format, and would refuse a short sheet under max-rows
                List<String> cells = new ArrayList<>(16);
                long rows = 0;
                for (Row row : sheet) {
                    if (!ImportRun.isBlank(cells(row, cells))) {
                        rows++;
                    }
                }
                sink.expect(rows);
                for (Row row : sheet) {
                    sink.row(row.getRowNum() + 1, cells(row, cells));
                }
            }
        }
    }

    /** The texts of a row's cells, into {@code cells} (cleared first). */
    private static List<String> cells(Row row, List<String> cells) {
        cells.clear();
        for (int c = 0; c < Math.max(0, row.getLastCellNum()); c++) {
            cells.add(text(row.getCell(c)));
        }
        return cells;
    }

    private static ApiException unreadable() {
        return ApiException.badRequest("FILE_UNREADABLE", Map.of("format", "xls"), "xls");
    }

    private static String text(Cell cell) {
        if (cell == null) {
            return null;
        }
        CellType type = cell.getCellType() == CellType.FORMULA ? cell.getCachedFormulaResultType() : cell.getCellType();
        return switch (type) {
            case STRING -> cell.getStringCellValue();
            case NUMERIC -> DateUtil.isCellDateFormatted(cell)
                    ? cell.getLocalDateTimeCellValue().toLocalDate().toString()
                    : CellValues.plainNumber(cell.getNumericCellValue());
            case BOOLEAN -> cell.getBooleanCellValue() ? "TRUE" : "FALSE";
            default -> null;
        };
    }
}
