package com.tallytrack.sync;

import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.listen.ListenerBeanRegistrar;
import com.tallytrack.sync.tail.SyncLifecycle;
import com.tallytrack.tracking.PackageResolver;

/** The admin API, the Java API and the single-node guarantees of the sync module, on H2 and on PostgreSQL. */
class SyncApiTest {

    @SpringBootTest
    @AutoConfigureMockMvc
    @ActiveProfiles("test")
    @Import(SyncTestSupport.class)
    abstract static class Base {

        @Autowired
        MockMvc mvc;
        @Autowired
        ManifestService manifests;
        @Autowired
        SyncService sync;
        @Autowired
        PackageResolver resolver;
        @Autowired
        RecordingCarrierCache carrierCache;
        @Autowired
        JdbcClient jdbc;
        @Autowired
        PlatformTransactionManager transactionManager;
        @Autowired
        ConfigurableApplicationContext context;
        @Autowired
        io.micrometer.core.instrument.MeterRegistry meters;

        @BeforeEach
        void reset() {
            carrierCache.reset();
        }

        @Test
        void statisticsCarryTheSeedFieldsAndTheClusterFigures() throws Exception {
            String tn = unique("ST");
            manifests.create(manifest(tn, "P-" + tn));
            String unknown = unique("SU"); // no change of it in flight: a certain miss, then a hit
            resolver.resolve(unknown);
            resolver.resolve(unknown);
            mvc.perform(get("/api/v1/admin/sync/statistics").with(user("v").roles("VIEWER")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.success").value(true))
                    .andExpect(jsonPath("$.data.cache_size").value(greaterThanOrEqualTo(1)))
                    .andExpect(jsonPath("$.data.cache_hits").value(greaterThanOrEqualTo(1)))
                    .andExpect(jsonPath("$.data.cache_misses").value(greaterThanOrEqualTo(1)))
                    .andExpect(jsonPath("$.data.cache_hit_rate").isNumber())
                    .andExpect(jsonPath("$.data.sync_operations").value(greaterThanOrEqualTo(1)))
                    .andExpect(jsonPath("$.data.active_listeners").value(greaterThanOrEqualTo(1)))
                    .andExpect(jsonPath("$.data.pending_operations").isNumber())
                    .andExpect(jsonPath("$.data.last_sync_time").hasJsonPath())
                    .andExpect(jsonPath("$.data.node_id").value(sync.nodeId()))
                    .andExpect(jsonPath("$.data.applied_sequence").isNumber())
                    .andExpect(jsonPath("$.data.latest_sequence").isNumber())
                    .andExpect(jsonPath("$.data.lag").value(0))
                    .andExpect(jsonPath("$.data.operations_by_type.insert").value(greaterThanOrEqualTo(1)))
                    .andExpect(jsonPath("$.data.tailer_running").value(true))
                    .andExpect(jsonPath("$.data.carrier_cache.size").value(7))
                    .andExpect(jsonPath("$.data.carrier_cache.hits").value(3))
                    .andExpect(jsonPath("$.data.carrier_cache.misses").value(1))
                    .andExpect(jsonPath("$.data.carrier_cache.hit_rate").value(0.75));
            SyncStatistics s = sync.statistics();
            assertThat(s.appliedSequence()).isEqualTo(s.latestSequence());
        }

        @Test
        void readsNeedAViewerOrAdminAndActionsNeedAnAdmin() throws Exception {
            for (String path : List.of("statistics", "pending-operations", "health", "cache/ABC123456")) {
                mvc.perform(get("/api/v1/admin/sync/" + path)).andExpect(status().isUnauthorized())
                        .andExpect(jsonPath("$.error.code").value("UNAUTHORIZED"));
                mvc.perform(get("/api/v1/admin/sync/" + path).with(user("v").roles("VIEWER")))
                        .andExpect(status().isOk());
            }
            for (String path : List.of("clear-pending-operations", "invalidate-cache", "force-sync/ABC123456")) {
                mvc.perform(post("/api/v1/admin/sync/" + path)).andExpect(status().isUnauthorized());
                mvc.perform(post("/api/v1/admin/sync/" + path).with(user("v").roles("VIEWER")))
                        .andExpect(status().isForbidden())
                        .andExpect(jsonPath("$.error.code").value("FORBIDDEN"));
            }
        }

        @Test
        void pendingOperationsAreTheEntriesAfterTheLastAcknowledgementOldestFirst() throws Exception {
            mvc.perform(post("/api/v1/admin/sync/clear-pending-operations").with(user("a").roles("ADMIN")))
                    .andExpect(status().isOk());
            String tn = unique("PO");
            Manifest created = manifests.create(manifest(tn, "PKG-A"));
            manifests.update(created.id(), created.version(), manifest(tn, "PKG-B"), Set.of("package_number"));
            mvc.perform(get("/api/v1/admin/sync/pending-operations").with(user("v").roles("VIEWER")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.total_pending").value(2))
                    .andExpect(jsonPath("$.data.operations[0].operation").value("insert"))
                    .andExpect(jsonPath("$.data.operations[0].tracking_number").value(tn))
                    .andExpect(jsonPath("$.data.operations[0].package_number").value("PKG-A"))
                    .andExpect(jsonPath("$.data.operations[0].previous_package_number").isEmpty())
                    .andExpect(jsonPath("$.data.operations[0].manifest_id").value(created.id()))
                    .andExpect(jsonPath("$.data.operations[0].node_id").value(sync.nodeId()))
                    .andExpect(jsonPath("$.data.operations[0].changed_at").value(notNullValue()))
                    .andExpect(jsonPath("$.data.operations[1].operation").value("update"))
                    .andExpect(jsonPath("$.data.operations[1].package_number").value("PKG-B"))
                    .andExpect(jsonPath("$.data.operations[1].previous_package_number").value("PKG-A"));
            List<ManifestChange> pending = sync.pendingOperations(10);
            assertThat(pending.get(1).sequence()).isGreaterThan(pending.get(0).sequence());
            mvc.perform(get("/api/v1/admin/sync/pending-operations?limit=1").with(user("v").roles("VIEWER")))
                    .andExpect(jsonPath("$.data.operations.length()").value(1))
                    .andExpect(jsonPath("$.data.operations[0].operation").value("insert"));

            Instant before = Instant.now().minusSeconds(1);
            mvc.perform(post("/api/v1/admin/sync/clear-pending-operations").with(user("a").roles("ADMIN")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.cleared_count").value(2))
                    .andExpect(jsonPath("$.data.cleared").value(2))
                    .andExpect(jsonPath("$.data.acknowledged_sequence").value(pending.get(1).sequence()));
            assertThat(sync.statistics().lastSyncTime()).isAfter(before);
            assertThat(sync.statistics().pendingOperations()).isZero();
            mvc.perform(get("/api/v1/admin/sync/pending-operations").with(user("v").roles("VIEWER")))
                    .andExpect(jsonPath("$.data.total_pending").value(0))
                    .andExpect(jsonPath("$.data.operations.length()").value(0));
            assertThat(auditCount("SYNC_CLEAR_PENDING")).isGreaterThanOrEqualTo(2);
        }

        @Test
        void pendingOperationsLimitIsChecked() throws Exception {
            for (String limit : List.of("0", "1001", "-3")) {
                mvc.perform(get("/api/v1/admin/sync/pending-operations?limit=" + limit)
                        .with(user("v").roles("VIEWER")))
                        .andExpect(status().isBadRequest())
                        .andExpect(jsonPath("$.error.code").value("SYNC_INVALID_LIMIT"));
            }
            mvc.perform(get("/api/v1/admin/sync/pending-operations?limit=0").header("Accept-Language", "en")
                    .with(user("v").roles("VIEWER")))
                    .andExpect(jsonPath("$.error.message").value("Parameter limit must be between 1 and 1,000"));
        }

        @Test
        void forceSyncReloadsOneManifestFromTheDatabaseAnd404sWithoutOne() throws Exception {
            String tn = unique("FS");
            manifests.create(manifest(tn, "FS-1"));
            sync.invalidateAll();
            assertThat(sync.cached(tn).cached()).isFalse();
            mvc.perform(post("/api/v1/admin/sync/force-sync/" + tn.toLowerCase()).with(user("a").roles("ADMIN")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.cached").value(true))
                    .andExpect(jsonPath("$.data.data.package_number").value("FS-1"));
            assertThat(sync.cached(tn).cached()).isTrue();
            assertThat(auditCount("SYNC_FORCE_SYNC")).isPositive();
            mvc.perform(post("/api/v1/admin/sync/force-sync/NOPE" + tn).with(user("a").roles("ADMIN")))
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.error.code").value("MANIFEST_NOT_FOUND"));
        }

        @Test
        void cacheViewShowsWhetherANumberIsCachedItsDataAndItsTimes() throws Exception {
            String tn = unique("CV");
            mvc.perform(get("/api/v1/admin/sync/cache/" + tn).with(user("v").roles("VIEWER")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.tracking_number").value(tn))
                    .andExpect(jsonPath("$.data.cached").value(false))
                    .andExpect(jsonPath("$.data.data").isEmpty());
            resolver.resolve(tn); // a negative lookup is cached too
            mvc.perform(get("/api/v1/admin/sync/cache/" + tn).with(user("v").roles("VIEWER")))
                    .andExpect(jsonPath("$.data.cached").value(true))
                    .andExpect(jsonPath("$.data.found").value(false));
            manifests.create(manifest(tn, "CV-1"));
            resolver.resolve(tn);
            CachedManifest view = sync.cached(tn);
            assertThat(view.expiresAt()).isEqualTo(view.cachedAt().plus(Duration.ofMinutes(30)));
            mvc.perform(get("/api/v1/admin/sync/cache/" + tn).with(user("v").roles("VIEWER")))
                    .andExpect(jsonPath("$.data.cached").value(true))
                    .andExpect(jsonPath("$.data.found").value(true))
                    .andExpect(jsonPath("$.data.data.package_number").value("CV-1"))
                    .andExpect(jsonPath("$.data.cached_at").value(notNullValue()))
                    .andExpect(jsonPath("$.data.expires_at").value(notNullValue()));
        }

        @Test
        void invalidateCacheWritesAClusterWideEntryAndClearsBothCaches() throws Exception {
            // a cached "no manifest": no change of it is in flight, so the preload listener cannot re-warm it
            String tn = unique("IC");
            resolver.resolve(tn);
            assertThat(sync.cached(tn).cached()).isTrue();
            long before = sync.statistics().latestSequence();
            mvc.perform(post("/api/v1/admin/sync/invalidate-cache").with(user("a").roles("ADMIN")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.cluster_wide").value(true));
            assertThat(sync.cached(tn).cached()).isFalse();
            assertThat(carrierCache.invalidateAllCalls.get()).isEqualTo(1);
            List<ManifestChange> entries = jdbcAfter(before);
            assertThat(entries).extracting(ManifestChange::operation).containsExactly("invalidate_all");
            assertThat(entries.get(0).nodeId()).isEqualTo(sync.nodeId());
            assertThat(auditCount("SYNC_INVALIDATE_CACHE")).isPositive();
        }

        @Test
        void healthIsHealthyWithItsFiguresAndAppearsInActuatorAndTheOverview() throws Exception {
            mvc.perform(get("/api/v1/admin/sync/health").with(user("v").roles("VIEWER")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.status").value("healthy"))
                    .andExpect(jsonPath("$.data.reasons.length()").value(0))
                    .andExpect(jsonPath("$.data.tailer_running").value(true))
                    .andExpect(jsonPath("$.data.lag").value(0));
            mvc.perform(get("/actuator/health").with(user("a").roles("ADMIN"))) // details need ADMIN (12.7)
                    .andExpect(jsonPath("$.components.sync.status").value("UP"))
                    .andExpect(jsonPath("$.components.sync.details.status").value("healthy"));
            mvc.perform(get("/api/v1/admin/manifest/statistics/overview").with(user("v").roles("VIEWER")))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.data.sync_status.status").value("healthy"))
                    .andExpect(jsonPath("$.data.sync_status.node_id").value(sync.nodeId()))
                    .andExpect(jsonPath("$.data.sync_status.pending_operations").isNumber());
        }

        @Test
        void updateOfPackageNumberIsVisibleToTheNextQueryAndInvalidatesBothPackages() {
            String tn = unique("UP");
            Manifest m = manifests.create(manifest(tn, "OLD-1"));
            assertThat(resolver.resolve(tn)).get().extracting(Manifest::packageNumber).isEqualTo("OLD-1");
            carrierCache.reset();
            manifests.update(m.id(), m.version(), manifest(tn, "NEW-1"), Set.of("package_number"));
            assertThat(resolver.resolve(tn)).get().extracting(Manifest::packageNumber).isEqualTo("NEW-1");
            assertThat(carrierCache.invalidated(tn)).isTrue();
            assertThat(carrierCache.invalidated("OLD-1")).isTrue();
            assertThat(carrierCache.invalidated("NEW-1")).isTrue();
        }

        @Test
        void changeOfTheTrackingNumberInvalidatesTheOldNumberToo() {
            String tn = unique("TN");
            String renamed = unique("TR");
            Manifest m = manifests.create(manifest(tn, "REN-1"));
            assertThat(resolver.resolve(tn)).isPresent();
            assertThat(resolver.resolve(renamed)).isEmpty();
            manifests.update(m.id(), m.version(), manifest(renamed, "REN-1"), Set.of("tracking_number"));
            assertThat(resolver.resolve(tn)).isEmpty();
            assertThat(resolver.resolve(renamed)).get().extracting(Manifest::packageNumber).isEqualTo("REN-1");
        }

        @Test
        void deleteIsVisibleToTheNextQuery() {
            String tn = unique("DL");
            Manifest m = manifests.create(manifest(tn, "DEL-1"));
            assertThat(resolver.resolve(tn)).isPresent();
            manifests.delete(m.id(), true);
            assertThat(resolver.resolve(tn)).isEmpty();
            assertThat(carrierCache.invalidated("DEL-1")).isTrue();
        }

        @Test
        void aNumberCachedAsUnknownResolvesThroughItsPackageOnceInserted() {
            String byApi = unique("NA");
            String byImport = unique("NI");
            assertThat(resolver.resolve(byApi)).isEmpty();
            assertThat(resolver.resolve(byImport)).isEmpty();
            assertThat(sync.cached(byApi).cached()).isTrue();
            manifests.create(manifest(byApi, "NEG-API"));
            assertThat(resolver.resolve(byApi)).get().extracting(Manifest::packageNumber).isEqualTo("NEG-API");
            manifests.upsertBatch(List.of(manifest(byImport, "NEG-IMP")), "import");
            assertThat(resolver.resolve(byImport)).get().extracting(Manifest::packageNumber).isEqualTo("NEG-IMP");
        }

        @Test
        void oneImportBatchIsOneBulkInvalidation() {
            List<ManifestInput> rows = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                rows.add(manifest(unique("IB" + i), "IBP-" + (i % 3)));
            }
            carrierCache.reset();
            manifests.upsertBatch(rows, "import");
            assertThat(carrierCache.invalidations).hasSize(1);
            assertThat(carrierCache.invalidations.get(0)).contains(rows.get(0).trackingNumber(),
                    rows.get(299).trackingNumber(), "IBP-0", "IBP-1", "IBP-2");
        }

        @Test
        void aRolledBackTransactionLeavesNoEntryAndInvalidatesNothing() {
            String tn = unique("RB");
            Manifest m = manifests.create(manifest(tn, "RB-1"));
            assertThat(resolver.resolve(tn)).isPresent();
            long latest = sync.statistics().latestSequence();
            long hits = sync.statistics().cacheHits();
            List<List<ManifestChange>> seen = new CopyOnWriteArrayList<>();
            try (Registration r = sync.register(seen::add)) {
                carrierCache.reset();
                TransactionTemplate tx = new TransactionTemplate(transactionManager);
                try {
                    tx.executeWithoutResult(status -> {
                        manifests.update(m.id(), m.version(), manifest(tn, "RB-2"), Set.of("package_number"));
                        manifests.create(manifest(unique("RB"), "RB-3"));
                        throw new IllegalStateException("roll back");
                    });
                } catch (IllegalStateException expected) {
                    // rolled back
                }
                assertThat(jdbcAfter(latest)).isEmpty();
                sync.catchUp();
                assertThat(carrierCache.invalidations).isEmpty();
                assertThat(carrierCache.invalidateAllCalls.get()).isZero();
                assertThat(sync.cached(tn).cached()).isTrue();
                assertThat(resolver.resolve(tn)).get().extracting(Manifest::packageNumber).isEqualTo("RB-1");
                assertThat(sync.statistics().cacheHits()).isEqualTo(hits + 1);
                assertThat(seen).isEmpty();
            }
        }

        /**
         * Spring stops and starts the sync component again (Lifecycle stop/start; the test framework pauses a cached
         * context this way): what was committed meanwhile by another node or program must be applied before it
         * serves again — its cache still holds the old association — and its wake-up channel must be listening
         * again when start returns.
         */
        @Test
        void aStoppedAndRestartedNodeAppliesWhatWasCommittedMeanwhile() {
            String tn = unique("RS");
            manifests.create(manifest(tn, "RS-1"));
            assertThat(resolver.resolve(tn)).get().extracting(Manifest::packageNumber).isEqualTo("RS-1");
            SyncLifecycle lifecycle = context.getBean(SyncLifecycle.class);
            lifecycle.stop();
            try {
                // written outside this node's write path, so only the change log tells this node about it
                assertThat(jdbc.sql("UPDATE cargo_manifest SET package_number = 'RS-2' WHERE tracking_number = :t")
                        .param("t", tn).update()).isEqualTo(1);
            } finally {
                lifecycle.start();
            }
            assertThat(resolver.resolve(tn)).get().extracting(Manifest::packageNumber).isEqualTo("RS-2");
            SyncHealth health = sync.health();
            assertThat(health.status()).as("reasons: %s", health.reasons()).isEqualTo(SyncHealth.HEALTHY);
        }

        @Test
        void registeredListenersGetChangesAndAFailingListenerIsIsolated() throws Exception {
            String tn = unique("LS");
            CountDownLatch healthyGotIt = new CountDownLatch(1);
            List<ManifestChange> received = new CopyOnWriteArrayList<>();
            long failuresBefore = sync.statistics().listenerFailures();
            int activeBefore = sync.statistics().activeListeners();
            Registration failing = sync.register(changes -> {
                throw new IllegalStateException("listener bug");
            });
            Registration healthy = sync.register(changes -> {
                changes.stream().filter(c -> tn.equals(c.trackingNumber())).forEach(c -> {
                    received.add(c);
                    healthyGotIt.countDown();
                });
            });
            assertThat(sync.statistics().activeListeners()).isEqualTo(activeBefore + 2);
            manifests.create(manifest(tn, "LS-1"));
            assertThat(healthyGotIt.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(received.get(0).operation()).isEqualTo("insert");
            SyncTestSupport.await(Duration.ofSeconds(5),
                    () -> sync.statistics().listenerFailures() > failuresBefore);
            failing.close();
            healthy.close();
            assertThat(failing.isActive()).isFalse();
            assertThat(sync.statistics().activeListeners()).isEqualTo(activeBefore);
        }

        @Test
        void aListenerBeanIsRegisteredWithItsContextAndUnregisteredWhenItIsClosed() {
            int before = sync.statistics().activeListeners();
            try (AnnotationConfigApplicationContext child = new AnnotationConfigApplicationContext()) {
                child.setParent(context);
                child.registerBean("syncTestListener", ManifestChangeListener.class, () -> changes -> {
                });
                child.registerBean(ListenerBeanRegistrar.class, () -> new ListenerBeanRegistrar(
                        context.getBeanProvider(SyncService.class)));
                child.refresh();
                assertThat(sync.statistics().activeListeners()).isEqualTo(before + 1);
            }
            assertThat(sync.statistics().activeListeners()).isEqualTo(before);
        }

        @Test
        void thePreloadListenerRewarmsARecentlyQueriedManifestAfterItChanges() {
            String tn = unique("PL");
            Manifest m = manifests.create(manifest(tn, "PL-1"));
            resolver.resolve(tn);
            manifests.update(m.id(), m.version(), manifest(tn, "PL-2"), Set.of("package_number"));
            SyncTestSupport.await(Duration.ofSeconds(5), () -> sync.cached(tn).cached());
            assertThat(sync.cached(tn).data().packageNumber()).isEqualTo("PL-2");
        }

        @Test
        void theJavaApiPutsAndReadsTheCache() {
            String tn = unique("JA");
            Manifest m = manifests.create(manifest(tn, "JA-1"));
            sync.invalidateAll();
            sync.cacheManifest(m);
            assertThat(sync.cached(tn).cached()).isTrue();
            long hits = sync.statistics().cacheHits();
            assertThat(sync.resolve(tn.toLowerCase())).contains(m);
            assertThat(sync.statistics().cacheHits()).isEqualTo(hits + 1);
            assertThat(sync.forceSync("nope" + tn)).isEmpty();
        }

        @Test
        void metricsCountOperationsByTypeAndRecordLagDelayAndCacheFigures() {
            String tn = unique("ME");
            Manifest m = manifests.create(manifest(tn, "ME-1"));
            manifests.delete(m.id(), true);
            resolver.resolve(tn);
            assertThat(meters.get("tallytrack.sync.operations").tag("operation", "insert").counter().count())
                    .isPositive();
            assertThat(meters.get("tallytrack.sync.operations").tag("operation", "delete").counter().count())
                    .isPositive();
            assertThat(meters.get("tallytrack.sync.propagation.delay").timer().count()).isPositive();
            assertThat(meters.get("tallytrack.sync.lag").gauge().value()).isZero();
            assertThat(meters.get("tallytrack.sync.cache.size").tag("cache", "manifest").gauge().value())
                    .isPositive();
            assertThat(meters.get("tallytrack.sync.cache.size").tag("cache", "carrier").gauge().value())
                    .isEqualTo(7);
            assertThat(meters.get("tallytrack.sync.cache.hit.rate").tag("cache", "manifest").gauge().value())
                    .isBetween(0.0, 1.0);
            assertThat(meters.get("tallytrack.sync.cache.requests").tag("result", "miss").functionCounter().count())
                    .isPositive();
        }

        long auditCount(String action) {
            return jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = :a").param("a", action)
                    .query(Long.class).single();
        }

        List<ManifestChange> jdbcAfter(long seq) {
            return jdbc.sql("SELECT seq, operation, node_id FROM sync_change_entry WHERE seq > :s ORDER BY seq")
                    .param("s", seq)
                    .query((rs, n) -> new ManifestChange(rs.getLong(1), rs.getString(2), null, null, null, null, null,
                            rs.getString(3), null))
                    .list();
        }

    }

    // Runs as SyncApiH2Test and SyncApiPostgresTest:
    // top-level classes, so the default surefire includes find them.
}
