/**
 * Data sync (数据同步, PRODUCT §5): every manifest change reaches the query logic of every node at once.
 *
 * <p>The database triggers append each change of {@code cargo_manifest} to the change log in the writing
 * transaction; each node tails the log from its last applied sequence (woken by PostgreSQL NOTIFY, Redis pub/sub,
 * or its own commits; polling catches a lost wake-up), invalidates its manifest cache and the carrier-result cache,
 * and notifies registered listeners asynchronously.
 *
 * <p>Public API for other modules and embedders: {@link com.tallytrack.sync.SyncService} (statistics, put into the
 * cache, force-sync, cluster-wide invalidation, listener registration, writes of many transactions applied once at
 * their end), {@link com.tallytrack.sync.ManifestChangeListener},
 * {@link com.tallytrack.sync.ManifestChange}, {@link com.tallytrack.sync.Registration}, and the value types they
 * return. Only this package is the module's face; its sub-packages are internal to the module (Spring Modulith):
 * <ul>
 * <li>{@code sync.log} — capture and the change log: SQL on {@code sync_change_log}, {@code sync_state},
 * {@code sync_node} ({@code ChangeLog}), carrier-result capture, the node id;</li>
 * <li>{@code sync.internal} — the H2 trigger ({@code H2ChangeLogTrigger}, named by the H2 migration);</li>
 * <li>{@code sync.tail} — tailing and apply ({@code ChangeLogTailer}), the writer's catch-up after commit, start and
 * stop;</li>
 * <li>{@code sync.cache} — the manifest cache, the query's cached view of manifests, preloading;</li>
 * <li>{@code sync.wakeup} — wake-up channels (PostgreSQL LISTEN/NOTIFY, Redis pub/sub);</li>
 * <li>{@code sync.listen} — listener registration and asynchronous delivery;</li>
 * <li>{@code sync.admin} — the admin API ({@code /api/v1/admin/sync}), the statistics contributor, health.</li>
 * </ul>
 */
package com.tallytrack.sync;
