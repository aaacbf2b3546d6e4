package com.tallytrack.importer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.multipart.MultipartFile;

import com.tallytrack.audit.AuditLog;
import com.tallytrack.common.ApiException;
import com.tallytrack.common.Messages;
import com.tallytrack.importer.ImportReport.Failure;
import com.tallytrack.sync.SyncService;

/**
 * Manifest upload (PRODUCT §4): checks the file (name, size, content), then reads it row by row and either
 * only validates (preview) or also upserts the valid rows in batches (save). Small files answer at once;
 * files above {@code async-threshold} run as an {@link ImportJob}. Every upload is audited.
 */
@Service
public class ManifestImportService {

    private static final Logger log = LoggerFactory.getLogger(ManifestImportService.class);

    private final ImportProperties properties;
    private final ImportBatchWriter writer;
    private final ImportJobs jobs;
    private final Messages messages;
    private final AuditLog audit;
    private final SyncService sync;

    ManifestImportService(ImportProperties properties, ImportBatchWriter writer, ImportJobs jobs, Messages messages,
            AuditLog audit, SyncService sync) {
        this.properties = properties;
        this.writer = writer;
        this.jobs = jobs;
        this.messages = messages;
        this.audit = audit;
        this.sync = sync;
        // POI keeps these process-wide; this service is the only reader of .xlsx files
        ZipSecureFile.setMinInflateRatio(properties.minInflateRatio());
        ZipSecureFile.setMaxEntrySize(properties.maxXlsxEntrySize().toBytes());
    }

    /** What an upload answered: a finished report, or a job still running. */
    sealed interface Outcome permits Finished, Started {
    }

    record Finished(ImportReport report) implements Outcome {
    }

    record Started(ImportJob job) implements Outcome {
    }

    Outcome upload(MultipartFile file, boolean previewOnly, Boolean async, Locale locale, String username) {
        String name = fileName(file.getOriginalFilename());
        String mode = previewOnly ? "preview" : "save";
        try {
            ImportFormat format = ImportFormat.byName(name);
            if (format == null) {
                throw unsupported(name);
            }
            if (file.getSize() > properties.maxFileSize().toBytes()) {
                throw tooLarge(properties);
            }
            if (file.isEmpty()) {
                throw ApiException.badRequest("EMPTY_FILE", null);
            }
            Path tmp = store(file);
            boolean handedOver = false;
            try {
                checkContent(tmp, format, name);
                boolean background = async != null ? async : file.getSize() > properties.asyncThreshold().toBytes();
                if (!background) {
                    return new Finished(importFile(tmp, name, format, previewOnly, locale, username, null, null));
                }
                // one reader for the probe and the job: a CSV file's encoding and row count are found out once
                RowReader reader = reader(format);
                probeHeader(tmp, reader, format, locale);
                ImportJob job = jobs.submit(name, mode, j -> runJob(j, tmp, name, format, reader, previewOnly, locale,
                        username), () -> delete(tmp));
                handedOver = true;
                return new Started(job);
            } finally {
                if (!handedOver) {
                    delete(tmp);
                }
            }
        } catch (ApiException e) {
            if (!(e.details() instanceof Map<?, ?> m && m.containsKey("report"))) {
                audit.record(username, "MANIFEST_UPLOAD", name, "mode=" + mode + ", state=REJECTED, code=" + e.code());
            }
            throw e;
        }
    }

    /** The longest file name kept (the audit log's target holds 200 characters, a job's file name 255). */
    static final int MAX_FILE_NAME = 200;

    /**
     * The last segment of the name the client sent, without control characters: only shown and audited, never
     * used as a path. Not {@code Path.of}, which throws on a NUL and has no file name for "/".
     */
    static String fileName(String original) {
        if (original == null) {
            return "upload";
        }
        String last = original.substring(Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\')) + 1);
        String clean = last.replaceAll("\\p{Cntrl}", "").strip();
        if (clean.isEmpty()) {
            return "upload";
        }
        if (clean.length() <= MAX_FILE_NAME) {
            return clean;
        }
        // shortened, its extension kept (it says the format): the first characters, "…", the extension
        int dot = clean.lastIndexOf('.');
        String extension = dot >= 0 && clean.length() - dot <= 10 ? clean.substring(dot) : "";
        int keep = MAX_FILE_NAME - 1 - extension.length();
        if (Character.isHighSurrogate(clean.charAt(keep - 1))) {
            keep--; // not half a character
        }
        return clean.substring(0, keep) + "…" + extension;
    }

    private void runJob(ImportJob job, Path tmp, String name, ImportFormat format, RowReader reader,
            boolean previewOnly, Locale locale, String username) {
        try {
            ImportReport report = importFile(tmp, name, format, reader, previewOnly, locale, username, job, job);
            job.finish(report, jobs.now());
        } catch (ImportJobs.NodeStopping stop) {
            log.info("import job {} interrupted by the shutdown of this node", job.id);
            job.interrupt(jobs.interruptedReport(job, format.name().toLowerCase(Locale.ROOT)), jobs.now());
        } catch (RuntimeException e) {
            // importFile reports failures itself; this is the last line so a job never hangs in RUNNING
            log.error("import job {} failed", job.id, e);
            job.finish(new ImportReport(job.id, "FAILED", job.mode, name, format.name().toLowerCase(Locale.ROOT),
                    null, null, List.of(), List.of(), false,
                    new Failure("INTERNAL_ERROR", messages.get(locale, "error.INTERNAL_ERROR"), null, null), null, 0),
                    jobs.now());
        } finally {
            delete(tmp);
        }
    }

    /**
     * Reads one stored file. A failure after some rows were saved never loses that fact: the report says FAILED
     * with the saved row ranges (for a job; a direct call throws it as the details of the error).
     */
    ImportReport importFile(Path file, String name, ImportFormat format, boolean previewOnly, Locale locale,
            String username, ImportJob job, ImportJob progressTarget) {
        return importFile(file, name, format, reader(format), previewOnly, locale, username, job, progressTarget);
    }

    private ImportReport importFile(Path file, String name, ImportFormat format, RowReader reader,
            boolean previewOnly, Locale locale, String username, ImportJob job, ImportJob progressTarget) {
        long start = System.nanoTime();
        String mode = previewOnly ? "preview" : "save";
        // a job's batches carry its saved row ranges in their own transaction (ImportJobs.writeBatch)
        ImportRun.BatchSink sink = job == null ? (rows, saved) -> writer.write(rows)
                : (rows, saved) -> jobs.writeBatch(job, saved, () -> writer.write(rows));
        ImportRun run = new ImportRun(properties, previewOnly ? null : sink, messages, locale,
                r -> {
                    if (progressTarget != null) {
                        progressTarget.progress();
                    }
                });
        if (job != null) {
            job.started(run);
        }
        Failure failure = null;
        ApiException cause = null;
        try {
            // The batches commit one after another; this node applies each on its tailer thread meanwhile and the
            // rest before the report is made, so once the upload answers (or its job ends) this node shows it all.
            sync.applyAfter(() -> {
                try {
                    reader.read(file, run);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                run.finish();
                return null;
            });
        } catch (ApiException e) {
            cause = e;
            failure = new Failure(e.code(), messages.get(locale, "error." + e.code(), e.args()),
                    run.firstUnsavedRow(), e.details());
        } catch (DataAccessException e) {
            log.warn("import of {} stopped by a database failure after {} saved rows: {}", name,
                    run.statistics().savedRows(), e.toString());
            failure = new Failure("DATABASE_ERROR", messages.get(locale, "error.DATABASE_ERROR"),
                    run.firstUnsavedRow(), null);
        } catch (UncheckedIOException e) {
            cause = ApiException.badRequest("FILE_UNREADABLE", Map.of("format", format.name().toLowerCase(Locale.ROOT)),
                    format.name().toLowerCase(Locale.ROOT));
            failure = new Failure(cause.code(), messages.get(locale, "error.FILE_UNREADABLE", cause.args()),
                    run.firstUnsavedRow(), cause.details());
        }
        ImportReport.Statistics stats = run.statistics();
        ImportReport report = new ImportReport(job == null ? null : job.id, failure == null ? "COMPLETED" : "FAILED",
                mode, name, format.name().toLowerCase(Locale.ROOT), run.encoding(), stats, run.preview(),
                run.errors(), run.errorsTruncated(), failure, failure == null ? null : run.savedRanges(),
                (System.nanoTime() - start) / 1_000_000);
        if (failure == null || job != null || stats.savedRows() > 0 || cause == null) {
            audit.record(username, "MANIFEST_UPLOAD", name, summary(report));
        }
        if (failure != null && job == null) {
            if (cause != null && stats.savedRows() == 0) {
                throw cause; // nothing written: the plain error (e.g. missing columns) says it all
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("report", report);
            throw new ApiException(cause == null ? HttpStatus.SERVICE_UNAVAILABLE : cause.status(),
                    "IMPORT_INTERRUPTED", details, stats.savedRows(),
                    failure.firstUnsavedRow() == null ? "-" : failure.firstUnsavedRow(), failure.message());
        }
        return report;
    }

    private RowReader reader(ImportFormat format) {
        return switch (format) {
            case CSV -> new CsvRowReader();
            case XLSX -> new XlsxRowReader(properties);
            case XLS -> new XlsRowReader();
        };
    }

    /** Reads just the header of a file that will run in the background, so a wrong file is refused at once. */
    private void probeHeader(Path file, RowReader reader, ImportFormat format, Locale locale) {
        ImportRun probe = new ImportRun(properties, null, messages, locale, r -> {
        });
        RowReader.Sink headerOnly = new RowReader.Sink() {
            boolean header;

            @Override
            public void expect(long rows) {
                probe.expect(rows);
            }

            @Override
            public void row(int rowNumber, List<String> cells) {
                probe.row(rowNumber, cells);
                if (header) {
                    throw StopReading.INSTANCE;
                }
                header = cells.stream().anyMatch(c -> c != null && !c.isBlank());
            }
        };
        try {
            reader.read(file, headerOnly);
            probe.finish();
        } catch (StopReading done) {
            // the header is fine
        } catch (IOException e) {
            throw ApiException.badRequest("FILE_UNREADABLE", Map.of("format", format.name().toLowerCase(Locale.ROOT)),
                    format.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Thrown by the header probe to stop reading after the header; no stack trace needed. */
    private static final class StopReading extends RuntimeException {
        static final StopReading INSTANCE = new StopReading();

        private StopReading() {
            super(null, null, false, false);
        }
    }

    private static Path store(MultipartFile file) {
        try {
            Path tmp = Files.createTempFile("tallytrack-import-", ".upload");
            try (InputStream in = file.getInputStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("could not store the upload in a temporary file", e);
        }
    }

    private static void checkContent(Path file, ImportFormat format, String name) {
        byte[] head = new byte[8192];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!format.matches(head, n)) {
            throw ApiException.badRequest("FILE_CONTENT_MISMATCH",
                    Map.of("file_name", name, "supported_formats", ImportFormat.SUPPORTED),
                    format.name().toLowerCase(Locale.ROOT), String.join(", ", ImportFormat.SUPPORTED));
        }
    }

    private static void delete(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            log.warn("could not delete temporary upload {}", tmp);
        }
    }

    static ApiException unsupported(String name) {
        return ApiException.badRequest("UNSUPPORTED_FILE_FORMAT",
                Map.of("file_name", name, "supported_formats", ImportFormat.SUPPORTED),
                String.join(", ", ImportFormat.SUPPORTED));
    }

    static ApiException tooLarge(ImportProperties properties) {
        String limit = readable(properties.maxFileSize().toBytes());
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "FILE_TOO_LARGE",
                Map.of("limit", limit, "property", "tallytrack.import.max-file-size"), limit);
    }

    /** 52428800 → "50MB", as an operator writes it in the configuration. */
    static String readable(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KB";
        }
        return bytes + "B";
    }

    private static String summary(ImportReport r) {
        ImportReport.Statistics s = r.statistics();
        return "mode=" + r.mode() + ", state=" + r.state() + (r.jobId() == null ? "" : ", job=" + r.jobId())
                + ", total=" + s.totalRows() + ", valid=" + s.validRows() + ", invalid=" + s.invalidRows()
                + ", duplicate=" + s.duplicateRows() + ", inserted=" + s.inserted() + ", updated=" + s.updated()
                + ", unchanged=" + s.unchanged()
                + (r.failure() == null ? "" : ", failure=" + r.failure().code());
    }
}
