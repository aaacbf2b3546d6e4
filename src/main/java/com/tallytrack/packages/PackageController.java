package com.tallytrack.packages;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.tallytrack.common.PageResult;

/**
 * {@code /api/v1/admin/packages}: the package board. Reads are open to VIEWER and ADMIN, the refresh to ADMIN only
 * (SecurityConfig: every non-GET admin call needs ADMIN).
 */
@RestController
@RequestMapping("/api/v1/admin/packages")
class PackageController {

    private final PackageBoard board;

    PackageController(PackageBoard board) {
        this.board = board;
    }

    @GetMapping
    Map<String, Object> list(@RequestParam(required = false) String q,
            @RequestParam(required = false) String milestone,
            @RequestParam(name = "stale_days", required = false) Integer staleDays,
            @RequestParam(required = false) Boolean flagged,
            @RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer limit,
            @RequestParam(name = "sort_by", required = false) String sortBy,
            @RequestParam(name = "sort_order", required = false) String sortOrder) {
        PageResult<PackageSummary> result = board.list(
                new PackageBoard.Criteria(q, milestone, staleDays, flagged, sortBy, sortOrder), page, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", result.data());
        body.put("pagination", result.pagination());
        return body;
    }

    /** The filtered list as CSV (UTF-8 with BOM so Excel reads the Chinese text), in board order. */
    @GetMapping("/export.csv")
    void export(@RequestParam(required = false) String q,
            @RequestParam(required = false) String milestone,
            @RequestParam(name = "stale_days", required = false) Integer staleDays,
            @RequestParam(required = false) Boolean flagged,
            @RequestParam(name = "sort_by", required = false) String sortBy,
            @RequestParam(name = "sort_order", required = false) String sortOrder,
            HttpServletResponse response) throws IOException {
        Writer[] out = new Writer[1];
        board.export(new PackageBoard.Criteria(q, milestone, staleDays, flagged, sortBy, sortOrder), () -> {
            // only once the export is known to be within its limit: an error must still get the JSON error body
            response.setContentType("text/csv;charset=UTF-8");
            response.setHeader("Content-Disposition", "attachment; filename=\"packages.csv\"");
            try {
                out[0] = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
                out[0].write('\uFEFF');
                out[0].write(CsvCells.row("package_number", "parcel_count", "milestone", "last_event_time",
                        "last_event", "checked_at", "flagged", "flag_reason"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, p -> {
            try {
                out[0].write(CsvCells.row(p.packageNumber(), Long.toString(p.parcelCount()), p.milestone(),
                        text(p.lastEventTime()), p.lastEvent(), text(p.checkedAt()), Boolean.toString(p.flagged()),
                        p.flagReason()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        out[0].flush();
    }

    @GetMapping("/{packageNumber}")
    Map<String, Object> detail(@PathVariable String packageNumber) {
        return ok(board.detail(packageNumber));
    }

    @PostMapping("/{packageNumber}/refresh")
    Map<String, Object> refresh(@PathVariable String packageNumber) {
        PackageBoard.Refreshed refreshed = board.refresh(packageNumber);
        Map<String, Object> body = ok(refreshed.detail());
        body.put("refresh", refreshed.refresh());
        return body;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Map<String, Object> ok(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", data);
        return body;
    }
}
