package com.tallytrack.packages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.carrier.Milestone;
import com.tallytrack.carrier.MilestoneChanged;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.support.AdminLogin;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The package board API (issue 11.3) over HTTP on H2: listing with filters, paging and flagged-first order, drill-down,
 * refresh through the carrier service, CSV export with its limit, flagging published once, and who may do what.
 * Stored carrier results are inserted into {@code carrier_result} directly, as the carrier module stores them. Each
 * test uses its own package-number prefix and filters on it, so tests sharing the context do not see each other.
 */
@SpringBootTest(properties = {"tallytrack.packages.scan-interval=1h", "tallytrack.packages.export-max-rows=5",
        "tallytrack.packages.stale-days=5"})
@AutoConfigureMockMvc
@ActiveProfiles("test")
class PackageBoardApiTest {

    @TestConfiguration
    static class Events {
        @Bean
        FlagRecorder flagRecorder() {
            return new FlagRecorder();
        }
    }

    static class FlagRecorder {
        final List<PackageFlagged> flagged = new CopyOnWriteArrayList<>();

        @EventListener
        void on(PackageFlagged event) {
            flagged.add(event);
        }

        List<PackageFlagged> of(String prefix) {
            return flagged.stream().filter(e -> e.packageNumber().startsWith(prefix)).toList();
        }
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    ManifestService manifests;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PackageFlagging flagging;
    @Autowired
    FlagRecorder recorder;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    MeterRegistry meters;

    String token;
    String prefix;
    final Instant now = Instant.now();

    @BeforeEach
    void setUp() throws Exception {
        token = AdminLogin.adminToken(mvc);
        prefix = "B" + Long.toString(System.nanoTime(), 36).toUpperCase() + "-";
    }

    private void parcels(String pkg, int count) {
        for (int i = 0; i < count; i++) {
            manifests.create(new ManifestInput(pkg.replace("-", "") + "T" + i, LocalDate.of(2026, 2, 1), "T1",
                    "C" + i, "G1", pkg, null, null, null, null, null));
        }
    }

    private void stored(String number, String milestone, boolean isFinal, Instant newestEvent, String lastEvent) {
        jdbc.sql("DELETE FROM carrier_result WHERE query_number = :n").param("n", number).update();
        jdbc.sql("INSERT INTO carrier_result (query_number, company_code, company_name, state, detailed_state,"
                        + " milestone, is_final, simulated, tracks, track_count, newest_event_time, last_event, source,"
                        + " received_at) VALUES (:n, 'ems', 'EMS', '0', NULL, :m, :f, TRUE, :tracks, 1, :t, :e,"
                        + " 'query', :r)")
                .param("n", number).param("m", milestone).param("f", isFinal)
                .param("tracks", "[{\"time\":\"2026-02-01 10:00:00\",\"location\":\"上海\",\"description\":\""
                        + lastEvent.replace("\"", "\\\"") + "\",\"milestone\":\"" + milestone + "\"}]")
                .param("t", OffsetDateTime.ofInstant(newestEvent, ZoneOffset.UTC)).param("e", lastEvent)
                .param("r", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .update();
    }

    /** A: 3 parcels moving; B: 1 parcel in exception; C: 2 parcels never queried; D: 1 parcel, no event for 10 days. */
    private void board() {
        parcels(prefix + "A", 3);
        parcels(prefix + "B", 1);
        parcels(prefix + "C", 2);
        parcels(prefix + "D", 1);
        stored(prefix + "A", "in_transit", false, now.minus(Duration.ofHours(3)), "到达上海转运中心");
        stored(prefix + "B", "exception", false, now.minus(Duration.ofHours(1)), "包裹破损");
        stored(prefix + "D", "in_transit", false, now.minus(Duration.ofDays(10)), "离开广州");
    }

    private String list(String query) throws Exception {
        return mvc.perform(get("/api/v1/admin/packages?q=" + prefix + (query.isEmpty() ? "" : "&" + query))
                        .with(AdminLogin.bearer(token)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    private List<String> numbers(String body) {
        return JsonPath.read(body, "$.data[*].package_number");
    }

    @Test
    void theBoardListsPackagesWithParcelCountsAndStoredResultsFlaggedFirst() throws Exception {
        board();
        mvc.perform(get("/api/v1/admin/packages").param("q", prefix.toLowerCase()).with(AdminLogin.bearer(token)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.pagination.total_count").value(4))
                .andExpect(jsonPath("$.data[0].package_number").value(prefix + "B"))
                .andExpect(jsonPath("$.data[0].flagged").value(true))
                .andExpect(jsonPath("$.data[0].flag_reason").value("exception"))
                .andExpect(jsonPath("$.data[0].milestone").value("exception"))
                .andExpect(jsonPath("$.data[0].last_event").value("包裹破损"))
                .andExpect(jsonPath("$.data[1].package_number").value(prefix + "D"))
                .andExpect(jsonPath("$.data[1].flag_reason").value("stale"))
                .andExpect(jsonPath("$.data[2].package_number").value(prefix + "A"))
                .andExpect(jsonPath("$.data[2].parcel_count").value(3))
                .andExpect(jsonPath("$.data[2].flagged").value(false))
                .andExpect(jsonPath("$.data[2].flag_reason").doesNotExist())
                .andExpect(jsonPath("$.data[2].last_event_time").isNotEmpty())
                .andExpect(jsonPath("$.data[2].checked_at").isNotEmpty())
                .andExpect(jsonPath("$.data[3].package_number").value(prefix + "C"))
                .andExpect(jsonPath("$.data[3].milestone").value("unknown"))
                .andExpect(jsonPath("$.data[3].parcel_count").value(2))
                .andExpect(jsonPath("$.data[3].checked_at").doesNotExist());
    }

    @Test
    void filtersSelectByMilestoneStalenessAndFlag() throws Exception {
        board();
        assertThat(numbers(list("milestone=unknown"))).containsExactly(prefix + "C");
        assertThat(numbers(list("milestone=EXCEPTION"))).containsExactly(prefix + "B");
        assertThat(numbers(list("stale_days=7"))).containsExactly(prefix + "D");
        assertThat(numbers(list("stale_days=1"))).containsExactly(prefix + "D");
        assertThat(numbers(list("flagged=true"))).containsExactly(prefix + "B", prefix + "D");
        assertThat(numbers(list("flagged=false"))).containsExactly(prefix + "A", prefix + "C");
        assertThat(numbers(list("flagged=true&milestone=in_transit"))).containsExactly(prefix + "D");
    }

    @Test
    void badFiltersAreRefusedWithTheErrorBody() throws Exception {
        mvc.perform(get("/api/v1/admin/packages?milestone=lost").with(AdminLogin.bearer(token)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.success").value(false))
                .andExpect(jsonPath("$.error.code").value("INVALID_PARAMETER"))
                .andExpect(jsonPath("$.error.details.parameter").value("milestone"));
        mvc.perform(get("/api/v1/admin/packages?sort_by=secret").with(AdminLogin.bearer(token)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_SORT_FIELD"));
        mvc.perform(get("/api/v1/admin/packages?stale_days=0").with(AdminLogin.bearer(token)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details.parameter").value("stale_days"));
        mvc.perform(get("/api/v1/admin/packages?stale_days=abc").with(AdminLogin.bearer(token)))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/api/v1/admin/packages?q=%3Cscript%3E").with(AdminLogin.bearer(token)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.details.parameter").value("q"));
    }

    @Test
    void pagesAndSortOrdersFollowTheListingRules() throws Exception {
        board();
        String second = list("limit=2&page=2");
        assertThat(numbers(second)).containsExactly(prefix + "A", prefix + "C");
        assertThat((Integer) JsonPath.read(second, "$.pagination.total_pages")).isEqualTo(2);
        assertThat((Boolean) JsonPath.read(second, "$.pagination.has_prev")).isTrue();
        assertThat((Boolean) JsonPath.read(second, "$.pagination.has_next")).isFalse();
        assertThat(numbers(list("sort_by=parcel_count&sort_order=desc"))).containsExactly(prefix + "A",
                prefix + "C", prefix + "B", prefix + "D");
        assertThat(numbers(list("sort_by=package_number"))).containsExactly(prefix + "A", prefix + "B",
                prefix + "C", prefix + "D");
        // never-queried packages sort last either way
        assertThat(numbers(list("sort_by=last_event_time&sort_order=desc"))).containsExactly(prefix + "B",
                prefix + "A", prefix + "D", prefix + "C");
        // a limit over the maximum page size is clamped, not refused
        assertThat((Integer) JsonPath.read(list("limit=100000"), "$.pagination.limit")).isEqualTo(200);
    }

    @Test
    void theDrillDownShowsTheParcelsAndTheLatestStoredResult() throws Exception {
        board();
        mvc.perform(get("/api/v1/admin/packages/" + prefix.toLowerCase() + "a").with(AdminLogin.bearer(token)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.summary.package_number").value(prefix + "A"))
                .andExpect(jsonPath("$.data.summary.parcel_count").value(3))
                .andExpect(jsonPath("$.data.parcels", hasSize(3)))
                .andExpect(jsonPath("$.data.parcels[0].tracking_number").value(prefix.replace("-", "") + "AT0"))
                .andExpect(jsonPath("$.data.parcels_truncated").value(false))
                .andExpect(jsonPath("$.data.latest_result.milestone").value("in_transit"))
                .andExpect(jsonPath("$.data.latest_result.tracks[0].description").value("到达上海转运中心"));
        mvc.perform(get("/api/v1/admin/packages/" + prefix + "C").with(AdminLogin.bearer(token)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.summary.milestone").value("unknown"))
                .andExpect(jsonPath("$.data.latest_result").doesNotExist());
        mvc.perform(get("/api/v1/admin/packages/" + prefix + "NONE").with(AdminLogin.bearer(token)))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error.code").value("PACKAGE_NOT_FOUND"));
        mvc.perform(get("/api/v1/admin/packages/a%20b").with(AdminLogin.bearer(token)))
                .andExpect(status().isBadRequest());
    }

    @Test
    void aFlaggingIsPublishedOnceAndAgainOnlyAfterItCleared() throws Exception {
        board();
        flagging.scan();
        flagging.scan();
        List<PackageFlagged> flagged = recorder.of(prefix);
        assertThat(flagged).extracting(PackageFlagged::packageNumber, PackageFlagged::reason)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(prefix + "B", "exception"),
                        org.assertj.core.groups.Tuple.tuple(prefix + "D", "stale"));
        PackageFlagged b = flagged.stream().filter(e -> e.packageNumber().equals(prefix + "B")).findFirst()
                .orElseThrow();
        assertThat(b.trackingNumbers()).containsExactly(prefix.replace("-", "") + "BT0");
        assertThat(b.lastEventTime()).isNotNull();

        // B recovers: the flag clears; B relapses: a second flagging
        stored(prefix + "B", "in_transit", false, now, "重新发出");
        flagging.scan();
        assertThat(numbers(list("flagged=true"))).containsExactly(prefix + "D");
        stored(prefix + "B", "exception", false, now, "再次异常");
        flagging.scan();
        assertThat(recorder.of(prefix + "B")).hasSize(2);
    }

    @Test
    void aStoredResultArrivingInExceptionFlagsItsPackageAtOnce() throws Exception {
        parcels(prefix + "E", 2);
        transactions.executeWithoutResult(s -> {
            stored(prefix + "E", "exception", false, now, "清关异常");
            events.publishEvent(new MilestoneChanged(prefix + "E", "ems", Milestone.IN_TRANSIT, Milestone.EXCEPTION,
                    now, "清关异常", now));
            // nothing before the storing transaction commits
            assertThat(recorder.of(prefix)).isEmpty();
        });
        assertThat(recorder.of(prefix)).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("exception");
            assertThat(e.trackingNumbers()).hasSize(2);
        });
    }

    @Test
    void twoNodesScanningAtOnceFlagEachPackageOnce() throws Exception {
        for (int i = 0; i < 5; i++) {
            parcels(prefix + "N" + i, 1);
            stored(prefix + "N" + i, "exception", false, now, "异常");
        }
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> runs = List.of(
                    nodes.submit(() -> { go.await(); return flagging.scan(); }),
                    nodes.submit(() -> { go.await(); return flagging.scan(); }));
            go.countDown();
            for (Future<Integer> run : runs) {
                run.get();
            }
        } finally {
            nodes.shutdownNow();
        }
        assertThat(recorder.of(prefix)).extracting(PackageFlagged::packageNumber).doesNotHaveDuplicates().hasSize(5);
    }

    @Test
    void theExportHoldsTheFilteredListWithFormulaLikeTextNeutralised() throws Exception {
        parcels(prefix + "X", 1);
        stored(prefix + "X", "exception", false, now, "=HYPERLINK(\"http://evil\",\"点我\")");
        parcels(prefix + "Y", 1);
        String csv = mvc.perform(get("/api/v1/admin/packages/export.csv").param("q", prefix)
                        .with(AdminLogin.bearer(token)))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", startsWith("text/csv")))
                .andExpect(header().string("Content-Disposition", startsWith("attachment")))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        String[] lines = csv.split("\r\n");
        assertThat(lines[0]).isEqualTo("\uFEFFpackage_number,parcel_count,milestone,last_event_time,last_event,"
                + "checked_at,flagged,flag_reason");
        assertThat(lines).hasSize(3);
        assertThat(lines[1]).startsWith(prefix + "X,1,exception,")
                .contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"点我\"\")\",")
                .endsWith(",true,exception");
        assertThat(lines[2]).isEqualTo(prefix + "Y,1,unknown,,,,false,");
    }

    @Test
    void anExportOverItsLimitIsRefusedNamingTheProperty() throws Exception {
        for (int i = 0; i < 6; i++) {
            parcels(prefix + "L" + i, 1);
        }
        mvc.perform(get("/api/v1/admin/packages/export.csv").param("q", prefix).with(AdminLogin.bearer(token))
                        .header("Accept-Language", "en"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("PACKAGE_EXPORT_TOO_LARGE"))
                .andExpect(jsonPath("$.error.details.limit").value(5))
                .andExpect(jsonPath("$.error.details.property").value("tallytrack.packages.export-max-rows"))
                .andExpect(jsonPath("$.error.message").value(org.hamcrest.Matchers.containsString(
                        "tallytrack.packages.export-max-rows")));
    }

    private double carrierCalls() {
        return meters.find("tallytrack.carrier.calls").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void anAdminRefreshGoesThroughTheCarrierCacheAndIsAudited() throws Exception {
        parcels(prefix + "R", 1);
        double before = carrierCalls();
        mvc.perform(post("/api/v1/admin/packages/" + prefix + "R/refresh").with(AdminLogin.bearer(token)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.refresh.success").value(true))
                .andExpect(jsonPath("$.refresh.cached").value(false))
                .andExpect(jsonPath("$.data.summary.package_number").value(prefix + "R"));
        assertThat(carrierCalls() - before).isEqualTo(1);
        mvc.perform(post("/api/v1/admin/packages/" + prefix + "R/refresh").with(AdminLogin.bearer(token)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.refresh.cached").value(true));
        assertThat(carrierCalls() - before).as("the second refresh within 30 minutes is the cached answer")
                .isEqualTo(1);
        String audit = mvc.perform(get("/api/v1/admin/audit").param("action", "PACKAGE_REFRESH").param("limit", "200")
                        .with(AdminLogin.bearer(token)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        List<String> targets = JsonPath.read(audit, "$.data[*].target");
        assertThat(targets.stream().filter((prefix + "R")::equals)).hasSize(2);
        mvc.perform(post("/api/v1/admin/packages/" + prefix + "NONE/refresh").with(AdminLogin.bearer(token)))
                .andExpect(status().isNotFound());
    }

    @Test
    void aViewerReadsButCannotRefreshAndNoTokenIsRefused() throws Exception {
        parcels(prefix + "V", 1);
        String viewer = AdminLogin.viewerToken(mvc);
        mvc.perform(get("/api/v1/admin/packages").param("q", prefix).with(AdminLogin.bearer(viewer)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data[0].package_number").value(prefix + "V"));
        mvc.perform(get("/api/v1/admin/packages/" + prefix + "V").with(AdminLogin.bearer(viewer)))
                .andExpect(status().isOk());
        mvc.perform(get("/api/v1/admin/packages/export.csv").param("q", prefix).with(AdminLogin.bearer(viewer)))
                .andExpect(status().isOk());
        double before = carrierCalls();
        mvc.perform(post("/api/v1/admin/packages/" + prefix + "V/refresh").with(AdminLogin.bearer(viewer)))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.error.code").value("FORBIDDEN"));
        assertThat(carrierCalls()).isEqualTo(before);
        mvc.perform(get("/api/v1/admin/packages")).andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.error.code").value("UNAUTHORIZED"));
        mvc.perform(get("/api/v1/admin/packages/export.csv")).andExpect(status().isUnauthorized());
        mvc.perform(post("/api/v1/admin/packages/" + prefix + "V/refresh")).andExpect(status().isUnauthorized());
    }
}
