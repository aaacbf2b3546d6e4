package com.tallytrack.carrier;

/**
 * One event of a shipment's route, as the carrier reports it.
 *
 * @param statusCode the carrier's state code of this event when it sends one (Kuaidi100 {@code statusCode} with
 *                   resultv2=4), else {@code null}
 * @param milestone  the milestone that code maps to, {@code null} when the carrier sent no (known) code
 */
public record CarrierTrack(String time, String location, String description, String statusCode,
        Milestone milestone) {

    /** An event without a state code (what clients of the Python original know). */
    public CarrierTrack(String time, String location, String description) {
        this(time, location, description, null, null);
    }

    /** An event with the carrier's state code; its milestone is derived from the code. */
    public static CarrierTrack withCode(String time, String location, String description, String statusCode) {
        String code = statusCode == null || statusCode.isBlank() ? null : statusCode.strip();
        return new CarrierTrack(time, location, description, code, Milestones.ofCode(code));
    }
}
