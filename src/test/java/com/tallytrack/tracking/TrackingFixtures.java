package com.tallytrack.tracking;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;

import org.springframework.context.support.ResourceBundleMessageSource;

import com.tallytrack.carrier.CarrierClient;
import com.tallytrack.carrier.CarrierService;
import com.tallytrack.carrier.internal.CarrierMetrics;
import com.tallytrack.carrier.internal.CarrierProperties;
import com.tallytrack.carrier.internal.DailyQueryGuard;
import com.tallytrack.carrier.internal.TieredCarrierCache;
import com.tallytrack.common.Messages;
import com.tallytrack.manifest.Manifest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Builds the query path without Spring: a carrier client of the test's choice behind the real service. */
final class TrackingFixtures {

    private TrackingFixtures() {
    }

    static CarrierProperties properties(CarrierProperties.Resilience resilience) {
        return new CarrierProperties(CarrierProperties.Provider.SIMULATOR,
                new CarrierProperties.Kuaidi100(null, null, null, null, null, null, "4"),
                new CarrierProperties.Cache(java.time.Duration.ofMinutes(30), java.time.Duration.ofHours(6),
                        java.time.Duration.ofHours(24), 48, 100_000, java.time.Duration.ofSeconds(5)),
                resilience);
    }

    static CarrierProperties.Resilience resilience() {
        return new CarrierProperties.Resilience(3, java.time.Duration.ofMillis(20), 2.0, 0.5, 8, 2000, 50, 20, 10,
                java.time.Duration.ofSeconds(30), 2, java.time.Duration.ofSeconds(30));
    }

    static CarrierService carrierService(CarrierClient client) {
        CarrierProperties properties = properties(resilience());
        Clock clock = Clock.systemUTC();
        TieredCarrierCache cache = new TieredCarrierCache(properties.cache(), null, clock);
        return new CarrierService(client, cache, new DailyQueryGuard(48, null, clock), properties,
                new CarrierMetrics(new SimpleMeterRegistry(), cache), clock);
    }

    static TrackingQueryService queryService(PackageResolver resolver, CarrierService carrier) {
        return new TrackingQueryService(resolver, carrier, messages(), new TrackingProperties(60, 50, 8),
                Clock.systemUTC());
    }

    static Messages messages() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasenames("i18n/common", "i18n/carrier", "i18n/tracking");
        source.setDefaultEncoding("UTF-8");
        source.setFallbackToSystemLocale(false);
        return new Messages(source);
    }

    static Manifest manifest(long id, String trackingNumber, String packageNumber) {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        return new Manifest(id, trackingNumber, LocalDate.of(2026, 1, 1), "T1", "C1", "G1", packageNumber, null, null,
                null, null, null, 0, now, now);
    }
}
