/**
 * The package board (集包看板, PRODUCT §6a): consolidation packages with their parcel counts, milestone, last
 * carrier event and stale/exception flags, for admins. Public API: the {@link com.tallytrack.packages.PackageFlagged}
 * event.
 */
package com.tallytrack.packages;
