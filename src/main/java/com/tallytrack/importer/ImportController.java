package com.tallytrack.importer;

import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import com.tallytrack.common.ApiException;
import com.tallytrack.manifest.ManifestService;

/**
 * {@code /api/v1/admin/manifest}: upload (preview or save), upload jobs and their progress stream, the
 * template and the export (PRODUCT §3, §4).
 */
@RestController
@RequestMapping("/api/v1/admin/manifest")
class ImportController {

    private static final Logger log = LoggerFactory.getLogger(ImportController.class);
    private static final String XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private static final long SSE_TIMEOUT_MILLIS = 30 * 60 * 1000L;

    private final ManifestImportService imports;
    private final ImportJobs jobs;
    private final ManifestService manifests;

    ImportController(ManifestImportService imports, ImportJobs jobs, ManifestService manifests) {
        this.imports = imports;
        this.jobs = jobs;
        this.manifests = manifests;
    }

    /**
     * Small files answer 200 with the report; files above {@code async-threshold} (or with {@code async=true})
     * answer 202 with the job id.
     */
    @PostMapping("/upload")
    ResponseEntity<Map<String, Object>> upload(@RequestPart(name = "file", required = false) MultipartFile file,
            @RequestParam(name = "preview_only", defaultValue = "false") boolean previewOnly,
            @RequestParam(name = "async", required = false) Boolean async) {
        if (file == null) {
            throw ApiException.badRequest("INVALID_PARAMETER", Map.of("parameter", "file"), "file");
        }
        ManifestImportService.Outcome outcome = imports.upload(file, previewOnly, async,
                LocaleContextHolder.getLocale(), currentUser());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        if (outcome instanceof ManifestImportService.Started started) {
            String id = started.job().id;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("job_id", id);
            data.put("state", started.job().state());
            data.put("status_url", "/api/v1/admin/manifest/upload/jobs/" + id);
            data.put("events_url", "/api/v1/admin/manifest/upload/jobs/" + id + "/events");
            body.put("data", data);
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
        }
        body.put("data", ((ManifestImportService.Finished) outcome).report());
        return ResponseEntity.ok(body);
    }

    @GetMapping("/upload/jobs/{jobId}")
    Map<String, Object> job(@PathVariable String jobId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", jobs.view(jobId).orElseThrow(() -> notFound(jobId)));
        return body;
    }

    /** Server-sent events: {@code progress} while it runs, then one {@code done} with the full state. */
    @GetMapping(path = "/upload/jobs/{jobId}/events", produces = "text/event-stream")
    SseEmitter events(@PathVariable String jobId) {
        return jobs.subscribe(jobId, SSE_TIMEOUT_MILLIS).orElseThrow(() -> notFound(jobId));
    }

    /**
     * A client that closed its event stream (or download) is no failure of ours: a debug line, not the catch-all
     * handler's ERROR with a stack trace. Nothing can be written to a response whose client has gone.
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientWentAway(AsyncRequestNotUsableException e) {
        log.debug("client went away: {}", e.getMessage());
    }

    @GetMapping("/template/download")
    void template(@RequestParam(defaultValue = "csv") String format, HttpServletResponse response)
            throws IOException {
        String f = format(format);
        start(response, f, "manifest-template");
        try (OutputStream out = response.getOutputStream();
                ManifestSheetWriter writer = ManifestSheetWriter.open(f, out, ColumnMapping.TEMPLATE)) {
            TemplateSamples.ROWS.forEach(writer::write);
        }
    }

    /** The manifests matching the filters of {@code /search}, streamed, in the format the importer reads back. */
    @GetMapping("/export")
    void export(@RequestParam(defaultValue = "csv") String format,
            @RequestParam(required = false) String q,
            @RequestParam(name = "customer_code", required = false) String customerCode,
            @RequestParam(name = "transport_code", required = false) String transportCode,
            @RequestParam(name = "package_number", required = false) String packageNumber,
            @RequestParam(name = "date_from", required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
            LocalDate dateFrom,
            @RequestParam(name = "date_to", required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
            LocalDate dateTo,
            @RequestParam(name = "sort_by", required = false) String sortBy,
            @RequestParam(name = "sort", required = false) String sort,
            @RequestParam(name = "sort_order", required = false) String sortOrder,
            HttpServletResponse response) throws IOException {
        String f = format(format);
        String by = sortBy != null ? sortBy : sort;
        String name = "manifests-" + LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE);
        // the response starts with the first row, so a bad filter or sort is still a clean 400
        ManifestSheetWriter[] writer = new ManifestSheetWriter[1];
        try {
            manifests.forEachMatching(q, customerCode, transportCode, packageNumber, dateFrom, dateTo, by, sortOrder,
                    m -> {
                        if (writer[0] == null) {
                            writer[0] = open(response, f, name);
                        }
                        writer[0].write(m.toInput());
                    });
            if (writer[0] == null) {
                writer[0] = open(response, f, name);
            }
        } finally {
            if (writer[0] != null) {
                writer[0].close();
            }
        }
    }

    private static ManifestSheetWriter open(HttpServletResponse response, String format, String name) {
        start(response, format, name);
        try {
            return ManifestSheetWriter.open(format, response.getOutputStream(), ColumnMapping.EXPORT);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ApiException notFound(String jobId) {
        return ApiException.notFound("IMPORT_JOB_NOT_FOUND", jobId);
    }

    private static String format(String format) {
        String f = format == null ? "csv" : format.strip().toLowerCase(Locale.ROOT);
        if (!f.equals("csv") && !f.equals("xlsx")) {
            throw ApiException.badRequest("INVALID_EXPORT_FORMAT", Map.of("supported_formats", List.of("csv", "xlsx")),
                    format);
        }
        return f;
    }

    private static void start(HttpServletResponse response, String format, String baseName) {
        response.setStatus(200);
        response.setContentType(format.equals("xlsx") ? XLSX_TYPE : "text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition",
                ContentDisposition.attachment().filename(baseName + "." + format).build().toString());
        response.setHeader("Cache-Control", "no-store");
    }

    private static String currentUser() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "system" : auth.getName();
    }
}
