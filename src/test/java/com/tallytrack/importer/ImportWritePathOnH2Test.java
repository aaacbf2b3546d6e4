package com.tallytrack.importer;

/** The import's write path on H2: the portable one through {@code ManifestService.upsertBatch}. */
class ImportWritePathOnH2Test extends ImportWritePathContract {

    @Override
    boolean expectsCopy() {
        return false;
    }
}
