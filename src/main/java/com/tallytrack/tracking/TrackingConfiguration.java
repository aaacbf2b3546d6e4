package com.tallytrack.tracking;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.tallytrack.carrier.CarrierService;
import com.tallytrack.common.ApiErrorHandler;
import com.tallytrack.common.ErrorResponses;
import com.tallytrack.common.Messages;

@Configuration(proxyBeanMethods = false)
class TrackingConfiguration {

    @Bean
    TrackingQueryService trackingQueryService(PackageResolver resolver, CarrierService carrier, Messages messages,
            TrackingProperties properties,
            org.springframework.beans.factory.ObjectProvider<com.tallytrack.carrier.CarrierSubscriptions> push) {
        return new TrackingQueryService(resolver, carrier, messages, properties, Clock.systemUTC(),
                push.getIfAvailable());
    }

    @Bean
    TrackingQueryRoute trackingQueryRoute(TrackingController controller, ApiErrorHandler failures,
            ErrorResponses errors) {
        return new TrackingQueryRoute(controller, failures, errors);
    }

    @Bean
    QueryRateLimiter queryRateLimiter(TrackingProperties properties, SharedQueryUsage shared) {
        return new QueryRateLimiter(properties.rateLimitPerMinute(), System::nanoTime, shared);
    }
}
