package com.tallytrack.system;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code tallytrack.metrics.*}.
 *
 * @param scrapeToken a bearer token Prometheus sends to read {@code /actuator/prometheus} without an admin account
 *                    ({@code Authorization: Bearer <token>}, see the README); unset means only signed-in admin
 *                    console tokens may read it. At least 32 characters when set.
 */
@ConfigurationProperties("tallytrack.metrics")
public record MetricsProperties(String scrapeToken) {

    public MetricsProperties {
        if (scrapeToken != null && scrapeToken.isBlank()) {
            scrapeToken = null;
        }
        if (scrapeToken != null && scrapeToken.strip().length() < 32) {
            throw new IllegalArgumentException("tallytrack.metrics.scrape-token must be at least 32 characters "
                    + "(e.g. openssl rand -hex 24)");
        }
    }

    public boolean hasScrapeToken() {
        return scrapeToken != null;
    }
}
