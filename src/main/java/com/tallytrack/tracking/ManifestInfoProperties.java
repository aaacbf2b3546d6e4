package com.tallytrack.tracking;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tallytrack.query.manifest-info}: how much of the manifest the public query shows. Tracking numbers are
 * guessable, so by default ({@code minimal}) a stranger learns only what the customer needs: the package number,
 * the tally date and the weight. {@code full} shows the whole record (customer, transport and goods codes,
 * dimensions, fee), as the Python original did.
 */
@ConfigurationProperties("tallytrack.query")
public record ManifestInfoProperties(@DefaultValue("minimal") Mode manifestInfo) {

    public enum Mode {
        MINIMAL, FULL
    }
}
