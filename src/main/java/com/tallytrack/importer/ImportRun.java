package com.tallytrack.importer;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.tallytrack.common.ApiException;
import com.tallytrack.common.Messages;
import com.tallytrack.importer.ColumnMapping.Column;
import com.tallytrack.importer.ImportReport.PreviewRow;
import com.tallytrack.importer.ImportReport.RowError;
import com.tallytrack.importer.ImportReport.RowRange;
import com.tallytrack.importer.ImportReport.Statistics;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestRules;
import com.tallytrack.manifest.ManifestService;

/**
 * One pass over one file: maps the header, turns every row into a {@link ManifestInput}, validates it with
 * {@link ManifestRules} (the rules of the manifests API), keeps the first occurrence of each tracking number,
 * and in save mode writes the valid rows in batches. Counters are read by progress reporting on other threads,
 * hence the synchronized snapshot.
 */
final class ImportRun implements RowReader.Sink {

    /**
     * Writes one batch of valid rows; all or nothing. {@code savedIfCommitted} are the saved row ranges once this
     * batch is in: a job stores them in the batch's own transaction, so what it reports saved is exactly what
     * committed, even when its node dies the next instant.
     */
    interface BatchSink {
        ManifestService.UpsertResult write(List<ManifestInput> rows, List<RowRange> savedIfCommitted);
    }

    /** Told after every batch (and every {@code batch-size} rows); may stop the run by throwing. */
    interface Progress {
        void update(ImportRun run);
    }

    private final ImportProperties properties;
    private final BatchSink writer;
    private final Messages messages;
    private final Locale locale;
    private final Progress progress;

    private ColumnMapping mapping;
    private long expectedRows = -1;
    private String encoding;
    /** The first row of every tracking number read; sized once the reader knows how many rows there are. */
    private Map<String, Integer> firstRowOf = new HashMap<>();
    private final List<ManifestInput> batch = new ArrayList<>();
    private final List<Integer> batchRows = new ArrayList<>();
    private final List<PreviewRow> preview = new ArrayList<>();
    private final List<RowError> errors = new ArrayList<>();
    private final List<RowRange> saved = new ArrayList<>();
    private boolean errorsTruncated;
    private long total;
    private long valid;
    private long invalid;
    private long duplicate;
    private long inserted;
    private long updated;
    private long unchanged;
    private long sinceProgress;

    /**
     * @param writer {@code null} in preview mode: rows are checked, nothing is written
     */
    ImportRun(ImportProperties properties, BatchSink writer, Messages messages, Locale locale, Progress progress) {
        this.properties = properties;
        this.writer = writer;
        this.messages = messages;
        this.locale = locale;
        this.progress = progress;
    }

    @Override
    public void expect(long rows) {
        long dataRows = Math.max(0, rows - 1);
        if (dataRows > properties.maxRows()) {
            throw tooManyRows();
        }
        synchronized (this) {
            expectedRows = dataRows;
            if (firstRowOf.isEmpty()) {
                // a 100,000-row upload grew it through 14 sizes, rehashing each; the count is what the file claims
                // (an XLSX dimension may claim max-rows), so at most PRESIZED rows' worth up front
                firstRowOf = new HashMap<>(capacity((int) Math.min(dataRows, PRESIZED)));
            }
        }
    }

    /** Most rows the duplicate index is sized for before the first row (a table of 1 MB); past that it grows. */
    static final int PRESIZED = 131_072;

    /** The initial capacity of a hash map that holds {@code entries} without growing. */
    static int capacity(int entries) {
        return (int) Math.min(Integer.MAX_VALUE, (long) entries * 4 / 3 + 1);
    }

    @Override
    public void encoding(String name) {
        this.encoding = name;
    }

    String encoding() {
        return encoding;
    }

    @Override
    public void row(int rowNumber, List<String> cells) {
        if (isBlank(cells)) {
            return;
        }
        if (mapping == null) {
            mapping = ColumnMapping.of(cells);
            return;
        }
        if (total >= properties.maxRows()) {
            throw tooManyRows();
        }
        List<RowError> rowErrors = new ArrayList<>(0);
        ManifestInput input = parse(rowNumber, cells, rowErrors);
        String status;
        synchronized (this) {
            total++;
            if (!rowErrors.isEmpty()) {
                status = "invalid";
                invalid++;
            } else {
                Integer first = firstRowOf.putIfAbsent(input.trackingNumber(), rowNumber);
                if (first != null) {
                    status = "duplicate";
                    duplicate++;
                    rowErrors.add(new RowError(rowNumber, "tracking_number", "DUPLICATE_IN_FILE",
                            text("importer.violation.DUPLICATE_IN_FILE", input.trackingNumber(), first)));
                } else {
                    status = "valid";
                    valid++;
                }
            }
            for (RowError e : rowErrors) {
                if (errors.size() < properties.maxErrors()) {
                    errors.add(e);
                } else {
                    errorsTruncated = true;
                }
            }
            if (preview.size() < properties.previewRows()) {
                preview.add(new PreviewRow(rowNumber, status, input, List.copyOf(rowErrors)));
            }
        }
        if (status.equals("valid") && writer != null) {
            batch.add(input);
            batchRows.add(rowNumber);
            if (batch.size() >= properties.batchSize()) {
                flush();
            }
        } else if (++sinceProgress >= properties.batchSize()) {
            sinceProgress = 0;
            progress.update(this);
        }
    }

    /** Writes what is left; call once the reader is done. */
    void finish() {
        if (mapping == null) {
            throw ApiException.badRequest("EMPTY_FILE", null);
        }
        flush();
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<RowRange> ifCommitted = withRows(savedRanges(), batchRows);
        ManifestService.UpsertResult result = writer.write(List.copyOf(batch), ifCommitted);
        synchronized (this) {
            inserted += result.inserted();
            updated += result.updated();
            unchanged += result.unchanged();
            saved.clear();
            saved.addAll(ifCommitted);
        }
        batch.clear();
        batchRows.clear();
        sinceProgress = 0;
        progress.update(this);
    }

    /**
     * {@code ranges} with the (ascending) {@code rows} added, a run of consecutive rows at a time: a batch is
     * usually one run, and this runs while the import thread's code is still cold, so not a range per row.
     * Package visible for {@code ImportRunSavedRangesTest}.
     */
    static List<RowRange> withRows(List<RowRange> ranges, List<Integer> rows) {
        List<RowRange> out = new ArrayList<>(ranges);
        int n = rows.size();
        for (int i = 0; i < n; i++) {
            int from = rows.get(i);
            int to = from;
            while (i + 1 < n && rows.get(i + 1) == to + 1) {
                i++;
                to++;
            }
            RowRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.to() == from - 1) {
                out.set(out.size() - 1, new RowRange(last.from(), to));
            } else {
                out.add(new RowRange(from, to));
            }
        }
        return List.copyOf(out);
    }

    /** The first row of the batch being written when a write fails, i.e. the first valid row not saved. */
    Integer firstUnsavedRow() {
        return batchRows.isEmpty() ? null : batchRows.get(0);
    }

    private ManifestInput parse(int rowNumber, List<String> cells, List<RowError> rowErrors) {
        LocalDate date = null;
        String dateText = text(cells, Column.MANIFEST_DATE);
        if (dateText != null && !dateText.isBlank()) {
            try {
                date = CellValues.date(dateText);
            } catch (DateTimeParseException e) {
                rowErrors.add(new RowError(rowNumber, Column.MANIFEST_DATE.field, "INVALID_DATE",
                        text("importer.violation.INVALID_DATE", dateText)));
            }
        }
        String tracking = text(cells, Column.TRACKING_NUMBER);
        if (tracking != null && CellValues.isExponentForm(tracking)) {
            // Excel showed a long number in exponent form and saved the CSV that way: the digits are lost
            rowErrors.add(new RowError(rowNumber, Column.TRACKING_NUMBER.field, "TRACKING_NUMBER_AS_EXPONENT",
                    text("importer.violation.TRACKING_NUMBER_AS_EXPONENT", tracking)));
        }
        BigDecimal length = number(rowNumber, cells, Column.LENGTH, rowErrors);
        BigDecimal width = number(rowNumber, cells, Column.WIDTH, rowErrors);
        BigDecimal height = number(rowNumber, cells, Column.HEIGHT, rowErrors);
        BigDecimal weight = number(rowNumber, cells, Column.WEIGHT, rowErrors);
        BigDecimal fee = number(rowNumber, cells, Column.SPECIAL_FEE, rowErrors);
        ManifestInput input = ManifestRules.normalize(new ManifestInput(
                tracking, date, text(cells, Column.TRANSPORT_CODE),
                text(cells, Column.CUSTOMER_CODE), text(cells, Column.GOODS_CODE), text(cells, Column.PACKAGE_NUMBER),
                weight, length, width, height, fee));
        List<ManifestRules.Violation> violations = ManifestRules.validate(input);
        for (ManifestRules.Violation v : violations) {
            // a field that did not parse is already reported; "required" on top of "not a date" says nothing new
            boolean reported = false;
            for (RowError e : rowErrors) {
                reported |= e.field().equals(v.field());
            }
            if (!reported) {
                rowErrors.add(new RowError(rowNumber, v.field(), v.code(), text(v.messageKey(), v.args())));
            }
        }
        return input;
    }

    private BigDecimal number(int rowNumber, List<String> cells, Column column, List<RowError> rowErrors) {
        String raw = text(cells, column);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return CellValues.decimal(raw);
        } catch (NumberFormatException e) {
            rowErrors.add(new RowError(rowNumber, column.field, "INVALID_NUMBER",
                    text("importer.violation.INVALID_NUMBER", raw.strip())));
            return null;
        }
    }

    /**
     * Longer than any value a manifest column takes (tracking numbers 50 characters, codes 20, dates and numbers
     * fewer): a cell still longer after its white space is stripped is cut to this many characters and "…" before
     * it is checked. The "…" is no digit, date or code character, so the cell is refused (too long, not a number,
     * not a date) — never read as a shorter value (a number's last digit cut off) — and no preview or error message
     * repeats megabytes of it (an .xlsx can point every cell to one long shared string).
     */
    static final int LONGEST_VALUE = 256;

    private String text(List<String> cells, Column column) {
        String raw = mapping.cell(cells, column);
        if (raw == null) {
            return null;
        }
        String value = raw.strip();
        if (value.length() > LONGEST_VALUE) {
            value = value.substring(0, Character.isHighSurrogate(value.charAt(LONGEST_VALUE - 1))
                    ? LONGEST_VALUE - 1 : LONGEST_VALUE) + "…";
        }
        return CellValues.unescape(value);
    }

    private String text(String key, Object... args) {
        return messages.get(locale, key, args);
    }

    private ApiException tooManyRows() {
        return ApiException.badRequest("TOO_MANY_ROWS",
                Map.of("max_rows", properties.maxRows(), "property", "tallytrack.import.max-rows"),
                properties.maxRows());
    }

    /** A row the import skips: no cell holds anything but white space (also what a reader counts as a row). */
    static boolean isBlank(List<String> cells) {
        for (String c : cells) {
            if (c != null && !c.isBlank()) {
                return false;
            }
        }
        return true;
    }

    // ---- reading the state (any thread) ------------------------------------------------------------------

    synchronized Statistics statistics() {
        return new Statistics(total, valid, invalid, duplicate, inserted, updated, unchanged,
                inserted + updated + unchanged);
    }

    synchronized long rowsProcessed() {
        return total;
    }

    /** The expected number of data rows, when the file told us, else -1; never below what was read. */
    synchronized long expectedRows() {
        return expectedRows < 0 ? -1 : Math.max(expectedRows, total);
    }

    synchronized List<RowError> errors() {
        return List.copyOf(errors);
    }

    synchronized int errorCount() {
        return errors.size();
    }

    synchronized boolean errorsTruncated() {
        return errorsTruncated;
    }

    synchronized List<PreviewRow> preview() {
        return List.copyOf(preview);
    }

    synchronized List<RowRange> savedRanges() {
        return List.copyOf(saved);
    }
}
