package com.tallytrack.carrier;

/** The stored carrier results on the embedded default's H2. */
class CarrierResultStoreH2Test extends CarrierResultStoreContract {
}
