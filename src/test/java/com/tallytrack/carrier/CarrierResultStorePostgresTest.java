package com.tallytrack.carrier;

import org.springframework.test.context.ContextConfiguration;

import com.tallytrack.support.PostgresInitializer;

/** The stored carrier results on the shared embedded PostgreSQL 17 (row locks across connections). */
@ContextConfiguration(initializers = PostgresInitializer.class)
class CarrierResultStorePostgresTest extends CarrierResultStoreContract {
}
