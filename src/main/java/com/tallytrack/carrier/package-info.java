/**
 * Carrier integration (快递公司查询): the {@link com.tallytrack.carrier.CarrierClient} abstraction with the Kuaidi100
 * (快递100) and simulator implementations, and {@link com.tallytrack.carrier.CarrierService}, which puts the
 * carrier-result cache, the per-number daily guard and single flight in front of the client. Other modules use
 * {@code CarrierService}, the value types of this package and the {@link com.tallytrack.carrier.CarrierCache}
 * control API; everything in {@code carrier.internal} is private to the module.
 */
package com.tallytrack.carrier;
