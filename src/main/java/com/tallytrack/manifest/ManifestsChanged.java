package com.tallytrack.manifest;

import java.util.Set;

/**
 * Published inside every transaction that changes manifests, so listeners bound to the commit
 * ({@code @TransactionalEventListener}) act only on what was really committed. The database itself records
 * the details (the sync module's change log); this event only says "something committed, catch up now".
 *
 * @param trackingNumbers the tracking numbers written (may be empty for bulk writes)
 * @param source          what wrote: {@code api}, {@code batch_delete}, {@code import}
 */
public record ManifestsChanged(Set<String> trackingNumbers, String source) {
}
