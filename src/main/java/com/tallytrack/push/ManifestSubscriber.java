package com.tallytrack.push;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.tallytrack.carrier.CarrierSubscriptions;
import com.tallytrack.sync.ManifestChange;
import com.tallytrack.sync.ManifestChangeListener;

/**
 * Subscribes the package number of every inserted or updated manifest, a batch of changes at a time
 * ({@link CarrierSubscriptions#subscribeAll}: a few statements for an import batch of thousands of changes, not one
 * per number). Every node receives every change and subscribes; a number is subscribed once (one row per number,
 * a known one is left as it is), and the subscription worker takes each row on one node only, so each package
 * number is subscribed at Kuaidi100 once.
 *
 * <p>An {@code invalidate_all} change (a listener queue overflow) carries no numbers: the numbers it stands for were
 * linked by changes this node skipped, and those are subscribed by the nodes that did receive them, or by the next
 * change of the manifest. Nothing is unsubscribed when a link goes away: Kuaidi100 has no unsubscribe, and a
 * tracked package ends by itself (shutdown on delivery, abort after quiet days).
 */
@Component
class ManifestSubscriber implements ManifestChangeListener {

    private static final Logger log = LoggerFactory.getLogger(ManifestSubscriber.class);

    private final CarrierSubscriptions subscriptions;

    ManifestSubscriber(CarrierSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    @Override
    public void onChanges(List<ManifestChange> changes) {
        if (!subscriptions.enabled()) {
            return;
        }
        Set<String> packages = new LinkedHashSet<>();
        for (ManifestChange change : changes) {
            if (!change.invalidatesAll() && !ManifestChange.DELETE.equals(change.operation())
                    && change.packageNumber() != null && !change.packageNumber().isBlank()) {
                packages.add(change.packageNumber());
            }
        }
        int added = subscriptions.subscribeAll(packages);
        if (added > 0) {
            log.debug("{} package numbers subscribed", added);
        }
    }

    @Override
    public String listenerName() {
        return "push.manifest-subscriber";
    }
}
