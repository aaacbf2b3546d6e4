package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoding a CSV file is read in ({@link CsvRowReader#sniff}), which reads the file in chunks of 64 KB and
 * decodes only the chunks that are not plain ASCII: what lies beyond the first chunk, and a UTF-8 sequence cut
 * by a chunk's end, still decide.
 */
class CsvRowReaderSniffTest {

    private static final int CHUNK = 1 << 16;

    @TempDir
    Path dir;

    @Test
    void plainAsciiIsUtf8() throws Exception {
        assertThat(sniff(ascii(3 * CHUNK)).charset()).isEqualTo(StandardCharsets.UTF_8);
    }

    @Test
    void gb18030BytesAfterSeveralChunksOfAsciiMakeTheFileGb18030() throws Exception {
        assertThat(sniff(ascii(2 * CHUNK + 100), "理货日期".getBytes(CsvRowReader.GB18030), ascii(CHUNK)).charset())
                .isEqualTo(CsvRowReader.GB18030);
    }

    @Test
    void aUtf8SequenceCutByTheEndOfAChunkIsStillUtf8() throws Exception {
        for (int cut = 1; cut <= 2; cut++) {
            // "理" is 3 bytes in UTF-8: 1 or 2 of them end the first chunk, the rest begin the second
            CsvRowReader.Sniff sniff = sniff(ascii(CHUNK - cut), "理".getBytes(StandardCharsets.UTF_8), ascii(CHUNK));
            assertThat(sniff.charset()).as("cut after %d bytes", cut).isEqualTo(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBrokenSequenceAfterValidUtf8AndManyAsciiChunksMakesTheFileGb18030() throws Exception {
        byte[] broken = {(byte) 0xC3, 'x'};
        assertThat(sniff("理货".getBytes(StandardCharsets.UTF_8), ascii(3 * CHUNK), broken).charset())
                .isEqualTo(CsvRowReader.GB18030);
    }

    @Test
    void aSequenceLeftOpenAtTheEndOfTheFileIsNotUtf8() throws Exception {
        byte[] open = "理".getBytes(StandardCharsets.UTF_8);
        assertThat(sniff(ascii(CHUNK + 7), new byte[] {open[0], open[1]}).charset())
                .isEqualTo(CsvRowReader.GB18030);
    }

    @Test
    void aGbkTrailByteAtTheEndOfAnAsciiChunkIsNotTakenForUtf8() throws Exception {
        // 0xE7 opens a 3-byte UTF-8 sequence; "7A" after it (a GBK trail byte can be 0x40-0x7E) does not continue it
        assertThat(sniff(ascii(CHUNK - 1), new byte[] {(byte) 0xE7}, ascii(CHUNK)).charset())
                .isEqualTo(CsvRowReader.GB18030);
    }

    @Test
    void theLinesOfAGb18030FileAreCountedOnce() throws Exception {
        // the first invalid UTF-8 byte is in the first chunk; what follows it must not be scanned twice
        StringBuilder text = new StringBuilder();
        int lines = 6_000;
        for (int i = 0; i < lines; i++) {
            text.append("理货日期").append(i).append(",快递单号\r\n");
        }
        byte[] bytes = text.toString().getBytes(CsvRowReader.GB18030);
        assertThat(bytes.length).isGreaterThan(2 * CHUNK);
        CsvRowReader.Sniff sniff = sniff(bytes);
        assertThat(sniff.charset()).isEqualTo(CsvRowReader.GB18030);
        assertThat(sniff.nonBlankRecords()).isEqualTo(lines);
        assertThat(sniff(ascii(CHUNK / 2), text.toString().getBytes(StandardCharsets.UTF_8)).nonBlankRecords())
                .as("UTF-8, for comparison").isEqualTo(lines + CHUNK / 2 / 40);
    }

    @Test
    void aReaderFindsOutTheEncodingOfEachFileItReads() throws Exception {
        // the upload's header probe and its job read the same file with one reader, which sniffs it once
        CsvRowReader reader = new CsvRowReader();
        Path utf8 = file((ImportFixtures.HEADER + "\n").getBytes(StandardCharsets.UTF_8));
        Path gb = file((ImportFixtures.HEADER + "\n").getBytes(CsvRowReader.GB18030));
        for (Path f : List.of(utf8, utf8, gb, gb, utf8)) {
            List<String> encodings = new ArrayList<>();
            List<List<String>> rows = new ArrayList<>();
            reader.read(f, new RowReader.Sink() {
                @Override
                public void encoding(String name) {
                    encodings.add(name);
                }

                @Override
                public void row(int rowNumber, List<String> cells) {
                    rows.add(List.copyOf(cells));
                }
            });
            assertThat(encodings).containsExactly(f == gb ? "GB18030" : "UTF-8");
            assertThat(rows.get(0).get(0)).isEqualTo("理货日期");
        }
    }

    @Test
    void aLineBreakInsideQuotesIsNoNewRecord() throws Exception {
        // three records, each with a cell of two lines: seven lines, four records (the header and three rows)
        String text = "a,b,c\n" + "1,\"street 1\nfloor 2\",x\n".repeat(3);
        assertThat(sniff(text.getBytes(StandardCharsets.UTF_8)).nonBlankRecords()).isEqualTo(4);
        assertThat(records(text)).isEqualTo(4);
    }

    @Test
    void aQuoteInsideAnUnquotedCellOpensNothing() throws Exception {
        // 5" is a literal quote (the cell does not start with one): the line break after it still ends the record
        String text = "a,b\n1,5\" screen\n2,x\n3,\"y\"\"\nz\"\n";
        assertThat(records(text)).isEqualTo(4);
        assertThat(sniff(text.getBytes(StandardCharsets.UTF_8)).nonBlankRecords()).isEqualTo(4);
    }

    @Test
    void aCarriageReturnAloneEndsARecordAsTheParserReadsIt() throws Exception {
        String text = "a,b\r1,x\r\n2,y\r3,z";
        assertThat(records(text)).isEqualTo(4);
        assertThat(sniff(text.getBytes(StandardCharsets.UTF_8)).nonBlankRecords()).isEqualTo(4);
    }

    @Test
    void cellsOfOnlySeparatorsOrWhiteSpaceAreBlankAndOtherSeparatorsAreText() throws Exception {
        // ";" is text in a comma file, a separator in a semicolon file; quoted white space is blank, a quoted
        // separator or quote is text
        String comma = "a,b\n,,\n;,\n\" \t\",\"\"\n\",\"\n\"\"\"\"\n \t \n";
        assertThat(records(comma)).isEqualTo(4);
        assertThat(sniff(comma.getBytes(StandardCharsets.UTF_8)).nonBlankRecords()).isEqualTo(4);
        String semicolon = "a;b;c\n;;\n,;\n";
        assertThat(records(semicolon)).isEqualTo(2);
        assertThat(sniff(semicolon.getBytes(StandardCharsets.UTF_8)).nonBlankRecords()).isEqualTo(2);
        // the first record decides the delimiter (two commas): its semicolon is text in it
        String first = ",;,\na,b\n";
        assertThat(records(first)).isEqualTo(2);
        assertThat(sniff(first.getBytes(StandardCharsets.UTF_8)).nonBlankRecords()).isEqualTo(2);
    }

    @Test
    void whatIsQuotedInTheHeaderDependsOnTheDelimiterChosen() throws Exception {
        // a quote after a separator that is not the delimiter is text: the line breaks after it end records
        for (String text : List.of("a,b,c;\"x\n1,2,3\n4,5,6\n", "a,b,c\t\"x\n1,2,3\n4,5,6\n",
                "a;b;c,\"x\n1;2;3\n4;5;6\n", " \t\"\",\n", "a,b;\"c,\"d\ne\"\n", "\na;b;c\n1;2;3\n")) {
            char delimiter = text.startsWith("a;") || text.startsWith("\na;") ? ';' : ',';
            CsvRowReader.Sniff sniff = sniff(text.getBytes(StandardCharsets.UTF_8));
            assertThat(sniff.delimiter()).as(text).isEqualTo(delimiter);
            assertThat(sniff.nonBlankRecords()).as(text).isEqualTo(parsed(text, delimiter));
        }
    }

    @Test
    void aLineEndSplitByAChunksEndIsOneLineEnd() throws Exception {
        String head = "a,b\n";
        // CR the last byte of the first chunk, LF the first of the second; then a quoted line break across it
        String text = head + "x".repeat(CHUNK - 1 - head.length()) + "\r\n1,2\r\n";
        assertThat(text.indexOf('\r')).isEqualTo(CHUNK - 1);
        assertThat(sniff(text.getBytes(StandardCharsets.UTF_8)).nonBlankRecords()).isEqualTo(3)
                .isEqualTo(parsed(text, ','));
        String quoted = head + "1,\"" + "y".repeat(CHUNK - 4 - head.length()) + "\r\nz\"\n2,3\n";
        assertThat(quoted.indexOf('\r')).isEqualTo(CHUNK - 1);
        assertThat(sniff(quoted.getBytes(StandardCharsets.UTF_8)).nonBlankRecords()).isEqualTo(3)
                .isEqualTo(parsed(quoted, ','));
    }

    /**
     * The count is the parser's: over seeded files of quoted cells (line breaks, quotes, separators in them), blank
     * records, stray quotes, all three separators and line ends, some across several 64 KB chunks, the sniff finds
     * as many records that hold something as Commons CSV reads.
     */
    @Test
    void theCountIsTheNumberOfRecordsTheParserReadsThatHoldSomething() throws Exception {
        java.util.Random random = new java.util.Random(20261208L);
        String[] pieces = {"", "a", "SF1001", "理货", " ", "\t", "\n", "\r\n", "\r", "\"", ",", ";", "x\"y", "  ",
            "\u000B"};
        for (int round = 0; round < 300; round++) {
            char delimiter = ",;\t".charAt(random.nextInt(3));
            String lineEnd = List.of("\n", "\r\n", "\r").get(random.nextInt(3));
            List<String> header = new ArrayList<>();
            for (int h = 0; h < 4; h++) {
                header.add(random.nextBoolean() ? "h" + h : "\"h " + h + "\"");
            }
            StringBuilder out = new StringBuilder(String.join(String.valueOf(delimiter), header));
            out.append(lineEnd);
            org.apache.commons.csv.CSVFormat format = org.apache.commons.csv.CSVFormat.DEFAULT.builder()
                    .setDelimiter(delimiter).setRecordSeparator(lineEnd).get();
            int records = round % 50 == 0 ? 4_000 : 1 + random.nextInt(40);
            try (org.apache.commons.csv.CSVPrinter printer = new org.apache.commons.csv.CSVPrinter(out, format)) {
                for (int r = 0; r < records; r++) {
                    switch (random.nextInt(8)) {
                        case 0 -> printer.getOut().append(lineEnd); // an empty line
                        case 1 -> printer.getOut().append("1").append(delimiter).append("5\" screen").append(lineEnd);
                        default -> {
                            List<String> cells = new ArrayList<>();
                            for (int c = 1 + random.nextInt(4); c > 0; c--) {
                                StringBuilder cell = new StringBuilder();
                                for (int k = random.nextInt(3); k > 0; k--) {
                                    cell.append(pieces[random.nextInt(pieces.length)]);
                                }
                                cells.add(cell.toString());
                            }
                            printer.printRecord(cells);
                        }
                    }
                }
            }
            String text = out.toString();
            boolean gb = round % 3 == 1;
            boolean bom = !gb && round % 5 == 2;
            byte[] bytes = text.getBytes(gb ? CsvRowReader.GB18030 : StandardCharsets.UTF_8);
            if (bom) {
                byte[] withBom = new byte[bytes.length + 3];
                withBom[0] = (byte) 0xEF;
                withBom[1] = (byte) 0xBB;
                withBom[2] = (byte) 0xBF;
                System.arraycopy(bytes, 0, withBom, 3, bytes.length);
                bytes = withBom;
            }
            CsvRowReader.Sniff sniff = sniff(bytes);
            String shown = text.length() < 400 ? text : text.length() + " chars";
            assertThat(sniff.delimiter()).as("round %d: %s", round, shown).isEqualTo(delimiter);
            assertThat(sniff.nonBlankRecords()).as("round %d: %s", round, shown).isEqualTo(parsed(text, delimiter));
            assertThat(sniff.malformed()).as("round %d: the parser reads it", round).isFalse();
        }
    }

    /**
     * The records of {@code text} that Commons CSV reads with {@code delimiter} (as {@link CsvRowReader#read} sets
     * it up) and the import does not skip as blank: the oracle, independent of the sniff.
     */
    private static long parsed(String text, char delimiter) throws Exception {
        org.apache.commons.csv.CSVFormat format = org.apache.commons.csv.CSVFormat.DEFAULT.builder()
                .setDelimiter(delimiter).setIgnoreEmptyLines(false).get();
        long count = 0;
        try (org.apache.commons.csv.CSVParser parser = org.apache.commons.csv.CSVParser.builder()
                .setReader(new java.io.StringReader(text)).setFormat(format).get()) {
            for (org.apache.commons.csv.CSVRecord record : parser) {
                if (!ImportRun.isBlank(record.toList())) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The records of {@code text} (UTF-8) that Commons CSV reads and the import does not skip as blank. */
    private long records(String text) throws Exception {
        Path f = file(text.getBytes(StandardCharsets.UTF_8));
        long[] count = {0};
        new CsvRowReader().read(f, new RowReader.Sink() {
            @Override
            public void row(int rowNumber, List<String> cells) {
                if (!ImportRun.isBlank(cells)) {
                    count[0]++;
                }
            }
        });
        return count[0];
    }

    private CsvRowReader.Sniff sniff(byte[]... parts) throws Exception {
        return CsvRowReader.sniff(file(parts));
    }

    private Path file(byte[]... parts) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
        Path file = Files.createTempFile(dir, "s", ".csv");
        Files.write(file, out.toByteArray());
        return file;
    }

    /** {@code n} bytes of ASCII lines. */
    private static byte[] ascii(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 40 == 39 ? '\n' : 'a' + i % 26);
        }
        return b;
    }
}
