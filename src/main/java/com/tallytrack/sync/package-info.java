/**
 * Data sync (数据同步, PRODUCT §5): every manifest change reaches the query logic of every node at once.
 *
 * <p>The database triggers append each change of {@code cargo_manifest} to the change log in the writing
 * transaction; each node tails the log from its last applied sequence (woken by PostgreSQL NOTIFY, Redis pub/sub,
 * or its own commits; polling catches a lost wake-up), invalidates its manifest cache and the carrier-result cache,
 * and notifies registered listeners asynchronously.
 *
 * <p>Public API for other modules and embedders: {@link com.tallytrack.sync.SyncService} (statistics, put into the
 * cache, force-sync, cluster-wide invalidation, listener registration), {@link com.tallytrack.sync.ManifestChangeListener},
 * {@link com.tallytrack.sync.ManifestChange}, {@link com.tallytrack.sync.Registration}.
 */
package com.tallytrack.sync;
