package com.tallytrack.carrier.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tallytrack.carrier.expire-after}: a parcel whose newest carrier event is older than this (and that is not
 * delivered or returned) has the milestone {@code expired}. Kept apart from {@link CarrierProperties} so the carrier
 * client settings keep their shape.
 */
@ConfigurationProperties("tallytrack.carrier")
public record MilestoneProperties(@DefaultValue("30d") Duration expireAfter) {

    public MilestoneProperties {
        if (expireAfter == null || expireAfter.compareTo(Duration.ofDays(1)) < 0
                || expireAfter.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("tallytrack.carrier.expire-after must be between 1d and 365d "
                    + "(days without a new carrier event before a parcel counts as expired)");
        }
    }
}
