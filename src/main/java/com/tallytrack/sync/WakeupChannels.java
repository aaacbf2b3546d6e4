package com.tallytrack.sync;

import java.util.List;

/** The wake-up channels this node uses (see {@link SyncConfiguration#syncWakeupChannels}). */
record WakeupChannels(List<WakeupChannel> all) {

    void announce() {
        all.forEach(WakeupChannel::announce);
    }
}
