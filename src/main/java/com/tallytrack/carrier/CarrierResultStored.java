package com.tallytrack.carrier;

/**
 * Published synchronously, inside the writing transaction, whenever a stored carrier result (table
 * {@code carrier_result}) was inserted or replaced. The sync module turns it into a change-log entry, so every
 * node drops its cached carrier result for {@code queryNumber} once the transaction has committed.
 */
public record CarrierResultStored(String queryNumber) {
}
