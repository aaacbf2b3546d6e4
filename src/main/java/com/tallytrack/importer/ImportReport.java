package com.tallytrack.importer;

import java.util.List;

import com.tallytrack.manifest.ManifestInput;

/**
 * What an upload did (or, in preview, would do). Also the final state of a job.
 *
 * @param state           {@code COMPLETED}, or {@code FAILED} when reading or writing stopped part-way
 * @param mode            {@code preview} or {@code save}
 * @param encoding        the detected text encoding of a CSV file, else {@code null}
 * @param preview         the first rows with their status
 * @param errors          every row error, up to {@code max-errors}
 * @param failure         why the run stopped early, else {@code null}
 * @param savedRowRanges  the rows (as a spreadsheet numbers them) that are in the database, when the run failed
 *                        after saving some; {@code null} otherwise (then every valid row is saved)
 */
public record ImportReport(
        String jobId,
        String state,
        String mode,
        String fileName,
        String format,
        String encoding,
        Statistics statistics,
        List<PreviewRow> preview,
        List<RowError> errors,
        boolean errorsTruncated,
        Failure failure,
        List<RowRange> savedRowRanges,
        long durationMs) {

    /**
     * Row counts. {@code total = valid + invalid + duplicate}; in save mode {@code saved = inserted + updated +
     * unchanged} is the part of {@code valid} that reached the database.
     */
    public record Statistics(long totalRows, long validRows, long invalidRows, long duplicateRows, long inserted,
            long updated, long unchanged, long savedRows) {
    }

    /** One problem of one row; {@code row} as a spreadsheet numbers it (the header is row 1). */
    public record RowError(int row, String field, String code, String message) {
    }

    /** One of the first rows: {@code valid}, {@code invalid} or {@code duplicate}, the values read, its errors. */
    public record PreviewRow(int row, String status, ManifestInput data, List<RowError> errors) {
    }

    public record RowRange(int from, int to) {
    }

    /** Why a run stopped: the error code and text, and the first row that is not saved. */
    public record Failure(String code, String message, Integer firstUnsavedRow, Object details) {
    }
}
