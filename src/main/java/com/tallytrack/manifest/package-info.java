/**
 * Cargo manifests (理货单): each links a customer tracking number (快递单号) to the consolidation package
 * number (集包单号) it travels in. Public API: {@link com.tallytrack.manifest.ManifestService},
 * {@link com.tallytrack.manifest.ManifestRules}, {@link com.tallytrack.manifest.TrackingNumbers} and the
 * {@link com.tallytrack.manifest.ManifestsChanged} event.
 */
package com.tallytrack.manifest;
