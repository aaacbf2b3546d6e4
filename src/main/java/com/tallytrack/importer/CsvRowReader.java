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
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import com.tallytrack.common.ApiException;

/**
 * Reads a CSV file in UTF-8 (with or without BOM) or GB18030 (a superset of GBK, what Excel writes on Chinese
 * Windows). The encoding is detected, never asked: a BOM means UTF-8, bytes that decode as UTF-8 are UTF-8,
 * anything else is GB18030. Comma, semicolon or tab separated (taken from the header line).
 */
final class CsvRowReader implements RowReader {

    static final Charset GB18030 = Charset.forName("GB18030");

    /** What one pass over the raw bytes found out. */
    record Sniff(Charset charset, boolean bom, long nonBlankRecords, char delimiter, boolean malformed) {
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
        if (sniff.malformed()) {
            // refused before its first row, rather than after the rows before the bad record were saved
            throw new IOException("a quote is never closed, or text follows a quoted cell");
        }
        sink.encoding(sniff.charset().name());
        sink.expect(sniff.nonBlankRecords());
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

    /**
     * Detects the encoding and counts the records that hold something (the rows the import reads, header included;
     * see {@link RecordCounter}) in one pass; a file that is not UTF-8 gets a second, which refuses it where
     * reading it as GB18030 would lose text ({@link #refuseWhatGb18030WouldSwallow}).
     */
    static Sniff sniff(Path file) throws IOException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        boolean validUtf8 = true;
        boolean bom = false;
        RecordCounter records = new RecordCounter();
        ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
        CharBuffer chars = CharBuffer.allocate(1 << 16);
        try (InputStream in = Files.newInputStream(file)) {
            boolean start = true;
            int n;
            while (true) {
                // bytes of a UTF-8 sequence the last chunk ended in the middle of, counted already
                int carried = bytes.position();
                n = in.read(bytes.array(), carried, bytes.remaining());
                if (n == -1 && carried == 0) {
                    break;
                }
                boolean eof = n == -1;
                if (!eof) {
                    bytes.position(carried + n);
                }
                bytes.flip();
                int from = carried;
                if (start && bytes.remaining() >= 3 && (bytes.get(0) & 0xFF) == 0xEF && (bytes.get(1) & 0xFF) == 0xBB
                        && (bytes.get(2) & 0xFF) == 0xBF) {
                    bom = true;
                    from = 3; // the reader skips it too
                }
                start = false;
                boolean ascii = records.scan(bytes.array(), from, bytes.limit()) && carried == 0;
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
        long count = records.finish();
        if (!bom && !validUtf8) {
            refuseWhatGb18030WouldSwallow(file);
        }
        return new Sniff(bom || validUtf8 ? StandardCharsets.UTF_8 : GB18030, bom, count, records.delimiter(),
                records.malformed());
    }

    /**
     * A file that is not UTF-8 is read as GB18030, and a byte that is no character there becomes U+FFFD. That is
     * harmless where the bytes replaced are all above 0x7F (0x80, an accented Latin letter before a line end), but
     * GB18030 takes a lead byte and a digit (0x81-0xFE, 0x30-0x39) for the start of a four-byte character, and when
     * that is no character either the decoder replaces the bytes after them too — a line end, a separator, a quote
     * or text (Windows-1252 "£5" at a line's end is A3 35 0A: the next row would become part of this one). Such a
     * file is refused, with the line and byte where it happens, rather than read with rows merged or cells moved.
     * One pass over the file, only for files that are not UTF-8. (What GB18030 reads as a character is read: a
     * Latin-1 "Müller", FC 6C, is a valid GBK character, and that cannot be told from Chinese text.)
     */
    private static void refuseWhatGb18030WouldSwallow(Path file) throws IOException {
        CharsetDecoder gb = GB18030.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
        CharBuffer chars = CharBuffer.allocate(1 << 16);
        long done = 0; // bytes decoded (or replaced harmlessly) before bytes' position
        LineEnds lines = new LineEnds(); // among them (no GB18030 character contains 0x0A or 0x0D)
        try (InputStream in = Files.newInputStream(file)) {
            boolean eof = false;
            while (!eof) {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                eof = n == -1;
                if (!eof) {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
                while (true) {
                    int from = bytes.position();
                    chars.clear();
                    CoderResult result = gb.decode(bytes, chars, eof);
                    lines.scan(bytes.array(), from, bytes.position());
                    done += bytes.position() - from;
                    if (result.isOverflow()) {
                        continue;
                    }
                    if (result.isError()) {
                        int at = bytes.position();
                        for (int i = at; i < at + result.length(); i++) {
                            if (bytes.get(i) >= 0) {
                                // the byte as a count from 1, both as plain digits (no "65,536")
                                throw ApiException.badRequest("FILE_ENCODING_UNKNOWN",
                                        Map.of("line", lines.ends + 1, "byte_offset", done,
                                                "encodings", List.of("UTF-8", "GB18030")),
                                        Long.toString(lines.ends + 1), Long.toString(done + 1));
                            }
                        }
                        bytes.position(at + result.length()); // all above 0x7F: one U+FFFD, nothing else lost
                        done += result.length();
                        continue;
                    }
                    break; // underflow: the rest (an unfinished character) waits for the next chunk
                }
                bytes.compact();
            }
        }
    }

    /** Counts line ends as the CSV parser sees them: LF, CR LF and CR alone, also when a chunk ends between them. */
    private static final class LineEnds {
        long ends;
        private boolean afterCr;

        void scan(byte[] bytes, int from, int to) {
            for (int i = from; i < to; i++) {
                byte b = bytes[i];
                if (b == '\r' || b == '\n' && !afterCr) {
                    ends++;
                }
                afterCr = b == '\r';
            }
        }
    }

    /**
     * Counts the records of a CSV file as {@link #read} parses them (Commons CSV, {@code CSVFormat.DEFAULT} with the
     * file's delimiter), and finds that delimiter: comma, semicolon or tab, whichever of them the header (the first
     * record that holds something) has most of outside quotes. Which bytes are outside quotes depends on the
     * delimiter (a quote opens a quoted cell only as a cell's first character), so until the header has ended under
     * each of the three, each is followed by a {@link Parse} of its own (the first 64 KB chunk, as a rule); then
     * only the chosen one is. Fed the raw bytes in order: in UTF-8 and GB18030 no byte of a longer character is a
     * quote, a separator, a line end or white space (all are 0x30 or above), so neither the encoding nor a chunk's
     * end changes the count. (A file that is neither and would lose a line end to the GB18030 decoder is refused
     * before it is read.)
     */
    static final class RecordCounter {
        private final Parse[] candidates = {new Parse((byte) ','), new Parse((byte) ';'), new Parse((byte) '\t')};
        private Parse chosen;

        /** Counts {@code bytes[from, to)}; true when all of them are ASCII. */
        boolean scan(byte[] bytes, int from, int to) {
            if (chosen != null) {
                return chosen.scan(bytes, from, to);
            }
            boolean ascii = true;
            boolean allEnded = true;
            for (Parse p : candidates) {
                ascii &= p.scan(bytes, from, to);
                allEnded &= p.firstEnded;
            }
            if (allEnded) {
                chosen = choose();
            }
            return ascii;
        }

        /** The count, once every byte has been scanned (a last record without a line end included). */
        long finish() {
            for (Parse p : candidates) {
                p.finish();
            }
            if (chosen == null) {
                chosen = choose();
            }
            return chosen.records;
        }

        char delimiter() {
            return (char) (chosen == null ? choose() : chosen).delimiter;
        }

        /** Whether the parser, with that delimiter, would fail before the end (after {@link #finish}). */
        boolean malformed() {
            return (chosen == null ? choose() : chosen).malformed;
        }

        private Parse choose() {
            long commas = candidates[0].firstDelimiters;
            long semicolons = candidates[1].firstDelimiters;
            long tabs = candidates[2].firstDelimiters;
            return candidates[tabs > commas && tabs >= semicolons ? 2 : semicolons > commas ? 1 : 0];
        }
    }

    /**
     * One delimiter's reading of the bytes, as Commons CSV's lexer reads them: a quote opens a quoted cell only as a
     * cell's first character, {@code ""} in one is a quote, CR, LF and CRLF end a record outside quotes. It counts
     * the records that hold something other than white space and delimiters: the rows the import does not skip
     * ({@link ImportRun#isBlank}), so {@code max-rows} refuses a file for the rows it has, not for the lines of its
     * quoted cells. White space outside ASCII (U+3000) counts as something: a record of only that is counted,
     * though the import skips it.
     */
    static final class Parse {
        private static final int FIELD = 0;
        private static final int UNQUOTED = 1;
        private static final int QUOTED = 2;
        /** A quote inside a quoted cell: the cell's end, or the first half of {@code ""}. */
        private static final int CLOSING = 3;
        /** White space after a quoted cell's end (the parser skips it; anything but a delimiter or line end fails). */
        private static final int AFTER_QUOTE = 4;

        final byte delimiter;
        private int state = FIELD;
        private boolean content;
        private boolean afterCr;
        boolean firstEnded;
        /** Delimiters outside quotes in the first record that holds something (the header). */
        long firstDelimiters;
        long records;
        /**
         * The parser would fail on this file: a quote never closed, or text after a quoted cell's end (an ASCII
         * character; bytes above 0x7F there are taken for white space, which the parser's U+3000 may be).
         */
        boolean malformed;

        Parse(byte delimiter) {
            this.delimiter = delimiter;
        }

        /** Reads {@code bytes[from, to)}; true when all of them are ASCII. */
        boolean scan(byte[] bytes, int from, int to) {
            boolean ascii = true;
            for (int i = from; i < to; i++) {
                byte b = bytes[i];
                ascii &= b >= 0;
                if (afterCr) {
                    afterCr = false;
                    if (b == '\n') {
                        continue; // CRLF: the CR ended the record
                    }
                }
                if (state == QUOTED) {
                    if (b == '"') {
                        state = CLOSING;
                    } else if (!white(b)) {
                        content = true;
                    }
                } else if (state == CLOSING && b == '"') {
                    state = QUOTED;
                    content = true;
                } else if (b == '\n' || b == '\r') {
                    endRecord();
                    afterCr = b == '\r';
                } else if (b == delimiter) {
                    if (!firstEnded) {
                        firstDelimiters++;
                    }
                    state = FIELD;
                } else if (b == '"' && state == FIELD) {
                    state = QUOTED;
                } else if ((state == CLOSING || state == AFTER_QUOTE) && (b < 0 || white(b))) {
                    state = AFTER_QUOTE;
                } else {
                    malformed |= state == CLOSING || state == AFTER_QUOTE;
                    state = UNQUOTED;
                    content |= !white(b);
                }
            }
            return ascii;
        }

        void finish() {
            malformed |= state == QUOTED;
            if (content) {
                endRecord();
            }
            firstEnded = true;
        }

        private void endRecord() {
            if (content) {
                records++;
                firstEnded = true;
            } else if (!firstEnded) {
                firstDelimiters = 0; // a blank record before the header (the first that holds something)
            }
            content = false;
            state = FIELD;
        }

        /** What {@link Character#isWhitespace} says of an ASCII character (so of {@link String#isBlank}). */
        private static boolean white(byte b) {
            return b == ' ' || b >= 9 && b <= 13 || b >= 28 && b <= 31;
        }
    }
}
