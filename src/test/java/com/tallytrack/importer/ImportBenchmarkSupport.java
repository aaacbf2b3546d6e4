package com.tallytrack.importer;

import java.nio.file.Path;
import java.util.Locale;

/** Lets the benchmark (in a sub-package, outside the normal test run) call the package-private import entry. */
public final class ImportBenchmarkSupport {

    private ImportBenchmarkSupport() {
    }

    /** Imports a stored file in save mode, the way a job does, and returns the report. */
    public static ImportReport save(ManifestImportService service, Path file, String format) {
        ImportFormat f = ImportFormat.valueOf(format.toUpperCase(Locale.ROOT));
        return service.importFile(file, file.getFileName().toString(), f, false, Locale.CHINA, "bench", null, null);
    }
}
