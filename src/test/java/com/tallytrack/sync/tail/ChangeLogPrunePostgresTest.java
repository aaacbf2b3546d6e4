package com.tallytrack.sync.tail;

import org.springframework.test.context.ContextConfiguration;

import com.tallytrack.support.PostgresInitializer;

/** {@link ChangeLogPruneTest.Base} on the shared embedded PostgreSQL. */
@ContextConfiguration(initializers = PostgresInitializer.class)
class ChangeLogPrunePostgresTest extends ChangeLogPruneTest.Base {
}
