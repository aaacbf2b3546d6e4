package com.tallytrack.sync;

/** {@link ChangeLogCaptureTest.Base} on a private in-memory H2. */
class ChangeLogCaptureH2Test extends ChangeLogCaptureTest.Base {
}
