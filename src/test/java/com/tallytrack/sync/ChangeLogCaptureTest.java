package com.tallytrack.sync;

import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.carrier.CarrierResultStored;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.tracking.PackageResolver;

/**
 * Capture holes of issue 9 (defect 6) and the carrier_result entry, on H2 and PostgreSQL: an update of the id is
 * captured, {@code cacheManifest} cannot cache a copy older than the database's, and a stored carrier result
 * becomes an entry that invalidates the carrier-result cache only.
 */
class ChangeLogCaptureTest {

    @SpringBootTest
    @AutoConfigureMockMvc
    @ActiveProfiles("test")
    @Import(SyncTestSupport.class)
    abstract static class Base {

        @Autowired
        ManifestService manifests;
        @Autowired
        SyncService sync;
        @Autowired
        PackageResolver resolver;
        @Autowired
        JdbcClient jdbc;
        @Autowired
        PlatformTransactionManager transactionManager;
        @Autowired
        ApplicationEventPublisher events;
        @Autowired
        RecordingCarrierCache carrierCache;

        @BeforeEach
        void reset() {
            carrierCache.reset();
        }

        @Test
        void anUpdateOfTheIdInvalidatesTheOldRowAndTheNewOne() {
            String tn = unique("ID");
            Manifest m = manifests.create(manifest(tn, "ID-1"));
            assertThat(resolver.resolve(tn).orElseThrow().packageNumber()).isEqualTo("ID-1");
            long newId = m.id() + 500_000_000L;
            // SQL run outside the application (psql, an ERP); then this node applies the log
            jdbc.sql("UPDATE cargo_manifest SET id = :newId, package_number = 'ID-2' WHERE id = :id")
                    .param("newId", newId).param("id", m.id()).update();
            sync.catchUp();
            Manifest seen = resolver.resolve(tn).orElseThrow();
            assertThat(seen.id()).isEqualTo(newId);
            assertThat(seen.packageNumber()).isEqualTo("ID-2");
            List<String> operations = jdbc.sql("SELECT operation FROM sync_change_entry WHERE manifest_id IN (:a, :b) "
                    + "ORDER BY seq").param("a", m.id()).param("b", newId).query(String.class).list();
            assertThat(operations).containsExactly("insert", "delete", "insert");
            assertThat(carrierCache.invalidated("ID-1")).isTrue();
            assertThat(carrierCache.invalidated("ID-2")).isTrue();
        }

        @Test
        void cacheManifestDoesNotCacheACopyOlderThanTheDatabase() {
            String tn = unique("CM");
            Manifest old = manifests.create(manifest(tn, "CM-1"));
            manifests.update(old.id(), old.version(), manifest(tn, "CM-2"), Set.of("package_number"));
            sync.cacheManifest(old); // a caller holding a copy read before the update
            assertThat(resolver.resolve(tn).orElseThrow().packageNumber()).isEqualTo("CM-2");
            assertThat(sync.cached(tn).data().packageNumber()).isEqualTo("CM-2");
        }

        @Test
        void aStoredCarrierResultIsLoggedInItsTransactionAndInvalidatesOnlyTheCarrierCache() {
            String tn = unique("CR");
            manifests.create(manifest(tn, null));
            resolver.resolve(tn);
            assertThat(sync.cached(tn).cached()).isTrue();
            TransactionTemplate tx = new TransactionTemplate(transactionManager);
            tx.executeWithoutResult(status -> events.publishEvent(new CarrierResultStored(tn)));
            // this node dropped its copy before the transaction's caller got control back (without waiting for
            // its tailer, which the caller, a push callback, must not do); the tailer applies the entry when woken
            assertThat(carrierCache.invalidated(tn)).isTrue();
            assertThat(sync.cached(tn).cached()).as("the manifest cache is not touched").isTrue();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM sync_change_entry WHERE operation = 'carrier_result' "
                    + "AND tracking_number = :tn").param("tn", tn).query(Long.class).single()).isEqualTo(1);
            sync.catchUp();
            assertThat(sync.statistics().operationsByType()).containsKey("carrier_result");
            assertThat(sync.cached(tn).cached()).as("applying it leaves the manifest cache alone").isTrue();

            String rolledBack = unique("CRX");
            tx.executeWithoutResult(status -> {
                events.publishEvent(new CarrierResultStored(rolledBack));
                status.setRollbackOnly();
            });
            sync.catchUp();
            assertThat(carrierCache.invalidated(rolledBack)).isFalse();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM sync_change_entry WHERE tracking_number = :tn")
                    .param("tn", rolledBack).query(Long.class).single()).isZero();
        }
    }

    // Runs as ChangeLogCaptureH2Test and ChangeLogCapturePostgresTest.
}
