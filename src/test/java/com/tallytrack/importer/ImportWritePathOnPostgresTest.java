package com.tallytrack.importer;

import org.springframework.test.context.ContextConfiguration;

import com.tallytrack.support.PostgresInitializer;

/** The import's write path on the shared embedded PostgreSQL 17: COPY of new rows, staging upsert of stored ones. */
@ContextConfiguration(initializers = PostgresInitializer.class)
class ImportWritePathOnPostgresTest extends ImportWritePathContract {

    @Override
    boolean expectsCopy() {
        return true;
    }
}
