package com.tallytrack.tracking;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The two lives of a customer's parcel (issue 11.2): the domestic leg under its own tracking number up to the
 * consolidator's warehouse, the tally there (理货: the manifest links it to package P), and the package leg under
 * the package number. An unlinked number has one leg and no warehouse step.
 */
public record Journey(List<Leg> legs, Warehouse warehouse) {

    public static final String ROLE_ORIGINAL = "original";
    public static final String ROLE_PACKAGE = "package";

    /**
     * One carrier leg. {@code available} is false when the carrier could not answer for it (then {@code errorCode}
     * and {@code error} say why and the tracks are empty); {@code source} is {@code carrier} for a (possibly cached)
     * carrier answer and {@code stored} for a final result kept in the database, which is never asked again.
     */
    public record Leg(
            String role,
            String queryTrackingNumber,
            String companyCode,
            String companyName,
            String milestone,
            String state,
            @JsonProperty("is_final") boolean isFinal,
            boolean available,
            String errorCode,
            String error,
            String source,
            List<Track> tracks) {
    }

    public record Track(String time, String location, String description, String milestone) {
    }

    /** The tally step: the parcel entered the warehouse and was packed into {@code packageNumber}. */
    public record Warehouse(String packageNumber, LocalDate manifestDate, Instant recordedAt) {
    }
}
