package com.tallytrack.importer;

import java.sql.DatabaseMetaData;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;

/**
 * Writes one batch in one transaction with its change-log entries, and retries it when another writer got in the
 * way: a concurrent upload inserting the same tracking number (duplicate key), a deadlock or a serialization
 * failure. The batch is re-read on every attempt, so the retry sees the other writer's rows and counts them as
 * updated or unchanged.
 *
 * <p>How a batch is written depends on the database, found out at the first batch: on PostgreSQL
 * {@link PostgresCopyUpsert} (new rows by COPY into the table, stored ones by COPY into a staging table and
 * one set-based upsert); elsewhere (H2, the embedded
 * default) {@link ManifestService#upsertBatch} (one lookup, multi-row inserts, a batch of updates).
 */
@Component
class ImportBatchWriter {

    private static final Logger log = LoggerFactory.getLogger(ImportBatchWriter.class);

    static final String SOURCE = "import";

    private final ManifestService manifests;
    private final ImportProperties properties;
    private final DataSource dataSource;
    private final PostgresCopyUpsert copy;
    /** Found out at the first batch (no connection needed at start-up); a benign race: every thread finds the same. */
    private volatile Boolean usesCopy;

    /** Always through {@link ManifestService#upsertBatch} (tests of the retry rule). */
    ImportBatchWriter(ManifestService manifests, ImportProperties properties) {
        this.manifests = manifests;
        this.properties = properties;
        this.dataSource = null;
        this.copy = null;
        this.usesCopy = false;
    }

    @Autowired
    ImportBatchWriter(ManifestService manifests, ImportProperties properties, DataSource dataSource,
            PlatformTransactionManager transactionManager, ApplicationEventPublisher events, Optional<Clock> clock) {
        this.manifests = manifests;
        this.properties = properties;
        this.dataSource = dataSource;
        this.copy = new PostgresCopyUpsert(new JdbcTemplate(dataSource), new TransactionTemplate(transactionManager),
                events, clock.orElse(Clock.systemUTC()));
    }

    ManifestService.UpsertResult write(List<ManifestInput> rows) {
        boolean viaCopy = usesCopy();
        boolean copyNew = true;
        for (int attempt = 1; ; attempt++) {
            try {
                return viaCopy ? copy.write(rows, SOURCE, copyNew) : manifests.upsertBatch(rows, SOURCE);
            } catch (DuplicateKeyException | TransientDataAccessException e) {
                // another writer inserted one of our new numbers: from now on all rows through the upsert
                copyNew &= !(e instanceof DuplicateKeyException);
                if (attempt >= properties.retries()) {
                    throw e;
                }
                log.info("import batch conflicted with another writer (attempt {}), retrying: {}", attempt,
                        e.getClass().getSimpleName());
                backOff(attempt);
            }
        }
    }

    /** True on PostgreSQL: batches go through {@link PostgresCopyUpsert}. */
    boolean usesCopy() {
        Boolean known = usesCopy;
        if (known == null) {
            known = postgres();
            usesCopy = known;
        }
        return known;
    }

    private boolean postgres() {
        try {
            String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
            return "PostgreSQL".equals(product);
        } catch (MetaDataAccessException e) {
            // cannot tell: the portable path is right on every database
            log.warn("could not read the database product name, importing through the portable path: {}",
                    e.toString());
            return false;
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
