package com.tallytrack.system.internal;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestRules;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.system.EmbeddedDefault;
import com.tallytrack.system.SystemProperties;

/**
 * Loads the demo manifests of the README's tour once, into an empty manifest table, through
 * {@link ManifestService#upsertBatch} so the change log and every cache see them like any import.
 */
@Component
@Order(20)
class DemoData implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);

    /** Package PKG-DEMO-001 carries three parcels, PKG-DEMO-002 two; the last two travel on their own. */
    static final List<ManifestInput> MANIFESTS = List.of(
            row("SF1234567890", "PKG-DEMO-001", "TC01", "CUST01", "G01", "1.250"),
            row("SF1234567891", "PKG-DEMO-001", "TC01", "CUST01", "G02", "0.800"),
            row("SF1234567892", "PKG-DEMO-001", "TC01", "CUST02", "G01", "2.100"),
            row("YT9876543210", "PKG-DEMO-002", "TC02", "CUST02", "G03", "3.400"),
            row("YT9876543211", "PKG-DEMO-002", "TC02", "CUST03", "G03", "0.450"),
            row("JD0001234567", null, "TC03", "CUST03", "G04", "5.000"),
            row("ZT7531594862", null, "TC03", "CUST01", "G02", "0.300"));

    private final ManifestService manifests;
    private final SystemProperties properties;
    private final EmbeddedDefault embedded;

    DemoData(ManifestService manifests, SystemProperties properties, EmbeddedDefault embedded) {
        this.manifests = manifests;
        this.properties = properties;
        this.embedded = embedded;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!properties.demoDataEnabled(embedded)) {
            return;
        }
        if (manifests.search(null, null, null, null, null, null, null, null, 1, 1).totalCount() > 0) {
            return;
        }
        ManifestService.UpsertResult result = manifests.upsertBatch(
                MANIFESTS.stream().map(ManifestRules::normalize).toList(), "demo");
        log.info("loaded {} demo manifests (tallytrack.demo-data); try tracking number SF1234567890",
                result.inserted());
    }

    private static ManifestInput row(String tracking, String pkg, String transport, String customer, String goods,
            String weight) {
        return new ManifestInput(tracking, LocalDate.now().minusDays(1), transport, customer, goods, pkg,
                new BigDecimal(weight), new BigDecimal("30.00"), new BigDecimal("20.00"), new BigDecimal("15.00"),
                null);
    }
}
