package com.tallytrack.sync.cache;

import java.util.Optional;

import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.tracking.PackageResolver;

/** The query's view of manifests, through this node's manifest cache (kept current by the change log). */
@Primary
@Component
class CachedPackageResolver implements PackageResolver {

    private final ManifestCache cache;

    CachedPackageResolver(ManifestCache cache) {
        this.cache = cache;
    }

    @Override
    public Optional<Manifest> resolve(String cleanedTrackingNumber) {
        return cleanedTrackingNumber == null || cleanedTrackingNumber.isEmpty() ? Optional.empty()
                : cache.get(cleanedTrackingNumber);
    }
}
