package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import com.tallytrack.carrier.internal.SimulatorCarrierClient;

class SimulatorCarrierClientTest {

    private final SimulatorCarrierClient simulator = new SimulatorCarrierClient(
            new MutableClock(Instant.parse("2026-03-01T04:00:00Z")));

    @Test
    void theSameNumberAlwaysGetsTheSameRoute() {
        CarrierResult first = simulator.query(new CarrierQuery("YT2024000123", "auto", null), QueryBudget.UNLIMITED)
                .join();
        CarrierResult again = simulator.query(new CarrierQuery("YT2024000123", "auto", null), QueryBudget.UNLIMITED)
                .join();
        assertThat(again).isEqualTo(first);
        assertThat(first.simulated()).isTrue();
        assertThat(first.tracks()).isNotEmpty();
        assertThat(first.companyName()).isNotBlank();
    }

    @Test
    void routesArePlausibleNewestFirstAndTheStateMatchesTheLastEvent() {
        int signed = 0;
        for (int i = 0; i < 200; i++) {
            CarrierResult r = simulator.query(new CarrierQuery("SIM" + (100001 + i), "auto", null),
                    QueryBudget.UNLIMITED).join();
            assertThat(r.tracks()).isSortedAccordingTo((a, b) -> b.time().compareTo(a.time()));
            assertThat(r.tracks().get(r.tracks().size() - 1).description()).contains("揽收");
            assertThat(r.signed()).isEqualTo(r.tracks().get(0).description().contains("签收"));
            assertThat(r.tracks().get(0).time()).isLessThan("2026-03-01 12:00:00");
            signed += r.signed() ? 1 : 0;
        }
        assertThat(signed).as("some parcels delivered, most still moving").isBetween(10, 100);
    }

    @Test
    void aNumberEndingIn0000IsNotFound() {
        assertThat(simulator.query(new CarrierQuery("YT1230000", "auto", null), QueryBudget.UNLIMITED))
                .failsWithin(java.time.Duration.ofSeconds(1))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(CarrierException.class,
                        e -> assertThat(e.code()).isEqualTo(CarrierErrorCode.NOT_FOUND));
    }

    @Test
    void aGivenCompanyIsKept() {
        CarrierResult r = simulator.query(new CarrierQuery("YT2024000124", "yunda", null), QueryBudget.UNLIMITED)
                .join();
        assertThat(r.companyCode()).isEqualTo("yunda");
        assertThat(r.companyName()).isEqualTo("韵达快递");
    }

    @Test
    void theSimulatorRespectsTheDailyBudgetToo() {
        try {
            simulator.query(new CarrierQuery("YT2024000125", "auto", null), () -> false).join();
        } catch (CompletionException e) {
            assertThat(((CarrierException) e.getCause()).code()).isEqualTo(CarrierErrorCode.RATE_LIMITED);
            return;
        }
        throw new AssertionError("expected RATE_LIMITED");
    }
}
