package com.tallytrack.sync;

/** A listener's registration; closing it unregisters the listener (idempotent). */
public interface Registration extends AutoCloseable {

    @Override
    void close();

    boolean isActive();
}
