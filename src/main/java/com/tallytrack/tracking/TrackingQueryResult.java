package com.tallytrack.tracking;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.tallytrack.manifest.Manifest;

/**
 * The answer of one intelligent query (PRODUCT §3). {@code cached} answers also say when the carrier produced
 * them ({@code cached_at}) and how old they are ({@code cache_age_seconds}); {@code stale} marks an expired result
 * served because the carrier failed. {@code source} says where a result came from: {@code push} (a stored
 * subscription push, no real-time query) or {@code query}.
 */
public record TrackingQueryResult(
        boolean success,
        String originalTrackingNumber,
        String cleanedTrackingNumber,
        String queryTrackingNumber,
        String queryType,
        boolean hasPackageAssociation,
        ManifestView manifestInfo,
        TrackingInfo trackingInfo,
        String error,
        String errorCode,
        Instant queryTime,
        boolean cached,
        boolean stale,
        Instant cachedAt,
        Long cacheAgeSeconds,
        boolean simulated,
        String source) {

    public static final String QUERY_TYPE_PACKAGE = "package";
    public static final String QUERY_TYPE_ORIGINAL = "original";

    /** The carrier's view of the shipment; {@code tracks} newest first. */
    public record TrackingInfo(
            String companyCode,
            String companyName,
            String state,
            String stateText,
            @JsonProperty("is_signed") boolean isSigned,
            List<Track> tracks,
            com.tallytrack.carrier.Milestone milestone) {
    }

    /** {@code milestone}: of the event's own carrier state code, {@code null} when the carrier sent none. */
    public record Track(String time, String location, String description,
            com.tallytrack.carrier.Milestone milestone) {
    }

    /** This answer with another view of its manifest (see {@link ManifestInfoProperties}). */
    public TrackingQueryResult withManifestInfo(ManifestView view) {
        return new TrackingQueryResult(success, originalTrackingNumber, cleanedTrackingNumber, queryTrackingNumber,
                queryType, hasPackageAssociation, view, trackingInfo, error, errorCode, queryTime, cached, stale,
                cachedAt, cacheAgeSeconds, simulated, source);
    }

    /** What the public query shows of a manifest: {@link CustomerManifestInfo} or the whole {@link ManifestInfo}. */
    public sealed interface ManifestView permits ManifestInfo, CustomerManifestInfo {

        String packageNumber();

        LocalDate manifestDate();

        BigDecimal weight();
    }

    /** What a customer needs of the manifest (the default): package number, tally date, weight. */
    public record CustomerManifestInfo(String packageNumber, LocalDate manifestDate, BigDecimal weight)
            implements ManifestView {

        static CustomerManifestInfo of(ManifestView full) {
            return new CustomerManifestInfo(full.packageNumber(), full.manifestDate(), full.weight());
        }
    }

    /** The manifest fields of PRODUCT §2 ({@code tallytrack.query.manifest-info=full}). */
    public record ManifestInfo(
            String trackingNumber,
            LocalDate manifestDate,
            String transportCode,
            String customerCode,
            String goodsCode,
            String packageNumber,
            BigDecimal weight,
            BigDecimal length,
            BigDecimal width,
            BigDecimal height,
            BigDecimal specialFee,
            Instant createdAt,
            Instant updatedAt) implements ManifestView {

        static ManifestInfo of(Manifest m) {
            return new ManifestInfo(m.trackingNumber(), m.manifestDate(), m.transportCode(), m.customerCode(),
                    m.goodsCode(), m.packageNumber(), m.weight(), m.length(), m.width(), m.height(), m.specialFee(),
                    m.createdAt(), m.updatedAt());
        }
    }
}
