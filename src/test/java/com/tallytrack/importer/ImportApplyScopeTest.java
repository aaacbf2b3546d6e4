package com.tallytrack.importer;

import static com.tallytrack.importer.ImportFixtures.HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.invocation.InvocationOnMock;
import org.springframework.dao.DataAccessResourceFailureException;

import com.tallytrack.audit.AuditLog;
import com.tallytrack.common.ApiException;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.SyncService;

/**
 * An upload writes all its batches inside one {@link SyncService#applyAfter} scope, so this node applies them once,
 * before the report is made (see {@code ApplyAfterTest} for what the scope does). With a recording stand-in for the
 * sync module: every batch write must happen inside the scope, and the scope must have ended when the report comes
 * back, also when the database fails half-way.
 */
class ImportApplyScopeTest {

    @TempDir
    Path dir;

    private final List<String> events = new ArrayList<>();
    private final SyncService sync = mock(SyncService.class);
    private final ImportBatchWriter writer = mock(ImportBatchWriter.class);
    private final ManifestImportService imports = new ManifestImportService(ImportFixtures.properties(), writer,
            mock(ImportJobs.class), ImportFixtures.messages(), mock(AuditLog.class), sync);
    private boolean inside;

    ImportApplyScopeTest() {
        when(sync.applyAfter(any())).thenAnswer(call -> {
            inside = true;
            events.add("scope begins");
            try {
                return ((Supplier<?>) call.getArgument(0)).get();
            } finally {
                inside = false;
                events.add("scope ends");
            }
        });
    }

    @Test
    void everyBatchOfAnUploadIsWrittenInsideOneScopeThatEndsBeforeTheReport() throws Exception {
        when(writer.write(any())).thenAnswer(this::recordWrite);

        ImportReport report = imports.importFile(file(2_500), "m.csv", ImportFormat.CSV, false, Locale.CHINA,
                "admin", null, null);
        events.add("report " + report.state());

        assertThat(events).containsExactly("scope begins", "inside: 1000 rows", "inside: 1000 rows",
                "inside: 500 rows", "scope ends", "report COMPLETED");
    }

    @Test
    void aDatabaseFailureHalfWayStillEndsTheScopeBeforeTheReport() throws Exception {
        when(writer.write(any())).thenAnswer(this::recordWrite).thenThrow(new DataAccessResourceFailureException("the database went away"));

        // a direct upload answers a failure after saved rows with IMPORT_INTERRUPTED, the report in its details
        assertThatThrownBy(() -> imports.importFile(file(2_500), "m.csv", ImportFormat.CSV, false, Locale.CHINA,
                "admin", null, null)).isInstanceOfSatisfying(ApiException.class, e -> {
                    events.add("answer " + e.code());
                    assertThat(((ImportReport) ((Map<?, ?>) e.details()).get("report")).statistics().savedRows())
                            .isEqualTo(1000);
                });

        assertThat(events).containsExactly("scope begins", "inside: 1000 rows", "scope ends",
                "answer IMPORT_INTERRUPTED");
    }

    /** A batch write: notes whether it ran inside the scope, and inserts every row. */
    private ManifestService.UpsertResult recordWrite(InvocationOnMock call) {
        List<ManifestInput> rows = call.getArgument(0);
        events.add((inside ? "inside: " : "outside: ") + rows.size() + " rows");
        return new ManifestService.UpsertResult(rows.size(), 0, 0);
    }

    private Path file(int rows) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (int i = 0; i < rows; i++) {
            lines.add(ManifestImportApiContract.row("SC" + String.format("%06d", i), "PK" + i % 7));
        }
        Path file = dir.resolve("m.csv");
        Files.write(file, ImportFixtures.utf8(lines.toArray(String[]::new)));
        return file;
    }
}
