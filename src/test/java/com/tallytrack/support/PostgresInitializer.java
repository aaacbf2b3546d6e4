package com.tallytrack.support;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Points an application context at the shared embedded PostgreSQL: {@code @ContextConfiguration(initializers = …)}. */
public class PostgresInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPropertyValues.of(
                "spring.datasource.url=" + EmbeddedPostgres.jdbcUrl(),
                "spring.datasource.username=postgres",
                "spring.datasource.password=postgres")
                .applyTo(context.getEnvironment());
    }
}
