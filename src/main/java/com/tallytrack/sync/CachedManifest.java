package com.tallytrack.sync;

import java.time.Instant;

import com.tallytrack.manifest.Manifest;

/**
 * What the manifest cache of this node holds for one tracking number (the admin cache view).
 *
 * @param cached    whether a fresh entry is cached
 * @param found     whether the cached lookup found a manifest ({@code false} for a cached "no manifest")
 * @param data      the cached manifest, or {@code null}
 */
public record CachedManifest(String trackingNumber, boolean cached, boolean found, Manifest data, Instant cachedAt,
        Instant expiresAt) {
}
