package com.tallytrack.carrier.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tallytrack.carrier.simulator.*}: the simulated subscription pushes of the embedded default.
 *
 * @param pushInterval the scaled time of the simulator: one new event of a subscribed number per interval
 */
@ConfigurationProperties("tallytrack.carrier.simulator")
public record SimulatorProperties(@DefaultValue("30s") Duration pushInterval) {

    public SimulatorProperties {
        if (pushInterval == null || pushInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("tallytrack.carrier.simulator.push-interval must be at least 100ms");
        }
    }
}
