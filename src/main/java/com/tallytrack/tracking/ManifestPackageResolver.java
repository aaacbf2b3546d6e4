package com.tallytrack.tracking;

import java.util.Optional;

import org.springframework.stereotype.Component;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;

/**
 * The plain resolver: one database lookup per query. The sync module's cached resolver ({@code @Primary})
 * replaces it when present.
 */
@Component
class ManifestPackageResolver implements PackageResolver {

    private final ManifestService manifests;

    ManifestPackageResolver(ManifestService manifests) {
        this.manifests = manifests;
    }

    @Override
    public Optional<Manifest> resolve(String cleanedTrackingNumber) {
        return manifests.findByTrackingNumber(cleanedTrackingNumber);
    }
}
