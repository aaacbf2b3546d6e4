package com.tallytrack.carrier;

/**
 * Asked by a carrier client before every request that counts against the carrier's per-number limits (each
 * attempt, retries included). {@code false} means the request must not be sent.
 */
@FunctionalInterface
public interface QueryBudget {

    QueryBudget UNLIMITED = () -> true;

    boolean tryAcquire();
}
