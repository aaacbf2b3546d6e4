package com.tallytrack.sync.tail;

import java.util.List;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.tallytrack.sync.wakeup.WakeupChannel;
import com.tallytrack.sync.wakeup.WakeupChannels;

/**
 * Starts the sync mechanism before the web server accepts requests (a much earlier lifecycle phase than the web
 * server's), so a node serves queries only once it is positioned on the change log and tailing it; stops it after
 * the web server has drained (stopping runs in reverse phase order): the tailer thread, the LISTEN connection, the
 * Redis subscription, then the listener pool (when its bean is destroyed).
 */
@Component
public class SyncLifecycle implements SmartLifecycle {

    /** Well before the web server (Boot: {@code DEFAULT_PHASE - 2048}), after plain singletons are created. */
    static final int PHASE = Integer.MIN_VALUE + 1000;

    private final ChangeLogTailer tailer;
    private final List<WakeupChannel> wakeups;
    private volatile boolean running;

    SyncLifecycle(ChangeLogTailer tailer, WakeupChannels wakeups, ApplicationEventPublisher events) {
        this.tailer = tailer;
        this.wakeups = wakeups.all();
        // Readiness (/api/v1/health/ready) stays down from a failed resume catch-up until the tailer caught up:
        // until then this node cannot know which of its cached manifests are stale.
        tailer.onReadinessChange(ready -> AvailabilityChangeEvent.publish(events, this,
                ready ? ReadinessState.ACCEPTING_TRAFFIC : ReadinessState.REFUSING_TRAFFIC));
    }

    @Override
    public void start() {
        tailer.start();
        wakeups.forEach(w -> w.start(tailer::wake));
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        wakeups.forEach(WakeupChannel::stop);
        tailer.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
