package com.tallytrack.carrier;

import java.util.Locale;

/**
 * One question to a carrier: the number actually sent (a package number or the original tracking number), the
 * carrier company code ({@value #AUTO} lets the carrier detect it) and an optional phone (the last four digits
 * suffice; some carriers, e.g. SF, refuse to answer without it).
 */
public record CarrierQuery(String number, String companyCode, String phone) {

    public static final String AUTO = "auto";

    public CarrierQuery {
        companyCode = companyCode == null || companyCode.isBlank() ? AUTO : companyCode.strip().toLowerCase(Locale.ROOT);
        phone = phone == null || phone.isBlank() ? null : phone.strip();
    }

    public boolean autoDetect() {
        return AUTO.equals(companyCode);
    }
}
