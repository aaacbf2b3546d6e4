package com.tallytrack.importer;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * {@code tallytrack.import.*}: limits and tuning of the manifest import (PRODUCT §4).
 *
 * @param maxFileSize          largest upload accepted (also Spring's multipart limit); larger → 413
 * @param maxRows              most data rows one file may hold; more → the file is rejected
 * @param batchSize            rows written per transaction (5,000: on PostgreSQL a fifth of the statements, round
 *                             trips and trigger calls of 1,000; a cold 100,000-row upload 4.9 s → 3.8 s)
 * @param asyncThreshold       files larger than this run as a background job (202 + job id)
 * @param previewRows          how many leading rows the report echoes with their status
 * @param maxErrors            most row errors a report lists (the counts stay exact)
 * @param jobThreads           threads running import jobs
 * @param jobQueue             jobs that may wait for a thread; beyond that an upload is refused with 503
 * @param jobRetention         how long a finished job stays readable
 * @param maxJobs              most jobs kept in memory (oldest finished ones are dropped first)
 * @param retries              attempts per batch on a write conflict (duplicate key, deadlock, serialization)
 * @param maxSharedStrings     most entries an .xlsx shared-string table may hold
 * @param maxSharedStringChars most characters all shared strings of an .xlsx may hold together
 * @param maxXlsxEntrySize     largest uncompressed part of an .xlsx (zip-bomb guard)
 * @param minInflateRatio      smallest compressed/uncompressed ratio of an .xlsx part (zip-bomb guard)
 * @param jobHeartbeat         how often a node tells the database its jobs are alive (and looks for dead ones)
 * @param jobTimeout           a job whose node has not beaten for this long is marked {@code INTERRUPTED} by
 *                             another node; more than the heartbeat plus any clock skew between the nodes
 * @param jobPollInterval      how often a node that does not run a job reads its progress for an event stream
 */
@Validated
@ConfigurationProperties("tallytrack.import")
public record ImportProperties(
        @DefaultValue("50MB") @NotNull DataSize maxFileSize,
        @DefaultValue("1000000") @Min(1) int maxRows,
        @DefaultValue("5000") @Min(1) @Max(10000) int batchSize,
        @DefaultValue("1MB") @NotNull DataSize asyncThreshold,
        @DefaultValue("20") @Min(0) @Max(1000) int previewRows,
        @DefaultValue("10000") @Min(1) int maxErrors,
        @DefaultValue("2") @Min(1) @Max(64) int jobThreads,
        @DefaultValue("8") @Min(0) int jobQueue,
        @DefaultValue("1h") @NotNull Duration jobRetention,
        @DefaultValue("100") @Min(1) int maxJobs,
        @DefaultValue("5") @Min(1) @Max(50) int retries,
        @DefaultValue("2000000") @Min(1) int maxSharedStrings,
        @DefaultValue("100000000") @Min(1) long maxSharedStringChars,
        @DefaultValue("1GB") @NotNull DataSize maxXlsxEntrySize,
        @DefaultValue("0.01") double minInflateRatio,
        @DefaultValue("5s") @NotNull Duration jobHeartbeat,
        @DefaultValue("30s") @NotNull Duration jobTimeout,
        @DefaultValue("500ms") @NotNull Duration jobPollInterval) {

    /** A timeout within one heartbeat would mark live jobs interrupted. */
    @AssertTrue(message = "tallytrack.import.job-timeout must be at least twice tallytrack.import.job-heartbeat")
    public boolean isJobTimeoutAboveTheHeartbeat() {
        return jobTimeout == null || jobHeartbeat == null || jobTimeout.compareTo(jobHeartbeat.multipliedBy(2)) >= 0;
    }
}
