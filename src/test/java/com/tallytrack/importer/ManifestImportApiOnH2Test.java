package com.tallytrack.importer;

/** The import API on the embedded default's database, H2. */
class ManifestImportApiOnH2Test extends ManifestImportApiContract {
}
