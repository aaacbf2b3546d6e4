package com.tallytrack.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What counts as the embedded default, where its data lives, and the secrets kept there. */
class EmbeddedDefaultTest {

    @Test
    void h2IsTheEmbeddedDefaultAndPostgresIsNot() {
        assertThat(EmbeddedDefault.of("jdbc:h2:file:./data/tallytrack;DB_CLOSE_ON_EXIT=FALSE").isEmbedded()).isTrue();
        assertThat(EmbeddedDefault.of("jdbc:h2:mem:x").isEmbedded()).isTrue();
        assertThat(EmbeddedDefault.of(null).isEmbedded()).isTrue();
        assertThat(EmbeddedDefault.of("jdbc:postgresql://db:5432/tallytrack").isEmbedded()).isFalse();
    }

    @Test
    void theDataDirectoryIsTheFolderOfTheH2File() {
        assertThat(EmbeddedDefault.of("jdbc:h2:file:./data/tallytrack;LOCK_TIMEOUT=10000").dataDirectory())
                .contains(Path.of("data").toAbsolutePath());
        assertThat(EmbeddedDefault.of("jdbc:h2:/var/lib/tt/db").dataDirectory()).contains(Path.of("/var/lib/tt"));
        assertThat(EmbeddedDefault.of("jdbc:h2:mem:x").dataDirectory()).isEmpty();
        assertThat(EmbeddedDefault.of("jdbc:h2:mem:x").isInMemory()).isTrue();
        assertThat(EmbeddedDefault.of("jdbc:postgresql://db/tt").dataDirectory()).isEmpty();
    }

    @Test
    void aSecretIsGeneratedOnceOwnerReadableAndKept(@TempDir Path dir) throws Exception {
        LocalSecrets secrets = new LocalSecrets(EmbeddedDefault.of("jdbc:h2:file:" + dir.resolve("db/tallytrack")));
        String first = secrets.readOrCreate("jwt", 48).orElseThrow();
        Path file = dir.resolve("db/jwt.secret");
        assertThat(file).exists();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(first).hasSizeGreaterThanOrEqualTo(64);
        assertThat(secrets.readOrCreate("jwt", 48)).contains(first);
        try (var files = Files.list(dir.resolve("db"))) {
            assertThat(files).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void anInMemoryDatabaseGetsAProcessSecretAndPostgresNone() {
        LocalSecrets memory = new LocalSecrets(EmbeddedDefault.of("jdbc:h2:mem:x"));
        assertThat(memory.readOrCreate("jwt", 48)).isPresent();
        assertThat(new LocalSecrets(EmbeddedDefault.of("jdbc:postgresql://db/tt")).readOrCreate("jwt", 48)).isEmpty();
    }

    @Test
    void demoDataDefaultsToOnOnlyOnTheEmbeddedDefault() {
        EmbeddedDefault h2 = EmbeddedDefault.of("jdbc:h2:file:./data/tallytrack");
        EmbeddedDefault pg = EmbeddedDefault.of("jdbc:postgresql://db/tt");
        assertThat(new SystemProperties(null).demoDataEnabled(h2)).isTrue();
        assertThat(new SystemProperties(null).demoDataEnabled(pg)).isFalse();
        assertThat(new SystemProperties(true).demoDataEnabled(pg)).isTrue();
        assertThat(new SystemProperties(false).demoDataEnabled(h2)).isFalse();
    }
}
