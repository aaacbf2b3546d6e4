package com.tallytrack.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Secrets the embedded default generates for itself and keeps next to its H2 file (e.g. the JWT signing key),
 * so they survive a restart exactly as long as the database does. Files are readable by the owner only.
 * On an in-memory H2 a secret lives in memory for the life of the process; on PostgreSQL there is nowhere
 * shared to keep one, so the operator must configure it and {@link #readOrCreate} answers empty.
 */
@Component
public class LocalSecrets {

    private static final Logger log = LoggerFactory.getLogger(LocalSecrets.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EmbeddedDefault embedded;

    public LocalSecrets(EmbeddedDefault embedded) {
        this.embedded = embedded;
    }

    /**
     * The secret called {@code name} (a file {@code <name>.secret} in the data directory), created with
     * {@code bytes} random bytes on first use; empty when this node is not the embedded default.
     */
    public Optional<String> readOrCreate(String name, int bytes) {
        if (!embedded.isEmbedded()) {
            return Optional.empty();
        }
        Optional<Path> directory = embedded.dataDirectory();
        if (directory.isEmpty()) {
            return Optional.of(random(bytes));
        }
        return Optional.of(readOrCreate(directory.get().resolve(name + ".secret"), bytes));
    }

    static String readOrCreate(Path file, int bytes) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(file.getParent());
            String secret = random(bytes);
            Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try {
                restrictToOwner(temp);
                Files.writeString(temp, secret + "\n", StandardCharsets.UTF_8);
                // Two processes starting on the same directory: the first to link wins, the other reads its file.
                Files.createLink(file, temp);
                log.info("generated a new secret in {} (readable by the owner only)", file.toAbsolutePath());
                return secret;
            } catch (FileAlreadyExistsException raced) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or create the secret file " + file.toAbsolutePath(), e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
