package com.tallytrack.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The two-leg journey of {@code POST /api/v1/tracking/query} with {@code include_journey} (issue 11.2), against the
 * simulator carrier. Carrier calls are counted on the carrier's own call meter, so a leg answered without a call
 * shows as zero calls.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
class JourneyApiTest {

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    @Autowired
    MockMvc mvc;
    @Autowired
    ManifestService manifests;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    MeterRegistry meters;

    private final String clientIp = "10.7.0." + CLIENTS.incrementAndGet();

    private static String unique(String prefix) {
        return prefix + Long.toString(System.nanoTime(), 36).toUpperCase();
    }

    private double carrierCalls() {
        return meters.find("tallytrack.carrier.calls").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private ResultActions single(String json) throws Exception {
        return mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .post("/api/v1/tracking/query").with(r -> {
                    r.setRemoteAddr(clientIp);
                    return r;
                }).contentType(MediaType.APPLICATION_JSON).content(json));
    }

    private ResultActions journey(String number) throws Exception {
        return single("{\"tracking_number\":\"" + number + "\",\"include_journey\":true}");
    }

    private void link(String tracking, String pkg) {
        manifests.create(new ManifestInput(tracking, LocalDate.of(2026, 3, 4), "T1", "C1", "G1", pkg, null, null,
                null, null, null));
    }

    private void storeResult(String number, String milestone, String state, boolean isFinal, String tracksJson) {
        jdbc.sql("INSERT INTO carrier_result (query_number, company_code, company_name, state, detailed_state,"
                        + " milestone, is_final, simulated, tracks, track_count, newest_event_time, last_event, source,"
                        + " received_at) VALUES (:n, 'zhongtong', '中通快递', :state, NULL, :m, :f, TRUE, :tracks, 1,"
                        + " :t, 'signed', 'push', :t)")
                .param("n", number).param("state", state).param("m", milestone).param("f", isFinal)
                .param("tracks", tracksJson).param("t", Timestamp.from(Instant.parse("2026-03-01T08:00:00Z")))
                .update();
    }

    @Test
    void aLinkedNumberHasTheDomesticLegTheWarehouseStepAndThePackageLeg() throws Exception {
        String tracking = unique("JL");
        String pkg = unique("PJ");
        link(tracking, pkg);
        double before = carrierCalls();

        journey(tracking)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                // the plain answer is unchanged
                .andExpect(jsonPath("$.query_tracking_number").value(pkg))
                .andExpect(jsonPath("$.query_type").value("package"))
                .andExpect(jsonPath("$.tracking_info.tracks[0].description").isNotEmpty())
                .andExpect(jsonPath("$.journey.legs", hasSize(2)))
                .andExpect(jsonPath("$.journey.legs[0].role").value("original"))
                .andExpect(jsonPath("$.journey.legs[0].query_tracking_number").value(tracking))
                .andExpect(jsonPath("$.journey.legs[0].available").value(true))
                .andExpect(jsonPath("$.journey.legs[0].company_name").isNotEmpty())
                .andExpect(jsonPath("$.journey.legs[0].tracks[0].description").isNotEmpty())
                .andExpect(jsonPath("$.journey.legs[1].role").value("package"))
                .andExpect(jsonPath("$.journey.legs[1].query_tracking_number").value(pkg))
                .andExpect(jsonPath("$.journey.legs[1].tracks[0].description").isNotEmpty())
                .andExpect(jsonPath("$.journey.warehouse.package_number").value(pkg))
                .andExpect(jsonPath("$.journey.warehouse.manifest_date").value("2026-03-04"));
        assertThat(carrierCalls() - before).isEqualTo(2);
    }

    @Test
    void anUnlinkedNumberHasOneLegAndCostsOneCall() throws Exception {
        String tracking = unique("JU");
        double before = carrierCalls();

        journey(tracking)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.query_type").value("original"))
                .andExpect(jsonPath("$.journey.legs", hasSize(1)))
                .andExpect(jsonPath("$.journey.legs[0].role").value("original"))
                .andExpect(jsonPath("$.journey.legs[0].query_tracking_number").value(tracking))
                .andExpect(jsonPath("$.journey.warehouse").doesNotExist());
        assertThat(carrierCalls() - before).isEqualTo(1);
    }

    @Test
    void aStoredFinalOriginalLegIsNeverAskedAgain() throws Exception {
        String tracking = unique("JF");
        String pkg = unique("PF");
        link(tracking, pkg);
        storeResult(tracking, "delivered", "3", true,
                "[{\"time\":\"2026-03-01 08:00:00\",\"location\":\"杭州\",\"description\":\"已签收 <b>仓库</b>\","
                        + "\"milestone\":\"delivered\"}]");
        storeResult(pkg, "customs", "8", false, "[]");
        double before = carrierCalls();

        journey(tracking)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.journey.legs[0].source").value("stored"))
                .andExpect(jsonPath("$.journey.legs[0].milestone").value("delivered"))
                .andExpect(jsonPath("$.journey.legs[0].is_final").value(true))
                .andExpect(jsonPath("$.journey.legs[0].company_name").value("中通快递"))
                .andExpect(jsonPath("$.journey.legs[0].tracks[0].description").value("已签收 <b>仓库</b>"))
                .andExpect(jsonPath("$.journey.legs[0].tracks[0].milestone").value("delivered"))
                // the package leg's milestone comes from its stored result
                .andExpect(jsonPath("$.journey.legs[1].milestone").value("customs"));
        // nothing was asked: the final original leg and the package's recent result both come from carrier_result
        assertThat(carrierCalls() - before).isZero();
    }

    @Test
    void theBudgetHoldsRepeatedJourneysAskNothingAndTheDefaultQueryNeverAsksTheOriginalNumber() throws Exception {
        String tracking = unique("JB");
        String pkg = unique("PB");
        String other = unique("JB");
        link(tracking, pkg);
        // linked before the first query: a manifest change drops the package's cached carrier result
        link(other, pkg);

        double before = carrierCalls();
        single("{\"tracking_number\":\"" + tracking + "\"}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.journey").doesNotExist());
        assertThat(carrierCalls() - before).as("default query: the package only").isEqualTo(1);

        before = carrierCalls();
        journey(tracking).andExpect(status().isOk());
        assertThat(carrierCalls() - before).as("journey: the original number once, the package from cache")
                .isEqualTo(1);

        before = carrierCalls();
        journey(tracking).andExpect(status().isOk())
                .andExpect(jsonPath("$.journey.legs[0].available").value(true))
                .andExpect(jsonPath("$.cached").value(true));
        assertThat(carrierCalls() - before).as("within 30 minutes both legs come from the cache").isEqualTo(0);

        before = carrierCalls();
        mvc.perform(post("/api/v1/tracking/batch-query").with(r -> {
            r.setRemoteAddr(clientIp);
            return r;
        }).contentType(MediaType.APPLICATION_JSON)
                .content("{\"tracking_numbers\":[\"" + tracking + "\",\"" + other + "\"],\"include_journey\":true}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results[0].journey").doesNotExist());
        assertThat(carrierCalls() - before).as("a batch never asks for journeys").isEqualTo(0);
    }

    @Test
    void aFailingDomesticLegIsMarkedUnavailableAndThePackageLegStillAnswers() throws Exception {
        // the simulator answers NOT_FOUND for numbers ending in 0000
        String tracking = unique("JX") + "0000";
        String pkg = unique("PX");
        link(tracking, pkg);

        journey(tracking)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.journey.legs[0].role").value("original"))
                .andExpect(jsonPath("$.journey.legs[0].available").value(false))
                .andExpect(jsonPath("$.journey.legs[0].error_code").value("NOT_FOUND"))
                .andExpect(jsonPath("$.journey.legs[0].error").isNotEmpty())
                .andExpect(jsonPath("$.journey.legs[0].tracks", hasSize(0)))
                .andExpect(jsonPath("$.journey.legs[1].available").value(true))
                .andExpect(jsonPath("$.journey.legs[1].tracks[0].description").isNotEmpty());
    }

    @Test
    void invalidInputWithAJourneyIsRefusedLikeThePlainQuery() throws Exception {
        journey("<script>")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_TRACKING_NUMBER"));
    }
}
