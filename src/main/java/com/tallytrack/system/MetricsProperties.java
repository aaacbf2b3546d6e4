package com.tallytrack.system;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code tallytrack.metrics.*}.
 *
 * @param scrapeToken a bearer token Prometheus sends to read {@code /actuator/prometheus} without an admin account
 *                    ({@code Authorization: Bearer <token>}, see the README); unset means only signed-in admin
 *                    console tokens may read it. At least 32 characters when set.
 * @param securityObservations whether Spring Security observes its filter chain, authentications and
 *                    authorizations (traces and {@code spring.security.*} timers); off by default: the per-filter
 *                    observations cost on every request and slow the JIT's warm-up (issue 13, P1w)
 */
@ConfigurationProperties("tallytrack.metrics")
public record MetricsProperties(String scrapeToken, boolean securityObservations) {

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
