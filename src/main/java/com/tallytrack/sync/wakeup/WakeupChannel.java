package com.tallytrack.sync.wakeup;

/**
 * Tells this node that another node (or program) committed changes, so it reads the change log now instead of at
 * the next poll. A lost wake-up only delays a change until the next poll; it never loses it.
 */
public interface WakeupChannel {

    String name();

    void start(Runnable onWake);

    /** Announces a local commit to the other nodes (a no-op where the database announces it). */
    default void announce() {
    }

    boolean connected();

    void stop();
}
