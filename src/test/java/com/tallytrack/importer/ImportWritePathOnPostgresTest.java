package com.tallytrack.importer;

import org.springframework.test.context.ContextConfiguration;

import com.tallytrack.support.PostgresInitializer;

/** The import's write path on the shared embedded PostgreSQL 17: COPY into a staging table, one upsert. */
@ContextConfiguration(initializers = PostgresInitializer.class)
class ImportWritePathOnPostgresTest extends ImportWritePathContract {

    @Override
    boolean expectsCopy() {
        return true;
    }
}
