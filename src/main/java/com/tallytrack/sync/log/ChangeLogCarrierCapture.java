package com.tallytrack.sync.log;

import java.time.Clock;
import java.util.Optional;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import com.tallytrack.carrier.CarrierResultStored;

/**
 * A stored carrier result ({@code carrier_result}) becomes a change-log entry ({@code carrier_result}, tracking
 * number = the query number) in the transaction that stored it: it commits or rolls back with the result, and
 * every node — this one in {@code CommitCatchUp}, right after the commit — drops its cached carrier result for
 * that number. The carrier module publishes the event synchronously inside its transaction, so a plain
 * {@code @EventListener} runs on that transaction's connection.
 */
@Component
class ChangeLogCarrierCapture {

    private final ChangeLog changeLog;
    private final NodeIdentity node;
    private final Clock clock;

    ChangeLogCarrierCapture(ChangeLog changeLog, NodeIdentity node, Optional<Clock> clock) {
        this.changeLog = changeLog;
        this.node = node;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @EventListener
    void onCarrierResultStored(CarrierResultStored event) {
        if (event.queryNumber() == null || event.queryNumber().isBlank()) {
            return;
        }
        changeLog.appendCarrierResult(event.queryNumber(), node.id(), clock.instant());
    }
}
