package com.tallytrack.importer;

import static com.tallytrack.importer.ImportFixtures.HEADER;
import static com.tallytrack.importer.ImportFixtures.cells;
import static com.tallytrack.importer.ImportFixtures.header;
import static com.tallytrack.importer.ImportFixtures.preview;
import static com.tallytrack.importer.ImportFixtures.utf8;
import static com.tallytrack.importer.ImportFixtures.workbook;
import static com.tallytrack.importer.ImportFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.tallytrack.common.ApiException;
import com.tallytrack.importer.ImportReport.PreviewRow;
import com.tallytrack.importer.ImportReport.RowError;
import com.tallytrack.manifest.ManifestInput;

/** Formats, encodings, headers, cell forms and hostile files, read without a database. */
class ManifestFileReadingTest {

    private static final String ROW = "2024-05-01,SF1001,PKG-1,30,20,15,2.5,G01,C001,T01";

    @TempDir
    Path dir;

    private static ManifestInput first(ImportRun run) {
        return run.preview().get(0).data();
    }

    @Test
    void readsUtf8CsvWithAndWithoutBom() throws IOException {
        for (boolean bom : new boolean[] {true, false}) {
            Path f = write(dir, "m" + bom + ".csv", ImportFixtures.csv(StandardCharsets.UTF_8, bom, HEADER,
                    "2024-05-01,SF100001,PKG-1,30,20,15,2.5,货物一,客户甲,T01"));
            ImportRun run = preview(f, ImportFormat.CSV);
            assertThat(run.encoding()).isEqualTo("UTF-8");
            assertThat(run.statistics().validRows()).isEqualTo(1);
            assertThat(first(run).customerCode()).isEqualTo("客户甲");
            assertThat(first(run).goodsCode()).isEqualTo("货物一");
        }
    }

    @Test
    void detectsGb18030CsvAsExcelWritesItOnChineseWindows() throws IOException {
        Path f = write(dir, "gbk.csv", ImportFixtures.csv(java.nio.charset.Charset.forName("GBK"), false, HEADER,
                "2024-05-01,SF100001,PKG-1,30,20,15,2.5,货物一,客户甲,运输乙"));
        ImportRun run = preview(f, ImportFormat.CSV);
        assertThat(run.encoding()).isEqualTo("GB18030");
        assertThat(run.statistics().validRows()).isEqualTo(1);
        assertThat(first(run).customerCode()).isEqualTo("客户甲");
        assertThat(first(run).transportCode()).isEqualTo("运输乙");
    }

    @Test
    void aFileWhoseBytesGb18030WouldSwallowTextIsRefusedNotMerged() throws IOException {
        java.nio.charset.Charset latin1 = StandardCharsets.ISO_8859_1;
        String header = "manifest_date,tracking_number,package_number,length,width,height,weight,goods_code,"
                + "customer_code,transport_code";
        String second = ROW.replace("SF1001", "SF1002");
        // Windows-1252 "£5" at a line's end: A3 35 0A, read as GB18030, starts a four-byte character that takes the
        // line end with it, and the next row would silently become part of this one
        Path pound = write(dir, "pound.csv", (header + "\n" + ROW.replace("T01", "T£5") + "\n" + second + "\n").getBytes(latin1));
        assertThatThrownBy(() -> preview(pound, ImportFormat.CSV))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("FILE_ENCODING_UNKNOWN");
                    // line 2, the byte counted from 1
                    assertThat(e.args()).containsExactly("2", String.valueOf((header + "\n" + ROW).length() - 1));
                });
        // and one that takes a separator: the cells after it would move one column left
        byte[] comma = (header + "\n" + ROW + "\n" + second + "\n").getBytes(latin1);
        int at = (header + "\n" + ROW + "\n").length() + "2024-05-01,SF1002".length();
        byte[] withComma = new byte[comma.length + 3];
        System.arraycopy(comma, 0, withComma, 0, at);
        withComma[at] = (byte) 0x81;
        withComma[at + 1] = 0x30;
        withComma[at + 2] = (byte) 0x81;
        System.arraycopy(comma, at, withComma, at + 3, comma.length - at);
        Path separator = write(dir, "separator.csv", withComma);
        assertThatThrownBy(() -> preview(separator, ImportFormat.CSV)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo("FILE_ENCODING_UNKNOWN"));
        // CR line ends, and the bad bytes past the first 64 KB and split across its end: the line is still right
        StringBuilder crs = new StringBuilder(header).append('\r');
        int line = 1;
        while (crs.length() < (1 << 16) - 1 - ROW.length() + 1) {
            crs.append(ROW.replace("SF1001", "SF" + (200_000 + line))).append('\r');
            line++;
        }
        crs.append("x".repeat((1 << 16) - 1 - crs.length()));
        byte[] split = (crs + "£5\r" + second + "\r").getBytes(latin1);
        assertThat(split[(1 << 16) - 1]).isEqualTo((byte) 0xA3);
        int lineOfPound = line + 1;
        Path across = write(dir, "across.csv", split);
        assertThatThrownBy(() -> preview(across, ImportFormat.CSV)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.args()).containsExactly(String.valueOf(lineOfPound), String.valueOf(1 << 16)));
        // a byte that is no character but takes nothing with it (é before a line end, 0x80) is read as before: it
        // becomes U+FFFD and the row is checked like any other
        Path accent = write(dir, "accent.csv", (header + "\n" + ROW.replace("PKG-1", "PKG-é") + "\n"
                + second.replace("PKG-1", "PKG-\u0080") + "\n").getBytes(latin1));
        ImportRun run = preview(accent, ImportFormat.CSV);
        assertThat(run.encoding()).isEqualTo("GB18030");
        assertThat(run.statistics().totalRows()).isEqualTo(2);
    }

    @Test
    void acceptsTheChineseHeaderInAnyOrderAndTheEnglishNames() throws IOException {
        Path shuffled = write(dir, "a.csv", utf8("运输代码,客户代码,货物代码,重量,高度,宽度,长度,集包单号,快递单号,理货日期",
                "T01,C001,G01,2.5,15,20,30,PKG-1,SF100001,2024-05-01"));
        Path english = write(dir, "b.csv", utf8(
                "tracking_number,manifest_date,customer_code,transport_code,goods_code,package_number,special_fee",
                "sf100001,2024-05-01,C001,T01,G01,pkg-1,12.50"));
        ManifestInput a = first(preview(shuffled, ImportFormat.CSV));
        ManifestInput b = first(preview(english, ImportFormat.CSV));
        assertThat(a).isEqualTo(new ManifestInput("SF100001", LocalDate.of(2024, 5, 1), "T01", "C001", "G01", "PKG-1",
                new BigDecimal("2.5"), new BigDecimal("30"), new BigDecimal("20"), new BigDecimal("15"), null));
        assertThat(b.trackingNumber()).isEqualTo("SF100001");
        assertThat(b.packageNumber()).isEqualTo("PKG-1");
        assertThat(b.specialFee()).isEqualByComparingTo("12.5");
    }

    @Test
    void refusesUnknownAndMissingColumnsNamingThem() {
        Path f = write(dir, "bad.csv", utf8("理货日期,快递单号,货物代码,备注", "2024-05-01,SF100001,G01,x"));
        assertThatThrownBy(() -> preview(f, ImportFormat.CSV))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("INVALID_COLUMNS");
                    assertThat(e.details().toString()).contains("客户代码 (customer_code)", "运输代码 (transport_code)",
                            "备注");
                });
    }

    @Test
    void readsEveryDateForm() throws IOException {
        Path f = write(dir, "dates.csv", utf8(HEADER,
                "2024-05-01,SF100001,,,,,,G01,C001,T01",
                "2024/5/2,SF100002,,,,,,G01,C001,T01",
                "20240503,SF100003,,,,,,G01,C001,T01",
                "2024-02-30,SF100004,,,,,,G01,C001,T01",
                "May 5,SF100005,,,,,,G01,C001,T01"));
        ImportRun run = preview(f, ImportFormat.CSV);
        assertThat(run.preview()).extracting(p -> p.data().manifestDate()).containsExactly(LocalDate.of(2024, 5, 1),
                LocalDate.of(2024, 5, 2), LocalDate.of(2024, 5, 3), null, null);
        assertThat(run.errors()).extracting(RowError::row, RowError::field, RowError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(5, "manifest_date", "INVALID_DATE"),
                        org.assertj.core.groups.Tuple.tuple(6, "manifest_date", "INVALID_DATE"));
    }

    @Test
    void toleratesSpacesInNumbersAndReportsWhatIsNoNumber() throws IOException {
        Path f = write(dir, "n.csv", utf8(HEADER,
                "2024-05-01,SF100001,, 30 ,2 0, 15\u00A0,\" 2.5 \",G01,C001,T01",
                "2024-05-01,SF100002,,abc,,,1.2.3,G01,C001,T01"));
        ImportRun run = preview(f, ImportFormat.CSV);
        ManifestInput ok = run.preview().get(0).data();
        assertThat(ok.length()).isEqualByComparingTo("30");
        assertThat(ok.width()).isEqualByComparingTo("20");
        assertThat(ok.height()).isEqualByComparingTo("15");
        assertThat(ok.weight()).isEqualByComparingTo("2.5");
        assertThat(run.errors()).extracting(RowError::row, RowError::field, RowError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, "length", "INVALID_NUMBER"),
                        org.assertj.core.groups.Tuple.tuple(3, "weight", "INVALID_NUMBER"));
    }

    @Test
    void reportsEveryRuleViolationWithTheSpreadsheetRowNumber() throws IOException {
        Path f = write(dir, "v.csv", utf8(HEADER,
                ROW,
                "",
                "2024-05-01,AB1,PKG 1,-1,20,15,2.5,,C001,T01",
                ",SF100003,,,,,1.2345,G01,C001,TTTTTTTTTTTTTTTTTTTTTTTTT"));
        ImportRun run = preview(f, ImportFormat.CSV);
        assertThat(run.statistics().totalRows()).isEqualTo(3);
        assertThat(run.statistics().invalidRows()).isEqualTo(2);
        assertThat(run.errors()).extracting(RowError::row, RowError::field, RowError::code).containsExactly(
                org.assertj.core.groups.Tuple.tuple(4, "tracking_number", "TRACKING_TOO_SHORT"),
                org.assertj.core.groups.Tuple.tuple(4, "goods_code", "REQUIRED"),
                org.assertj.core.groups.Tuple.tuple(4, "package_number", "PACKAGE_INVALID_CHARACTERS"),
                org.assertj.core.groups.Tuple.tuple(4, "length", "OUT_OF_RANGE"),
                org.assertj.core.groups.Tuple.tuple(5, "manifest_date", "REQUIRED"),
                org.assertj.core.groups.Tuple.tuple(5, "transport_code", "CODE_TOO_LONG"),
                org.assertj.core.groups.Tuple.tuple(5, "weight", "TOO_MANY_DECIMALS"));
        assertThat(run.errors()).allSatisfy(e -> assertThat(e.message()).isNotBlank().doesNotStartWith("manifest."));
        assertThat(run.preview()).extracting(PreviewRow::row, PreviewRow::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2, "valid"), org.assertj.core.groups.Tuple.tuple(4, "invalid"),
                org.assertj.core.groups.Tuple.tuple(5, "invalid"));
    }

    @Test
    void keepsTheFirstOccurrenceOfATrackingNumberAndReportsLaterOnesAsDuplicates() throws IOException {
        Path f = write(dir, "d.csv", utf8(HEADER,
                "2024-05-01,SF100001,PKG-1,,,,,G01,C001,T01",
                "2024-05-02,sf100001 ,PKG-2,,,,,G01,C001,T01",
                "2024-05-03,SF100002,,,,,,G01,C001,T01"));
        ImportRun run = preview(f, ImportFormat.CSV);
        assertThat(run.statistics().validRows()).isEqualTo(2);
        assertThat(run.statistics().duplicateRows()).isEqualTo(1);
        assertThat(run.errors()).singleElement().satisfies(e -> {
            assertThat(e.row()).isEqualTo(3);
            assertThat(e.code()).isEqualTo("DUPLICATE_IN_FILE");
            assertThat(e.message()).contains("SF100001", "2");
        });
        assertThat(run.preview().get(1).status()).isEqualTo("duplicate");
    }

    @Test
    void explainsATrackingNumberExcelSavedInExponentForm() throws IOException {
        Path f = write(dir, "e.csv", utf8(HEADER, "2024-05-01,1.23457E+11,,,,,,G01,C001,T01"));
        ImportRun run = preview(f, ImportFormat.CSV);
        assertThat(run.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("tracking_number");
            assertThat(e.code()).isEqualTo("TRACKING_NUMBER_AS_EXPONENT");
            assertThat(e.message()).contains("1.23457E+11", "text");
        });
    }

    @Test
    void keepsFormulaLikeTextAsText() throws IOException {
        Path f = write(dir, "f.csv", utf8(HEADER,
                "2024-05-01,SF100001,-PKG1,,,,,=1+1,@SUM(A1),+T01",
                "2024-05-01,SF100002,,,,,,'=HYPERLINK(x),-C2,T01"));
        ImportRun run = preview(f, ImportFormat.CSV);
        assertThat(run.statistics().validRows()).isEqualTo(2);
        ManifestInput a = run.preview().get(0).data();
        assertThat(a.goodsCode()).isEqualTo("=1+1");
        assertThat(a.customerCode()).isEqualTo("@SUM(A1)");
        assertThat(a.transportCode()).isEqualTo("+T01");
        assertThat(a.packageNumber()).isEqualTo("-PKG1");
        ManifestInput b = run.preview().get(1).data();
        assertThat(b.goodsCode()).as("the apostrophe an export adds is dropped").isEqualTo("=HYPERLINK(x)");
        assertThat(b.customerCode()).isEqualTo("-C2");
    }

    @Test
    void readsXlsxWithNumericTrackingNumbersAndRealDateCells() throws IOException {
        Path f = write(dir, "m.xlsx", workbook(true, List.of(
                header(),
                cells(LocalDate.of(2024, 5, 1), 123456789012345d, "PKG-1", 30, 20.5, 15, 2.5, "G01", "C001", "T01"),
                cells("2024/05/02", "SF100002", null, null, null, null, 1e2, "G01", "C001", "T01"),
                cells(),
                cells(20240503, 98765432109d, null, null, null, null, null, "G01", "C001", "T01"))));
        ImportRun run = preview(f, ImportFormat.XLSX);
        assertThat(run.errors()).isEmpty();
        assertThat(run.preview()).extracting(PreviewRow::row).containsExactly(2, 3, 5);
        ManifestInput a = run.preview().get(0).data();
        assertThat(a.trackingNumber()).isEqualTo("123456789012345");
        assertThat(a.manifestDate()).isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(a.width()).isEqualByComparingTo("20.5");
        assertThat(run.preview().get(1).data().weight()).isEqualByComparingTo("100");
        assertThat(run.preview().get(1).data().manifestDate()).isEqualTo(LocalDate.of(2024, 5, 2));
        assertThat(run.preview().get(2).data().trackingNumber()).isEqualTo("98765432109");
        assertThat(run.preview().get(2).data().manifestDate()).isEqualTo(LocalDate.of(2024, 5, 3));
    }

    @Test
    void readsXlsWithPoiHssf() throws IOException {
        Path f = write(dir, "m.xls", workbook(false, List.of(
                header(),
                cells(LocalDate.of(2024, 5, 1), 123456789012d, "PKG-1", 30, 20, 15, 2.5, "G01", "客户甲", "T01"))));
        ImportRun run = preview(f, ImportFormat.XLS);
        assertThat(run.errors()).isEmpty();
        ManifestInput a = first(run);
        assertThat(a.trackingNumber()).isEqualTo("123456789012");
        assertThat(a.manifestDate()).isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(a.customerCode()).isEqualTo("客户甲");
    }

    @Test
    void checksTheContentNotJustTheExtension() {
        byte[] xlsx = workbook(true, List.of(header()));
        byte[] xls = workbook(false, List.of(header()));
        byte[] csv = utf8(HEADER, ROW);
        assertThat(ImportFormat.XLSX.matches(xlsx, xlsx.length)).isTrue();
        assertThat(ImportFormat.XLSX.matches(csv, csv.length)).isFalse();
        assertThat(ImportFormat.XLS.matches(xls, 64)).isTrue();
        assertThat(ImportFormat.XLS.matches(xlsx, 64)).isFalse();
        assertThat(ImportFormat.CSV.matches(csv, csv.length)).isTrue();
        assertThat(ImportFormat.CSV.matches(xlsx, 64)).isFalse();
        byte[] binary = {1, 2, 0, 4, 5, 6, 7, 8};
        assertThat(ImportFormat.CSV.matches(binary, binary.length)).isFalse();
        assertThat(ImportFormat.byName("a.CSV")).isEqualTo(ImportFormat.CSV);
        assertThat(ImportFormat.byName("a.txt")).isNull();
        assertThat(ImportFormat.byName("a.xlsm")).isNull();
    }

    @Test
    void refusesAZipThatIsNoWorkbook() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("hello.txt"));
            zip.write("hi".getBytes(StandardCharsets.UTF_8));
        }
        Path f = write(dir, "fake.xlsx", bytes.toByteArray());
        assertThatThrownBy(() -> preview(f, ImportFormat.XLSX))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("FILE_UNREADABLE"));
    }

    @Test
    void refusesAZipBomb() throws IOException {
        // a real workbook whose sheet XML is padded with 20 MB of blanks: compresses about 1000:1
        byte[] bomb = padSheet(workbook(true, List.of(header(), cells("2024-05-01", "SF100001", null, null, null,
                null, null, "G01", "C001", "T01"))), 20 << 20);
        Path f = write(dir, "bomb.xlsx", bomb);
        assertThat(Files.size(f)).isLessThan(1 << 20);
        assertThatThrownBy(() -> preview(f, ImportFormat.XLSX))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("FILE_ZIP_BOMB"));
    }

    @Test
    void refusesCellReferencesAndTextNoSpreadsheetCanHold() throws IOException {
        byte[] good = workbook(true, List.of(header(), cells("2024-05-01", "SF100001", null, null, null, null, null,
                "G01", "C001", "T01")));
        assertThat(preview(write(dir, "good.xlsx", good), ImportFormat.XLSX).statistics().validRows()).isEqualTo(1);
        // one column past Excel's last (XFD): the reader would pad each row's cell list up to any column asked for
        byte[] wide = rewriteSheet(good, xml -> xml.replaceFirst("r=\"J2\"", "r=\"XFE2\""));
        // a cell of 40,000 characters (Excel holds at most 32,767)
        byte[] longCell = rewriteSheet(good, xml -> xml.replaceFirst("<c r=\"J2\"[^>]*>.*?</c>",
                "<c r=\"J2\" t=\"inlineStr\"><is><t>" + "T".repeat(40_000) + "</t></is></c>"));
        // a style index that is not a number
        byte[] badStyle = rewriteSheet(good, xml -> xml.replaceFirst("<c r=\"A2\"", "<c s=\"x\" r=\"A2\""));
        // a shared string that is not in the table, or a negative index (read as an empty cell before: a value lost)
        byte[] missingString = rewriteSheet(good, xml -> xml.replaceFirst("(<c r=\"J2\"[^>]*t=\"s\"[^>]*><v>)\\d+",
                "$1999"));
        byte[] negativeString = rewriteSheet(good, xml -> xml.replaceFirst("(<c r=\"J2\"[^>]*t=\"s\"[^>]*><v>)\\d+",
                "$1-1"));
        // row numbers that no spreadsheet writes: 0, negative, or not after the row before (the second row numbered
        // like the header): reported under those numbers, and a save's row ranges would be wrong
        byte[] rowZero = rewriteSheet(good, xml -> xml.replaceFirst("<row r=\"2\"", "<row r=\"0\""));
        byte[] rowBack = rewriteSheet(good, xml -> xml.replaceFirst("<row r=\"2\"", "<row r=\"1\""));
        for (byte[] hostile : List.of(wide, longCell, badStyle, missingString, negativeString, rowZero, rowBack)) {
            Path f = write(dir, "hostile.xlsx", hostile);
            assertThatThrownBy(() -> preview(f, ImportFormat.XLSX))
                    .isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.code()).isEqualTo("FILE_UNREADABLE"));
        }
    }

    @Test
    void aSharedStringLongerThanACellCanHoldIsRefusedAndLongCellsAreCut() throws IOException {
        // one shared string of 40,000 characters that every cell of the sheet can point to: more than Excel puts in
        // a cell (a 5.7 MB workbook of one 10-million-character string in 200 cells answered a 1 GB preview)
        byte[] good = workbook(true, List.of(header(), cells("2024-05-01", "SF100001", null, null, null, null, null,
                "LONGVALUE", "C001", "T01")));
        byte[] longString = rewritePart(good, "xl/sharedStrings.xml", xml -> xml.replace("LONGVALUE",
                "X".repeat(40_000)));
        assertThatThrownBy(() -> preview(write(dir, "long.xlsx", longString), ImportFormat.XLSX))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("FILE_UNREADABLE"));
        // a long cell (a CSV's can be as long as the file) is checked on its first characters only: it is refused
        // all the same, and neither the preview nor an error message repeats it whole
        // (a weight of 100,001 digits is no number the import takes either; cut, it must not become a shorter one)
        String weight = "0".repeat(100_000) + "1";
        Path csv = write(dir, "long.csv", utf8(HEADER, ROW.replace("G01", "G".repeat(100_000)).replace("2.5", weight)));
        ImportRun run = preview(csv, ImportFormat.CSV);
        assertThat(run.statistics().invalidRows()).isEqualTo(1);
        assertThat(run.errors()).extracting(ImportReport.RowError::code).contains("CODE_TOO_LONG", "INVALID_NUMBER");
        assertThat(run.errors()).allSatisfy(e -> assertThat(e.message()).hasSizeLessThan(1_000));
        assertThat(first(run).goodsCode()).hasSizeLessThan(1_000).startsWith("GGG");
    }

    /** {@code xlsx} with the part {@code name} edited. */
    static byte[] rewritePart(byte[] xlsx, String name, java.util.function.UnaryOperator<String> edit)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(xlsx));
                ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e;
            boolean edited = false;
            while ((e = in.getNextEntry()) != null) {
                byte[] content = in.readAllBytes();
                zip.putNextEntry(new ZipEntry(e.getName()));
                if (e.getName().equals(name)) {
                    String xml = new String(content, StandardCharsets.UTF_8);
                    String changed = edit.apply(xml);
                    assertThat(changed).as("the edit applies").isNotEqualTo(xml);
                    zip.write(changed.getBytes(StandardCharsets.UTF_8));
                    edited = true;
                } else {
                    zip.write(content);
                }
            }
            assertThat(edited).as(name + " is in the workbook").isTrue();
        }
        return out.toByteArray();
    }

    static byte[] rewriteSheet(byte[] xlsx, java.util.function.UnaryOperator<String> edit) throws IOException {
        return rewritePart(xlsx, "xl/worksheets/sheet1.xml", edit);
    }

    @Test
    void refusesAnOversizedSharedStringTable() {
        List<List<Object>> rows = new java.util.ArrayList<>();
        rows.add(header());
        for (int i = 0; i < 50; i++) {
            rows.add(cells("2024-05-01", "SF1000" + (10 + i), null, null, null, null, null, "G" + i, "C001", "T01"));
        }
        Path f = write(dir, "strings.xlsx", workbook(true, rows));
        assertThatThrownBy(() -> preview(f, ImportFormat.XLSX, ImportFixtures.properties(1000, 40, 1_000_000)))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo("SHARED_STRINGS_TOO_LARGE"));
        assertThatThrownBy(() -> preview(f, ImportFormat.XLSX, ImportFixtures.properties(1000, 1000, 200)))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.code()).isEqualTo("SHARED_STRINGS_TOO_LARGE"));
    }

    @Test
    void refusesMoreRowsThanTheCap() {
        Path f = write(dir, "many.csv", utf8(HEADER, ROW, ROW.replace("SF1001", "SF1002"),
                ROW.replace("SF1001", "SF1003")));
        assertThatThrownBy(() -> preview(f, ImportFormat.CSV, ImportFixtures.properties(2, 1000, 1000)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("TOO_MANY_ROWS");
                    assertThat(e.args()).containsExactly(2);
                });
        Path x = write(dir, "many.xlsx", workbook(true, List.of(header(), cells("2024-05-01"), cells("2024-05-01"),
                cells("2024-05-01"))));
        assertThatThrownBy(() -> preview(x, ImportFormat.XLSX, ImportFixtures.properties(2, 1000, 1000)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("TOO_MANY_ROWS"));
    }

    @Test
    void aCsvIsCountedByItsRecordsNotByTheLinesOfItsQuotedCells() throws IOException {
        // three rows, each with a package number of two lines in quotes (six lines): max-rows 3 takes them
        List<String> lines = new java.util.ArrayList<>(List.of(HEADER));
        for (int i = 1; i <= 3; i++) {
            lines.add(ROW.replace("SF1001", "SF100" + i).replace("PKG-1", "\"PKG-" + i + "\nPKG-" + i + "b\""));
        }
        Path f = write(dir, "quoted.csv", utf8(lines.toArray(String[]::new)));
        ImportRun run = preview(f, ImportFormat.CSV, ImportFixtures.properties(3, 1000, 1000));
        assertThat(run.statistics().totalRows()).isEqualTo(3);
    }

    @Test
    void aCsvTheParserCannotReadToTheEndIsRefusedBeforeItsFirstRow() throws IOException {
        // a quote never closed, or text after a closing quote: Commons CSV fails at that record, after the rows
        // before it were handed on (and saved, batch by batch: a save ended IMPORT_INTERRUPTED with those rows)
        String rows = HEADER + "\n" + ROW + "\n" + ROW.replace("SF1001", "SF1002") + "\n";
        for (String bad : List.of("2024-05-01,\"UQX,PKG", "2024-05-01,\"SF1003\"x,PKG-1,30,20,15,2.5,G01,C001,T01",
                "2024-05-01,\"SF1003\" x,PKG-1,30,20,15,2.5,G01,C001,T01")) {
            Path f = write(dir, "broken.csv", utf8(rows + bad));
            Recording sink = new Recording(new ImportRun(ImportFixtures.properties(), null, ImportFixtures.messages(),
                    java.util.Locale.ENGLISH, r -> {
                    }));
            assertThatThrownBy(() -> new CsvRowReader().read(f, sink)).as(bad).isInstanceOf(IOException.class);
            assertThat(sink.rows).as(bad).isZero();
        }
        // white space after a closing quote is fine, as is a quote inside an unquoted cell
        Path fine = write(dir, "fine.csv", utf8(rows + "2024-05-01,\"SF1003\"  ,PKG-1,30,20,15,2.5,G01,C001,T01\n"
                + "2024-05-01,SF1004,PKG\"1,30,20,15,2.5,G01,C001,T01"));
        assertThat(preview(fine, ImportFormat.CSV).statistics().totalRows()).isEqualTo(4);
    }

    /** A header and three data rows. */
    private static List<List<Object>> threeRows() {
        List<List<Object>> rows = new java.util.ArrayList<>();
        rows.add(header());
        for (int i = 1; i <= 3; i++) {
            rows.add(cells("2024-05-01", "SF20000" + i, null, null, null, null, null, "G01", "C001", "T01"));
        }
        return rows;
    }

    /** A sink that records the rows it gets and hands everything to {@code run}. */
    private static final class Recording implements RowReader.Sink {
        final ImportRun run;
        int rows;

        Recording(ImportRun run) {
            this.run = run;
        }

        @Override
        public void expect(long rows) {
            run.expect(rows);
        }

        @Override
        public void row(int rowNumber, List<String> cells) {
            rows++;
            run.row(rowNumber, cells);
        }
    }

    @Test
    void aSheetDimensionIsAClaimNotACount() throws IOException {
        byte[] good = workbook(true, threeRows());
        java.util.function.Function<String, byte[]> claiming = ref -> {
            try {
                return rewriteSheet(good, xml -> xml.replaceFirst("<dimension ref=\"[^\"]*\"/>",
                        "<dimension ref=\"" + ref + "\"/>"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        ImportProperties three = ImportFixtures.properties(3, 1000, 1_000_000);
        // Formatted cells far below the data make the used range (the dimension) claim more rows than there are;
        // a claim no number can hold, or one of fewer rows than the sheet has, is no count either
        for (String ref : List.of("A1:J2000000", "A1:J1048576", "A1:J99999999999999999999", "A1:J2", "A1", "A1:J")) {
            Path f = write(dir, "claims.xlsx", claiming.apply(ref));
            assertThat(preview(f, ImportFormat.XLSX, three).statistics().validRows()).as(ref).isEqualTo(3);
        }
        // a sheet that really holds more rows than max-rows is still refused before any row reaches the import
        // (a save would write its first batches), whatever its dimension claims
        ImportProperties two = ImportFixtures.properties(2, 1000, 1_000_000);
        Path over = write(dir, "over.xlsx", claiming.apply("A1:J2000000"));
        Recording sink = new Recording(new ImportRun(two, null, ImportFixtures.messages(), java.util.Locale.ENGLISH,
                r -> {
                }));
        assertThatThrownBy(() -> new XlsxRowReader(two).read(over, sink))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("TOO_MANY_ROWS"));
        assertThat(sink.rows).as("rows handed on before the refusal").isZero();
        // a dimension after the rows (no schema allows it) is ignored, not read again from the start
        byte[] late = rewriteSheet(good, xml -> xml.replaceFirst("<dimension ref=\"[^\"]*\"/>", "")
                .replace("</sheetData>", "</sheetData><dimension ref=\"A1:J2000000\"/>"));
        Recording lateSink = new Recording(new ImportRun(three, null, ImportFixtures.messages(),
                java.util.Locale.ENGLISH, r -> {
                }));
        new XlsxRowReader(three).read(write(dir, "late.xlsx", late), lateSink);
        assertThat(lateSink.rows).isEqualTo(4);
        assertThat(lateSink.run.statistics().validRows()).isEqualTo(3);
    }

    @Test
    void oneReaderCountsEachFileOnce() throws IOException {
        // the header probe and the job of one upload share a reader: a sheet whose dimension claims too many rows
        // is counted once; another file read with it is counted for itself
        List<List<Object>> five = threeRows();
        five.add(cells("2024-05-01", "SF300001", null, null, null, null, null, "G01", "C001", "T01"));
        five.add(cells("2024-05-01", "SF300002", null, null, null, null, null, "G01", "C001", "T01"));
        java.util.function.UnaryOperator<String> claim = xml -> xml.replaceFirst("<dimension ref=\"[^\"]*\"/>",
                "<dimension ref=\"A1:J2000000\"/>");
        Path small = write(dir, "small.xlsx", rewriteSheet(workbook(true, threeRows()), claim));
        Path large = write(dir, "large.xlsx", rewriteSheet(workbook(true, five), claim));
        ImportProperties four = ImportFixtures.properties(4, 1000, 1_000_000);
        XlsxRowReader reader = new XlsxRowReader(four);
        for (int i = 0; i < 2; i++) {
            ImportRun run = new ImportRun(four, null, ImportFixtures.messages(), java.util.Locale.ENGLISH, r -> {
            });
            reader.read(small, run);
            assertThat(run.statistics().validRows()).isEqualTo(3);
        }
        assertThat(reader.countingPasses).isEqualTo(1);
        Recording sink = new Recording(new ImportRun(four, null, ImportFixtures.messages(), java.util.Locale.ENGLISH,
                r -> {
                }));
        assertThatThrownBy(() -> reader.read(large, sink))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("TOO_MANY_ROWS"));
        assertThat(sink.rows).isZero();
        assertThat(reader.countingPasses).isEqualTo(2);
    }

    @Test
    void aLegacySheetIsCountedByTheRowsThatHoldSomething() throws IOException {
        // a .xls whose last row record is a formatted row far below the data: three data rows all the same
        byte[] bytes;
        try (org.apache.poi.hssf.usermodel.HSSFWorkbook wb = new org.apache.poi.hssf.usermodel.HSSFWorkbook(
                new java.io.ByteArrayInputStream(workbook(false, threeRows())))) {
            org.apache.poi.ss.usermodel.CellStyle bordered = wb.createCellStyle();
            bordered.setBorderBottom(org.apache.poi.ss.usermodel.BorderStyle.THIN);
            org.apache.poi.ss.usermodel.Row far = wb.getSheetAt(0).createRow(60_000);
            far.createCell(0).setCellStyle(bordered);
            far.createCell(3).setCellValue("   ");
            assertThat(wb.getSheetAt(0).getLastRowNum()).isEqualTo(60_000);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            wb.write(out);
            bytes = out.toByteArray();
        }
        Path f = write(dir, "formatted.xls", bytes);
        assertThat(preview(f, ImportFormat.XLS, ImportFixtures.properties(3, 1000, 1_000_000)).statistics()
                .validRows()).isEqualTo(3);
        ImportProperties two = ImportFixtures.properties(2, 1000, 1_000_000);
        Recording sink = new Recording(new ImportRun(two, null, ImportFixtures.messages(), java.util.Locale.ENGLISH,
                r -> {
                }));
        assertThatThrownBy(() -> new XlsRowReader().read(f, sink))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("TOO_MANY_ROWS"));
        assertThat(sink.rows).as("rows handed on before the refusal").isZero();
    }

    @Test
    void refusesAFileWithoutHeader() {
        Path f = write(dir, "empty.csv", utf8("", " , "));
        assertThatThrownBy(() -> preview(f, ImportFormat.CSV))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("EMPTY_FILE"));
    }

    @Test
    void readsTabAndSemicolonSeparatedText() throws IOException {
        Path tab = write(dir, "t.csv", utf8(HEADER.replace(',', '\t'), ROW.replace(',', '\t')));
        Path semi = write(dir, "s.csv", utf8(HEADER.replace(',', ';'), ROW.replace(',', ';')));
        assertThat(preview(tab, ImportFormat.CSV).statistics().validRows()).isEqualTo(1);
        assertThat(preview(semi, ImportFormat.CSV).statistics().validRows()).isEqualTo(1);
    }

    /** Rewrites the workbook zip with {@code padding} blanks inside the first sheet's XML. */
    static byte[] padSheet(byte[] xlsx, int padding) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(xlsx));
                ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] content = in.readAllBytes();
                zip.putNextEntry(new ZipEntry(e.getName()));
                if (e.getName().equals("xl/worksheets/sheet1.xml")) {
                    String xml = new String(content, StandardCharsets.UTF_8);
                    int at = xml.indexOf("<sheetData");
                    zip.write(xml.substring(0, at).getBytes(StandardCharsets.UTF_8));
                    byte[] blanks = new byte[1 << 16];
                    java.util.Arrays.fill(blanks, (byte) ' ');
                    for (int i = 0; i < padding; i += blanks.length) {
                        zip.write(blanks);
                    }
                    zip.write(xml.substring(at).getBytes(StandardCharsets.UTF_8));
                } else {
                    zip.write(content);
                }
            }
        }
        return out.toByteArray();
    }
}
