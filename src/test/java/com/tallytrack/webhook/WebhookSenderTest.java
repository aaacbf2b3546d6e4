package com.tallytrack.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The sender builds its HTTP client at the first post (start-up, P5): a client that cannot be built then (an
 * unreadable trust store, no file descriptors left) is a failed attempt the delivery worker records and backs off
 * from, not an exception that escapes the attempt.
 */
class WebhookSenderTest {

    @Test
    void aClientThatCannotBeBuiltIsAFailedAttempt() {
        WebhookProperties properties = new WebhookProperties(false, true, 2048, 50, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15), 1024, Duration.ofSeconds(30),
                2.0, Duration.ofHours(24), 0.2, 12, 4, Duration.ofSeconds(2), Duration.ofSeconds(60),
                Duration.ofDays(7), 10000, 100);
        WebhookSender sender = new WebhookSender(properties, () -> {
            throw new UncheckedIOException(new java.io.IOException("trust store unreadable"));
        });

        WebhookSender.Outcome outcome = sender.post(URI.create("https://example.com/hook"),
                "{}".getBytes(StandardCharsets.UTF_8), "evt-1", "t=1,v1=00");

        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.statusCode()).isNull();
        assertThat(outcome.error()).contains("HTTP client").contains("trust store unreadable");
    }
}
