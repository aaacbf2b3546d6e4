package com.tallytrack.importer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV file in UTF-8 (with or without BOM) or GB18030 (a superset of GBK, what Excel writes on Chinese
 * Windows). The encoding is detected, never asked: a BOM means UTF-8, bytes that decode as UTF-8 are UTF-8,
 * anything else is GB18030. Comma, semicolon or tab separated (taken from the header line).
 */
final class CsvRowReader implements RowReader {

    static final Charset GB18030 = Charset.forName("GB18030");

    /** What one pass over the raw bytes found out. */
    record Sniff(Charset charset, boolean bom, long nonBlankLines, char delimiter) {
    }

    /**
     * What the last {@link #sniff} of {@link #sniffed} found: a second read of that file (a job's, after the header
     * probe's) does not sniff it again. So an instance belongs to one upload (its temporary file is written once and
     * never changes), used by one thread at a time.
     */
    private Sniff sniff;
    private Path sniffed;

    @Override
    public void read(Path file, Sink sink) throws IOException {
        if (!file.equals(sniffed)) {
            sniff = sniff(file);
            sniffed = file;
        }
        Sniff sniff = this.sniff;
        sink.encoding(sniff.charset().name());
        sink.expect(sniff.nonBlankLines());
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            if (sniff.bom()) {
                in.skipNBytes(3);
            }
            Reader reader = new InputStreamReader(in, sniff.charset());
            CSVFormat format = CSVFormat.DEFAULT.builder()
                    .setDelimiter(sniff.delimiter())
                    // empty lines stay records, so record numbers are the row numbers a spreadsheet shows
                    .setIgnoreEmptyLines(false)
                    .get();
            try (CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
                List<String> cells = new ArrayList<>(16);
                for (CSVRecord record : parser) {
                    cells.clear();
                    for (int i = 0; i < record.size(); i++) {
                        cells.add(record.get(i));
                    }
                    sink.row(Math.toIntExact(record.getRecordNumber()), cells);
                }
            } catch (UncheckedIOException e) {
                // Commons CSV's iterator wraps what it cannot parse (a quote never closed) in an unchecked
                // exception; a caller of a RowReader handles IOException as "this file cannot be read"
                throw e.getCause();
            }
        }
    }

    /** Detects the encoding and counts non-blank lines (an upper bound of the rows) in one pass. */
    static Sniff sniff(Path file) throws IOException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        boolean validUtf8 = true;
        boolean bom = false;
        long lines = 0;
        boolean lineHasContent = false;
        int commas = 0;
        int semicolons = 0;
        int tabs = 0;
        boolean firstLine = true;
        ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
        CharBuffer chars = CharBuffer.allocate(1 << 16);
        try (InputStream in = Files.newInputStream(file)) {
            boolean start = true;
            int n;
            while ((n = in.read(bytes.array(), bytes.position(), bytes.remaining())) != -1 || bytes.position() > 0) {
                boolean eof = n == -1;
                if (!eof) {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
                if (start && bytes.remaining() >= 3 && (bytes.get(0) & 0xFF) == 0xEF && (bytes.get(1) & 0xFF) == 0xBB
                        && (bytes.get(2) & 0xFF) == 0xBF) {
                    bom = true;
                }
                start = false;
                boolean ascii = true;
                for (int i = bytes.position(); i < bytes.limit(); i++) {
                    byte b = bytes.get(i);
                    ascii &= b >= 0;
                    if (b == '\n') {
                        if (lineHasContent) {
                            lines++;
                        }
                        lineHasContent = false;
                        firstLine = false;
                    } else if (b != '\r' && b != ' ' && b != ',' && b != '\t' && b != ';') {
                        lineHasContent = true;
                    }
                    if (firstLine) {
                        commas += b == ',' ? 1 : 0;
                        semicolons += b == ';' ? 1 : 0;
                        tabs += b == '\t' ? 1 : 0;
                    }
                }
                if (validUtf8 && ascii) {
                    // ASCII is UTF-8, and nothing is left over from the chunk before (those would be bytes of a
                    // sequence, above 0x7F): no need to decode it (the sniff, decoding every chunk, was 14 % of
                    // the import thread's samples in a cold upload of an ASCII file)
                    bytes.clear();
                } else if (validUtf8) {
                    chars.clear();
                    CoderResult result = utf8.decode(bytes, chars, eof);
                    while (result.isOverflow()) {
                        chars.clear();
                        result = utf8.decode(bytes, chars, eof);
                    }
                    if (result.isError() || (eof && bytes.hasRemaining())) {
                        validUtf8 = false;
                        // not UTF-8: nothing to carry over (what follows the bad byte was counted already)
                        bytes.clear();
                    } else {
                        bytes.compact(); // an unfinished sequence, decoded with the next chunk
                    }
                } else {
                    bytes.clear();
                }
                if (eof) {
                    break;
                }
            }
        }
        if (lineHasContent) {
            lines++;
        }
        char delimiter = tabs > commas && tabs >= semicolons ? '\t' : semicolons > commas ? ';' : ',';
        return new Sniff(bom || validUtf8 ? StandardCharsets.UTF_8 : GB18030, bom, lines, delimiter);
    }
}
