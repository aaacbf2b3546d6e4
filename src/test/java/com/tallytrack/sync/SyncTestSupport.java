package com.tallytrack.sync;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.function.BooleanSupplier;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.tallytrack.manifest.ManifestInput;

/**
 * Shared by the sync tests: a recording carrier cache in place of the real one, and small helpers. Imported
 * explicitly ({@code @Import}, or as a source of the multi-node contexts); deliberately not annotated, so component
 * scanning of other tests' contexts never picks it up.
 */
public class SyncTestSupport {

    @Bean
    @Primary
    RecordingCarrierCache recordingCarrierCache() {
        return new RecordingCarrierCache();
    }

    public static ManifestInput manifest(String trackingNumber, String packageNumber) {
        return new ManifestInput(trackingNumber, LocalDate.of(2024, 5, 1), "T1", "C1", "G1", packageNumber,
                new BigDecimal("1.5"), null, null, null, null);
    }

    /** A tracking number no other test (or earlier run on the shared PostgreSQL) uses. */
    public static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36).toUpperCase() + (int) (Math.random() * 1000);
    }

    /**
     * Inserts {@code rows} manifests numbered {@code prefix00001 ..} in one statement (no package numbers): on
     * PostgreSQL one statement of the change-log trigger, packed in rows of up to 1,000 entries (V55).
     */
    public static void insertManifests(JdbcClient jdbc, String prefix, int rows) {
        jdbc.sql("INSERT INTO cargo_manifest (tracking_number, manifest_date, transport_code, customer_code, "
                + "goods_code) SELECT :p || lpad(CAST(g AS text), 5, '0'), DATE '2024-05-01', 'T01', 'C001', 'G01' "
                + "FROM generate_series(1, :n) g").param("p", prefix).param("n", rows).update();
    }

    /** Waits until the condition holds; returns how long it took. Fails after {@code timeout}. */
    public static Duration await(Duration timeout, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
