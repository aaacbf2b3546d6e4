package com.tallytrack.sync;

import org.springframework.test.context.ContextConfiguration;

import com.tallytrack.support.PostgresInitializer;

/** {@link ChangeLogCaptureTest.Base} on the shared embedded PostgreSQL. */
@ContextConfiguration(initializers = PostgresInitializer.class)
class ChangeLogCapturePostgresTest extends ChangeLogCaptureTest.Base {
}
