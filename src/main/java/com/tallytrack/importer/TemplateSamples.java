package com.tallytrack.importer;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import com.tallytrack.manifest.ManifestInput;

/** The sample rows of the download template: one consolidated parcel, one sent on its own. */
final class TemplateSamples {

    static final List<ManifestInput> ROWS = List.of(
            new ManifestInput("SF1234567890", LocalDate.of(2024, 5, 1), "T01", "C001", "G01", "PKG-20240501-01",
                    new BigDecimal("2.5"), new BigDecimal("30"), new BigDecimal("20"), new BigDecimal("15"), null),
            new ManifestInput("YT9876543210", LocalDate.of(2024, 5, 1), "T01", "C002", "G02", null,
                    new BigDecimal("0.8"), new BigDecimal("25"), new BigDecimal("18"), new BigDecimal("10"), null));

    private TemplateSamples() {
    }
}
