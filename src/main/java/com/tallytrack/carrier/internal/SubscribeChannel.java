package com.tallytrack.carrier.internal;

/** Where subscribe requests go: Kuaidi100's subscribe URL, or the simulator. */
public interface SubscribeChannel {

    /** {@code returnCode} of a reply, or {@link #TRANSPORT} when no readable reply came (timeout, HTTP error). */
    record Reply(String code, String message) {
        public static final String TRANSPORT = "transport";
    }

    /** @param companyCode {@code null} lets the carrier detect the company */
    Reply subscribe(String number, String companyCode);
}
