package com.tallytrack.manifest;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * One cargo manifest row (理货单): the customer's tracking number and, when it travels consolidated, the
 * package number the carrier knows. Tracking and package numbers are stored upper-case.
 */
public record Manifest(
        long id,
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
        int version,
        Instant createdAt,
        Instant updatedAt) {

    public boolean hasPackage() {
        return packageNumber != null && !packageNumber.isEmpty();
    }

    /** The writable fields of this row, e.g. to compare with an incoming row or to apply a partial update. */
    public ManifestInput toInput() {
        return new ManifestInput(trackingNumber, manifestDate, transportCode, customerCode, goodsCode, packageNumber,
                weight, length, width, height, specialFee);
    }
}
