package com.tallytrack.carrier;

import java.util.concurrent.CompletableFuture;

/**
 * A carrier tracking API. Implementations are asynchronous so that no request thread waits in a retry or
 * back-off; the future fails with a {@link CarrierException} (possibly wrapped in a
 * {@link java.util.concurrent.CompletionException}) when no result could be had.
 */
public interface CarrierClient {

    CompletableFuture<CarrierResult> query(CarrierQuery query, QueryBudget budget);

    /** {@code kuaidi100} or {@code simulator}: the {@code tallytrack.carrier.provider} value of this client. */
    String provider();

    /** True when results are invented (the simulator). */
    boolean simulated();
}
