package com.tallytrack.system;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code tallytrack.demo-data}: load a handful of demo manifests when the manifest table is empty. Unset means
 * "only on the embedded default" (see {@link EmbeddedDefault}).
 */
@ConfigurationProperties("tallytrack")
public record SystemProperties(Boolean demoData) {

    public boolean demoDataEnabled(EmbeddedDefault embedded) {
        return demoData == null ? embedded.isEmbedded() : demoData;
    }
}
