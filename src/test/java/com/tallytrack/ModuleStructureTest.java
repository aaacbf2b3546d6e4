package com.tallytrack;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Keeps the feature modules honest: no cycles, no reaching into another module's internals. */
class ModuleStructureTest {

    @Test
    void modulesRespectTheirBoundaries() {
        ApplicationModules.of(TallyTrackApplication.class).verify();
    }
}
