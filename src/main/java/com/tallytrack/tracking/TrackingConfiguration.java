package com.tallytrack.tracking;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.tallytrack.carrier.CarrierService;
import com.tallytrack.common.Messages;

@Configuration(proxyBeanMethods = false)
class TrackingConfiguration {

    @Bean
    TrackingQueryService trackingQueryService(PackageResolver resolver, CarrierService carrier, Messages messages,
            TrackingProperties properties) {
        return new TrackingQueryService(resolver, carrier, messages, properties, Clock.systemUTC());
    }

    @Bean
    QueryRateLimiter queryRateLimiter(TrackingProperties properties, SharedQueryUsage shared) {
        return new QueryRateLimiter(properties.rateLimitPerMinute(), System::nanoTime, shared);
    }
}
