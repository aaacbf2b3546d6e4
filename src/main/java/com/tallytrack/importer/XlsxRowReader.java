package com.tallytrack.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.ParserConfigurationException;

import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.exceptions.OpenXML4JRuntimeException;
import org.apache.poi.UnsupportedFileFormatException;
import org.apache.poi.ooxml.POIXMLException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFRelation;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

import com.tallytrack.common.ApiException;

/**
 * Reads the first sheet of an {@code .xlsx} with SAX: the sheet XML is never held in memory, only the shared
 * strings (bounded by {@code max-shared-strings} and {@code max-shared-string-chars}) and the cell styles.
 * Zip bombs are refused by POI's {@code ZipSecureFile} limits, set from {@link ImportProperties}.
 */
final class XlsxRowReader implements RowReader {

    private final ImportProperties properties;

    /**
     * The file whose rows were last counted (a dimension claimed too many) and their count: a second read of it (a
     * job's, after the header probe's) does not count again. So an instance belongs to one upload (its temporary
     * file is written once and never changes), used by one thread at a time.
     */
    private Path counted;
    private long countedRows;
    /** How many times this reader counted a sheet's rows (for tests). */
    int countingPasses;

    XlsxRowReader(ImportProperties properties) {
        this.properties = properties;
    }

    @Override
    public void read(Path file, Sink sink) throws IOException {
        try (OPCPackage pkg = OPCPackage.open(file.toFile(), PackageAccess.READ)) {
            XSSFReader reader = new XSSFReader(pkg);
            List<String> strings = sharedStrings(pkg);
            StylesTable styles = reader.getStylesTable();
            Iterator<InputStream> sheets = reader.getSheetsData();
            if (!sheets.hasNext()) {
                return;
            }
            try (InputStream sheet = sheets.next()) {
                parse(sheet, new SheetHandler(strings, styles, sink, properties.maxRows() + 1L));
            } catch (ClaimAboveLimit claim) {
                // The dimension claims more rows than max-rows allows: it is the used range, which also covers cells
                // that only carry a format, so it proves nothing. Count the rows that hold something (a pass
                // without the import, stopped once past the limit), so a sheet really over it is still refused
                // before any row is saved (once per file: an upload's header probe and its job share this reader);
                // then read it, the dimension ignored.
                if (!file.equals(counted)) {
                    RowCount count = new RowCount(properties.maxRows() + 1L);
                    try (InputStream sheet = firstSheet(reader)) {
                        parse(sheet, new SheetHandler(strings, styles, count, -1));
                    } catch (RowCount.PastLimit past) {
                        // count.rows is past the limit: expect() refuses
                    }
                    countingPasses++;
                    countedRows = count.rows;
                    counted = file;
                }
                sink.expect(countedRows);
                try (InputStream sheet = firstSheet(reader)) {
                    parse(sheet, new SheetHandler(strings, styles, sink, -1));
                }
            }
        } catch (OpenXML4JException | IOException | UnsupportedFileFormatException | OpenXML4JRuntimeException
                | POIXMLException | NumberFormatException e) {
            // NumberFormatException: a row, style or shared-string index that is not a number
            throw rejected(e);
        }
    }

    private static InputStream firstSheet(XSSFReader reader) throws IOException, OpenXML4JException {
        return reader.getSheetsData().next();
    }

    /** Thrown by a sheet's handler at a dimension that claims more rows than it may take; no stack trace. */
    private static final class ClaimAboveLimit extends RuntimeException {
        ClaimAboveLimit() {
            super(null, null, false, false);
        }
    }

    /** Counts the rows that hold something; stops once there are more than {@code limit}. */
    private static final class RowCount implements Sink {
        final long limit;
        long rows;

        RowCount(long limit) {
            this.limit = limit;
        }

        @Override
        public void row(int rowNumber, List<String> cells) {
            if (!ImportRun.isBlank(cells) && ++rows > limit) {
                throw new PastLimit();
            }
        }

        static final class PastLimit extends RuntimeException {
            PastLimit() {
                super(null, null, false, false);
            }
        }
    }

    /** Excel's own limits: 16,384 columns (XFD), 32,767 characters in a cell. */
    static final int MAX_COLUMNS = 16_384;
    static final int MAX_CELL_CHARS = 32_767;

    private static ApiException unreadable() {
        return ApiException.badRequest("FILE_UNREADABLE", Map.of("format", "xlsx"), "xlsx");
    }

    /** A file POI refuses: a zip bomb gets its own code, anything else is "not a readable xlsx". */
    static RuntimeException rejected(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (message.contains("zip bomb") || message.contains("inflate ratio")
                    || message.contains("max entry size") || message.contains("exceeds the max")) {
                return ApiException.badRequest("FILE_ZIP_BOMB", null);
            }
        }
        return unreadable();
    }

    private List<String> sharedStrings(OPCPackage pkg) throws IOException {
        List<PackagePart> parts = pkg.getPartsByContentType(XSSFRelation.SHARED_STRINGS.getContentType());
        if (parts.isEmpty()) {
            return List.of();
        }
        SharedStringsHandler handler = new SharedStringsHandler(properties.maxSharedStrings(),
                properties.maxSharedStringChars());
        try (InputStream in = parts.get(0).getInputStream()) {
            parse(in, handler);
        }
        return handler.strings;
    }

    private static void parse(InputStream in, DefaultHandler handler) throws IOException {
        try {
            XMLReader xml = XMLHelper.newXMLReader();
            xml.setContentHandler(handler);
            xml.parse(new InputSource(in));
        } catch (SAXException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getException() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The shared-string table, refused when it grows past the configured bounds. */
    private static final class SharedStringsHandler extends DefaultHandler {

        final List<String> strings = new ArrayList<>();
        private final int maxCount;
        private final long maxChars;
        private final StringBuilder current = new StringBuilder();
        private long chars;
        private boolean inText;
        private int phonetic;

        SharedStringsHandler(int maxCount, long maxChars) {
            this.maxCount = maxCount;
            this.maxChars = maxChars;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            switch (localName) {
                case "si" -> current.setLength(0);
                case "rPh" -> phonetic++;
                case "t" -> inText = phonetic == 0;
                default -> {
                }
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            switch (localName) {
                case "si" -> {
                    if (strings.size() >= maxCount) {
                        throw ApiException.badRequest("SHARED_STRINGS_TOO_LARGE",
                                Map.of("max_shared_strings", maxCount), maxCount, maxChars);
                    }
                    strings.add(current.toString());
                }
                case "rPh" -> phonetic--;
                case "t" -> inText = false;
                default -> {
                }
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (inText) {
                if (current.length() + length > MAX_CELL_CHARS) {
                    // more than a cell holds (as for a sheet's own cells): every cell may point to one string, so
                    // a small file could otherwise make each of them megabytes
                    throw unreadable();
                }
                chars += length;
                if (chars > maxChars) {
                    throw ApiException.badRequest("SHARED_STRINGS_TOO_LARGE",
                            Map.of("max_shared_string_chars", maxChars), maxCount, maxChars);
                }
                current.append(ch, start, length);
            }
        }
    }

    /** Turns {@code <row>/<c>} elements into cell texts. */
    private static final class SheetHandler extends DefaultHandler {

        private final List<String> strings;
        private final StylesTable styles;
        private final Sink sink;
        private final Map<Integer, Boolean> dateStyles = new java.util.HashMap<>();
        private final long claimLimit;
        private boolean rowsSeen;
        private final List<String> cells = new ArrayList<>(16);
        private final StringBuilder value = new StringBuilder();
        private int rowNumber;
        private int column;
        private String type;
        private int style;
        private boolean collecting;
        private boolean inInline;
        private int phonetic;

        /**
         * {@code claimLimit}: the most rows (header included) the sheet's dimension may claim, else
         * {@link ClaimAboveLimit}; negative: the dimension is ignored.
         */
        SheetHandler(List<String> strings, StylesTable styles, Sink sink, long claimLimit) {
            this.strings = strings;
            this.styles = styles;
            this.sink = sink;
            this.claimLimit = claimLimit;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes a) {
            switch (localName) {
                case "dimension" -> {
                    // the used range ("A1:J5000"): its last row is what the sheet claims to hold, for progress; a
                    // claim past the limit is checked by counting (read()); one after the first row is ignored
                    String ref = a.getValue("ref");
                    if (claimLimit >= 0 && !rowsSeen && ref != null && ref.contains(":")) {
                        String last = ref.substring(ref.indexOf(':') + 1).replaceAll("[^0-9]", "");
                        if (last.length() > 9 || (!last.isEmpty() && Long.parseLong(last) > claimLimit)) {
                            throw new ClaimAboveLimit();
                        }
                        if (!last.isEmpty()) {
                            sink.expect(Long.parseLong(last));
                        }
                    }
                }
                case "row" -> {
                    rowsSeen = true;
                    String r = a.getValue("r");
                    int number = r == null ? rowNumber + 1 : Integer.parseInt(r);
                    if (number <= rowNumber) {
                        // rows come in ascending order from 1 in every spreadsheet; errors and a save's row ranges
                        // name rows by these numbers
                        throw unreadable();
                    }
                    rowNumber = number;
                    cells.clear();
                    column = -1;
                }
                case "c" -> {
                    String r = a.getValue("r");
                    column = r == null ? column + 1 : columnIndex(r);
                    if (column >= MAX_COLUMNS) {
                        // the cell list grows to the column: a tiny hostile file could otherwise ask for billions
                        throw unreadable();
                    }
                    type = a.getValue("t");
                    String s = a.getValue("s");
                    style = s == null ? -1 : Integer.parseInt(s);
                    value.setLength(0);
                }
                case "v" -> {
                    collecting = true;
                    value.setLength(0);
                }
                case "is" -> inInline = true;
                case "rPh" -> phonetic++;
                case "t" -> collecting = inInline && phonetic == 0;
                default -> {
                }
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            switch (localName) {
                case "v", "t" -> collecting = false;
                case "is" -> inInline = false;
                case "rPh" -> phonetic--;
                case "c" -> {
                    while (cells.size() <= column) {
                        cells.add(null);
                    }
                    cells.set(column, cellText());
                }
                case "row" -> sink.row(rowNumber, cells);
                default -> {
                }
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (collecting) {
                if (value.length() + length > MAX_CELL_CHARS) {
                    throw unreadable(); // more than Excel itself puts in a cell: only a crafted file does
                }
                value.append(ch, start, length);
            }
        }

        private String cellText() {
            String v = value.toString();
            if (type == null || type.equals("n")) {
                if (v.isEmpty()) {
                    return null;
                }
                if (isDateStyle(style)) {
                    try {
                        LocalDateTime when = DateUtil.getLocalDateTime(Double.parseDouble(v));
                        return when.toLocalDate().toString();
                    } catch (RuntimeException e) {
                        return v;
                    }
                }
                return CellValues.plainNumber(v);
            }
            return switch (type) {
                case "s" -> {
                    int index = Integer.parseInt(v.strip());
                    if (index < 0 || index >= strings.size()) {
                        throw unreadable(); // a string the table does not hold: the cell's value is not in the file
                    }
                    yield strings.get(index);
                }
                case "b" -> "1".equals(v) ? "TRUE" : "FALSE";
                case "d" -> v.length() >= 10 ? v.substring(0, 10) : v;
                default -> v; // inlineStr, str (formula text result), e (error text)
            };
        }

        private boolean isDateStyle(int index) {
            if (index < 0 || styles == null) {
                return false;
            }
            return dateStyles.computeIfAbsent(index, i -> {
                XSSFCellStyle cs = i < styles.getNumCellStyles() ? styles.getStyleAt(i) : null;
                return cs != null && DateUtil.isADateFormat(cs.getDataFormat(), cs.getDataFormatString());
            });
        }

        private static int columnIndex(String ref) {
            int col = 0;
            for (int i = 0; i < ref.length() && col <= MAX_COLUMNS; i++) {
                char c = ref.charAt(i);
                if (c < 'A' || c > 'Z') {
                    break;
                }
                col = col * 26 + (c - 'A' + 1);
            }
            return col - 1;
        }
    }
}
