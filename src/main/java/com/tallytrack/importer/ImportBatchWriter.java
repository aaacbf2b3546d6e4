package com.tallytrack.importer;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;

import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;

/**
 * Writes one batch through {@link ManifestService#upsertBatch} (one transaction with its change-log entries)
 * and retries it when another writer got in the way: a concurrent upload inserting the same tracking number
 * (duplicate key), a deadlock or a serialization failure. The batch is re-read on every attempt, so the retry
 * sees the other writer's rows and counts them as updated or unchanged.
 */
@Component
class ImportBatchWriter {

    private static final Logger log = LoggerFactory.getLogger(ImportBatchWriter.class);

    static final String SOURCE = "import";

    private final ManifestService manifests;
    private final ImportProperties properties;

    ImportBatchWriter(ManifestService manifests, ImportProperties properties) {
        this.manifests = manifests;
        this.properties = properties;
    }

    ManifestService.UpsertResult write(List<ManifestInput> rows) {
        for (int attempt = 1; ; attempt++) {
            try {
                return manifests.upsertBatch(rows, SOURCE);
            } catch (DuplicateKeyException | TransientDataAccessException e) {
                if (attempt >= properties.retries()) {
                    throw e;
                }
                log.info("import batch conflicted with another writer (attempt {}), retrying: {}", attempt,
                        e.getClass().getSimpleName());
                backOff(attempt);
            }
        }
    }

    /** Randomized so two uploads that collided do not collide again in lock step. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt + 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying an import batch", e);
        }
    }
}
