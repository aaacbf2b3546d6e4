package com.tallytrack.packages;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * {@code tallytrack.packages.*}: the package board.
 *
 * @param staleDays     a package not final with no new carrier event for this many days is flagged {@code stale}
 * @param scanInterval  how often each node looks for packages to flag or unflag (a flagging is still published
 *                      once for the cluster)
 * @param maxPageSize   largest page of the board listing
 * @param exportMaxRows most packages one CSV export may hold; a larger filtered list is refused, naming the limit
 * @param maxMembers    most parcels (manifests) the drill-down of one package lists
 */
@Validated
@ConfigurationProperties("tallytrack.packages")
public record PackagesProperties(
        @DefaultValue("5") @Min(1) @Max(3650) int staleDays,
        @DefaultValue("10m") @NotNull Duration scanInterval,
        @DefaultValue("200") @Min(1) @Max(10000) int maxPageSize,
        @DefaultValue("10000") @Min(1) @Max(1000000) int exportMaxRows,
        @DefaultValue("1000") @Min(1) @Max(100000) int maxMembers) {

    @AssertTrue(message = "tallytrack.packages.scan-interval must be at least 1s")
    boolean isScanIntervalValid() {
        return scanInterval == null || scanInterval.compareTo(Duration.ofSeconds(1)) >= 0;
    }
}
