package com.tallytrack.sync;

/** {@link SyncApiTest.Base} on a private in-memory H2. */
class SyncApiH2Test extends SyncApiTest.Base {
}
