package com.tallytrack.manifest;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The writable fields of a manifest as they arrive from the API or an import row. Pass it through
 * {@link ManifestRules#normalize} and {@link ManifestRules#validate} before storing it.
 */
public record ManifestInput(
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
        BigDecimal specialFee) {

    /** True when both describe the same stored values (decimals compared by value, 1.0 = 1.00). */
    public boolean sameValuesAs(ManifestInput other) {
        return java.util.Objects.equals(trackingNumber, other.trackingNumber)
                && java.util.Objects.equals(manifestDate, other.manifestDate)
                && java.util.Objects.equals(transportCode, other.transportCode)
                && java.util.Objects.equals(customerCode, other.customerCode)
                && java.util.Objects.equals(goodsCode, other.goodsCode)
                && java.util.Objects.equals(packageNumber, other.packageNumber)
                && sameNumber(weight, other.weight) && sameNumber(length, other.length)
                && sameNumber(width, other.width) && sameNumber(height, other.height)
                && sameNumber(specialFee, other.specialFee);
    }

    private static boolean sameNumber(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }
}
