package com.tallytrack.tracking;

import java.util.Optional;

import com.tallytrack.manifest.Manifest;

/**
 * The seam between the intelligent query and the manifests: which manifest, if any, a cleaned tracking number
 * has. The sync module puts its manifest cache behind this; the query never reads manifests any other way.
 */
public interface PackageResolver {

    /** The manifest of a cleaned (trimmed, upper-case) tracking number, if one is stored. */
    Optional<Manifest> resolve(String cleanedTrackingNumber);
}
