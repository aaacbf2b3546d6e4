package com.tallytrack.manifest;

import java.time.LocalDate;

/**
 * The criteria of a manifest search. {@code q} matches the tracking or the package number (contains,
 * case-insensitive); the other filters match exactly; {@code sortBy} is one of {@link #SORTABLE}.
 */
public record ManifestSearch(
        String q,
        String customerCode,
        String transportCode,
        String packageNumber,
        LocalDate dateFrom,
        LocalDate dateTo,
        String sortBy,
        boolean ascending,
        int page,
        int limit) {

    public static final java.util.List<String> SORTABLE = java.util.List.of("id", "tracking_number",
            "manifest_date", "created_at", "updated_at", "customer_code", "transport_code", "goods_code",
            "package_number", "weight");
}
