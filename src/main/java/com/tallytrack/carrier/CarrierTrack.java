package com.tallytrack.carrier;

/** One event of a shipment's route, as the carrier reports it. */
public record CarrierTrack(String time, String location, String description) {
}
