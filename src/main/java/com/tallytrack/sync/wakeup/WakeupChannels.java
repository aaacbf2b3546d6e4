package com.tallytrack.sync.wakeup;

import java.util.List;

/** The wake-up channels this node uses (see {@code SyncConfiguration.syncWakeupChannels}). */
public record WakeupChannels(List<WakeupChannel> all) {

    public void announce() {
        all.forEach(WakeupChannel::announce);
    }
}
