package com.tallytrack.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void generatedIdsAreVersion4UuidsAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            String id = RequestIds.generate();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(seen.add(id)).as("repeated: %s", id).isTrue();
        }
    }

    @Test
    void aPlainCallerIdIsKeptAndAnythingElseReplaced() {
        assertThat(RequestIds.acceptOrGenerate("abc-123.x:y_z")).isEqualTo("abc-123.x:y_z");
        assertThat(RequestIds.acceptOrGenerate("bad id\n")).isNotEqualTo("bad id\n").hasSize(36);
        assertThat(RequestIds.acceptOrGenerate("x".repeat(65))).hasSize(36);
        assertThat(RequestIds.acceptOrGenerate(null)).hasSize(36);
    }
}
