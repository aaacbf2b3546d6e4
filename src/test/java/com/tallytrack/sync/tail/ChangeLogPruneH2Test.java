package com.tallytrack.sync.tail;

/** {@link ChangeLogPruneTest.Base} on a private in-memory H2. */
class ChangeLogPruneH2Test extends ChangeLogPruneTest.Base {
}
