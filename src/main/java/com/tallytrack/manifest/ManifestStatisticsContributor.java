package com.tallytrack.manifest;

import java.util.Map;

/**
 * Lets another module add a section to the manifest statistics overview (the sync module adds its status)
 * without this module depending on it.
 */
public interface ManifestStatisticsContributor {

    /** The key of the section in the overview, e.g. {@code sync_status}. */
    String section();

    Map<String, Object> contribute();
}
