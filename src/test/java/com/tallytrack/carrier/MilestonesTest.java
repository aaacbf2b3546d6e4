package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.tallytrack.carrier.internal.CarrierCodes;

/** Every base state and advanced sub-code of protocol reference §2.6 maps to the documented milestone. */
class MilestonesTest {

    /** The table of docs/carrier.md, code by code, in the order of the protocol reference. */
    static final Map<String, Milestone> TABLE = new LinkedHashMap<>();
    static {
        TABLE.put("1", Milestone.IN_TRANSIT);
        TABLE.put("101", Milestone.INFO_RECEIVED);
        TABLE.put("102", Milestone.INFO_RECEIVED);
        TABLE.put("103", Milestone.IN_TRANSIT);
        TABLE.put("0", Milestone.IN_TRANSIT);
        TABLE.put("1001", Milestone.IN_TRANSIT);
        TABLE.put("1002", Milestone.IN_TRANSIT);
        TABLE.put("1003", Milestone.IN_TRANSIT);
        TABLE.put("5", Milestone.OUT_FOR_DELIVERY);
        TABLE.put("501", Milestone.AVAILABLE_FOR_PICKUP);
        TABLE.put("3", Milestone.DELIVERED);
        TABLE.put("301", Milestone.DELIVERED);
        TABLE.put("302", Milestone.DELIVERED);
        TABLE.put("303", Milestone.DELIVERED);
        TABLE.put("304", Milestone.DELIVERED);
        TABLE.put("6", Milestone.RETURNING);
        TABLE.put("4", Milestone.RETURNED);
        TABLE.put("401", Milestone.RETURNED);
        TABLE.put("14", Milestone.RETURNED);
        TABLE.put("7", Milestone.IN_TRANSIT);
        TABLE.put("2", Milestone.EXCEPTION);
        TABLE.put("201", Milestone.ATTEMPT_FAIL);
        TABLE.put("202", Milestone.EXCEPTION);
        TABLE.put("203", Milestone.EXCEPTION);
        TABLE.put("204", Milestone.ATTEMPT_FAIL);
        TABLE.put("205", Milestone.AVAILABLE_FOR_PICKUP);
        TABLE.put("206", Milestone.ATTEMPT_FAIL);
        TABLE.put("207", Milestone.EXCEPTION);
        TABLE.put("208", Milestone.EXCEPTION);
        TABLE.put("209", Milestone.EXCEPTION);
        TABLE.put("210", Milestone.EXCEPTION);
        TABLE.put("8", Milestone.CUSTOMS);
        TABLE.put("10", Milestone.CUSTOMS);
        TABLE.put("11", Milestone.CUSTOMS);
        TABLE.put("12", Milestone.CUSTOMS);
        TABLE.put("13", Milestone.EXCEPTION);
    }

    private static final List<CarrierTrack> ONE_EVENT = List.of(new CarrierTrack("2026-01-09 10:00:00", "上海", "x"));

    @Test
    void everyCodeOfTheReferenceHasItsMilestone() {
        assertThat(TABLE).hasSize(36);
        TABLE.forEach((code, milestone) -> {
            assertThat(Milestones.ofCode(code)).as("code %s", code).isEqualTo(milestone);
            assertThat(CarrierCodes.baseState(code)).as("code %s is a documented one", code).isNotNull();
        });
    }

    @Test
    void theAdvancedCodeDecidesOverTheBaseState() {
        TABLE.forEach((code, milestone) -> {
            String base = CarrierCodes.baseState(code);
            String detailed = code.equals(base) ? null : code;
            assertThat(Milestones.of(base, detailed, ONE_EVENT)).as("state %s / %s", base, detailed)
                    .isEqualTo(milestone);
        });
    }

    @Test
    void unknownCodesNeverFailAndFallBackToTheNewestEventThenInTransit() {
        assertThat(Milestones.ofCode("999")).isNull();
        assertThat(Milestones.ofCode("abc")).isNull();
        assertThat(Milestones.ofCode(null)).isNull();
        assertThat(Milestones.of(null, null, ONE_EVENT)).isEqualTo(Milestone.IN_TRANSIT);
        List<CarrierTrack> coded = List.of(CarrierTrack.withCode("2026-01-09 10:00:00", "上海", "x", "11"));
        assertThat(Milestones.of(null, null, coded)).isEqualTo(Milestone.CUSTOMS);
    }

    @Test
    void noEventsIsPendingWhateverTheState() {
        assertThat(Milestones.of("0", null, List.of())).isEqualTo(Milestone.PENDING);
        assertThat(new CarrierResult("yuantong", "圆通速递", "0", null, false, List.of(), false).milestone())
                .isEqualTo(Milestone.PENDING);
    }

    @Test
    void eachTrackCarriesTheMilestoneOfItsStatusCode() {
        assertThat(CarrierTrack.withCode("t", null, "d", "304").milestone()).isEqualTo(Milestone.DELIVERED);
        assertThat(CarrierTrack.withCode("t", null, "d", " 10 ").milestone()).isEqualTo(Milestone.CUSTOMS);
        assertThat(CarrierTrack.withCode("t", null, "d", null).milestone()).isNull();
        assertThat(new CarrierTrack("t", null, "d").milestone()).isNull();
    }

    @Test
    void aQuietParcelExpiresButADeliveredOneDoesNot() {
        Instant now = Instant.parse("2026-02-01T00:00:00Z");
        Instant old = now.minus(Duration.ofDays(31));
        Duration after = Duration.ofDays(30);
        assertThat(Milestones.withExpiry(Milestone.IN_TRANSIT, old, now, after)).isEqualTo(Milestone.EXPIRED);
        assertThat(Milestones.withExpiry(Milestone.EXCEPTION, old, now, after)).isEqualTo(Milestone.EXPIRED);
        assertThat(Milestones.withExpiry(Milestone.IN_TRANSIT, now.minus(Duration.ofDays(29)), now, after))
                .isEqualTo(Milestone.IN_TRANSIT);
        assertThat(Milestones.withExpiry(Milestone.DELIVERED, old, now, after)).isEqualTo(Milestone.DELIVERED);
        assertThat(Milestones.withExpiry(Milestone.RETURNED, old, now, after)).isEqualTo(Milestone.RETURNED);
    }

    @Test
    void eventTimesAreBeijingTime() {
        assertThat(Milestones.parseTime("2026-01-09 10:00:00")).isEqualTo(Instant.parse("2026-01-09T02:00:00Z"));
        assertThat(Milestones.parseTime("garbage")).isNull();
        assertThat(Milestones.newestEventTime(List.of(new CarrierTrack("2026-01-08 10:00:00", null, "a"),
                new CarrierTrack("2026-01-09 10:00:00", null, "b")))).isEqualTo(Instant.parse("2026-01-09T02:00:00Z"));
    }
}
