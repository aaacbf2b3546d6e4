package com.tallytrack.system;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Whether this node runs the embedded default: the datasource is H2 (the file database under {@code ./data}
 * that {@code java -jar} uses with no configuration, or an in-memory H2). Production runs on PostgreSQL and is
 * never the embedded default. Decides the defaults that only make sense on one laptop node: generated JWT
 * secret, demo data.
 */
@Component
public class EmbeddedDefault {

    private final String url;

    @org.springframework.beans.factory.annotation.Autowired
    public EmbeddedDefault(Environment environment) {
        this(environment.getProperty("spring.datasource.url"));
    }

    EmbeddedDefault(String datasourceUrl) {
        this.url = datasourceUrl;
    }

    public static EmbeddedDefault of(String datasourceUrl) {
        return new EmbeddedDefault(datasourceUrl);
    }

    /** True when the datasource is H2; no URL at all means Spring Boot's embedded H2, so also true. */
    public boolean isEmbedded() {
        return url == null || url.isBlank() || url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:");
    }

    /** True for an in-memory H2, which forgets everything when the process ends. */
    public boolean isInMemory() {
        if (!isEmbedded()) {
            return false;
        }
        String location = h2Location();
        return location == null || location.startsWith("mem:");
    }

    /**
     * The directory of the H2 database file ({@code ./data} by default), where files that must live as long as
     * the database are kept; empty for PostgreSQL and for an in-memory H2.
     */
    public Optional<Path> dataDirectory() {
        if (!isEmbedded() || isInMemory()) {
            return Optional.empty();
        }
        String location = h2Location();
        for (String prefix : new String[] {"file:", "split:", "nio:", "async:"}) {
            if (location.startsWith(prefix)) {
                location = location.substring(prefix.length());
            }
        }
        if (location.startsWith("tcp:") || location.startsWith("ssl:")) {
            return Optional.of(Path.of("data"));
        }
        if (location.startsWith("~")) {
            location = System.getProperty("user.home") + location.substring(1);
        }
        Path parent = Path.of(location).toAbsolutePath().normalize().getParent();
        return Optional.of(parent == null ? Path.of(".").toAbsolutePath() : parent);
    }

    /** The part of an H2 URL after {@code jdbc:h2:} up to the settings, e.g. {@code file:./data/tallytrack}. */
    private String h2Location() {
        if (url == null || url.isBlank()) {
            return null;
        }
        String rest = url.substring("jdbc:h2:".length());
        int settings = rest.indexOf(';');
        return settings < 0 ? rest : rest.substring(0, settings);
    }
}
