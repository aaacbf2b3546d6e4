package com.tallytrack.importer;

import org.springframework.test.context.ContextConfiguration;

import com.tallytrack.support.PostgresInitializer;

/** The import API on the shared embedded PostgreSQL 17. */
@ContextConfiguration(initializers = PostgresInitializer.class)
class ManifestImportApiOnPostgresTest extends ManifestImportApiContract {
}
