package com.tallytrack.packages;

import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;

import com.tallytrack.support.PostgresInitializer;

/**
 * Every package board scenario again on the embedded PostgreSQL: the same SQL (GROUP BY, NULLS LAST, LIKE … ESCAPE)
 * and the same flag-once guarantee, where a node losing the race waits on the other's row lock and then gets the
 * duplicate key.
 */
@ContextConfiguration(initializers = PostgresInitializer.class)
// the nested test configuration of the superclass is found only for the class that declares it
@Import(PackageBoardApiTest.Events.class)
class PackageBoardPostgresTest extends PackageBoardApiTest {
}
