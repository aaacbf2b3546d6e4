package com.tallytrack.sync;

/** {@link ConsistencyTest.Base} on a private in-memory H2. */
class ConsistencyH2Test extends ConsistencyTest.Base {
}
