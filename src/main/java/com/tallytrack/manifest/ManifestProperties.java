package com.tallytrack.manifest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * {@code tallytrack.manifest.*}: limits of the manifests API.
 *
 * @param batchDeleteLimit most ids one batch delete may name
 * @param maxPageSize      largest page a search returns
 */
@Validated
@ConfigurationProperties("tallytrack.manifest")
public record ManifestProperties(
        @DefaultValue("1000") @Min(1) @Max(100000) int batchDeleteLimit,
        @DefaultValue("200") @Min(1) @Max(10000) int maxPageSize) {
}
