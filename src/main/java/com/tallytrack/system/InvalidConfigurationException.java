package com.tallytrack.system;

/**
 * A start-up failure caused by configuration the operator must fix. Spring Boot reports it as
 * "APPLICATION FAILED TO START" with the problem and the action, naming the property, and no stack trace.
 */
public class InvalidConfigurationException extends RuntimeException {

    private final String property;
    private final String action;

    public InvalidConfigurationException(String property, String problem, String action) {
        super(problem);
        this.property = property;
        this.action = action;
    }

    public String property() {
        return property;
    }

    public String action() {
        return action;
    }
}
