package com.tallytrack.carrier;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What the carrier knows about one number: the company, the shipment state and the route, newest event first.
 *
 * @param state        the base state code of the Kuaidi100 table (0 in transit, 1 picked up, 2 problem, 3 signed,
 *                     4 returned and signed, 5 out for delivery, 6 returning, 7 transferred, 8 customs,
 *                     14 refused), or {@code null} when the carrier sent a code it does not document
 * @param detailedState the carrier's advanced state code when it sent one (e.g. {@code 301}), else {@code null}
 * @param simulated    true when the answer comes from the simulator, not from a real carrier
 * @param milestone    the normalised milestone ({@link Milestones#of}; {@code expired} is applied by the carrier
 *                     service, which knows the clock and {@code tallytrack.carrier.expire-after})
 */
public record CarrierResult(
        String companyCode,
        String companyName,
        String state,
        String detailedState,
        boolean signed,
        List<CarrierTrack> tracks,
        boolean simulated,
        Milestone milestone) {

    public CarrierResult {
        tracks = tracks == null ? List.of() : List.copyOf(tracks);
        if (milestone == null) {
            milestone = Milestones.of(state, detailedState, tracks);
        }
    }

    /** A result whose milestone follows from its codes and route. */
    public CarrierResult(String companyCode, String companyName, String state, String detailedState, boolean signed,
            List<CarrierTrack> tracks, boolean simulated) {
        this(companyCode, companyName, state, detailedState, signed, tracks, simulated, null);
    }

    public CarrierResult withMilestone(Milestone m) {
        return m == milestone ? this : new CarrierResult(companyCode, companyName, state, detailedState, signed, tracks,
                simulated, m);
    }

    /** Signed for, returned and signed, or refused: nothing will change soon, so the result may be kept longer. */
    @JsonIgnore
    public boolean isFinal() {
        return isFinalState(state);
    }

    /** The finality rule for a raw base state code, for callers that hold only the code. */
    public static boolean isFinalState(String state) {
        return "3".equals(state) || "4".equals(state) || "14".equals(state);
    }
}
