package com.tallytrack.system.internal;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import com.tallytrack.system.InvalidConfigurationException;

/** Turns {@link InvalidConfigurationException} into Spring Boot's plain "APPLICATION FAILED TO START" report. */
public class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        return new FailureAnalysis("Invalid configuration of '" + cause.property() + "': " + cause.getMessage(),
                cause.action(), cause);
    }
}
