/**
 * Subscription push glue (issue 10.2): subscribes every package number a manifest links (by the API, an import or
 * external SQL — whatever reaches the sync module's change log) through the carrier's
 * {@link com.tallytrack.carrier.CarrierSubscriptions}. A module of its own because the carrier module must not
 * depend on the sync module (sync already depends on carrier). No public API.
 */
package com.tallytrack.push;
