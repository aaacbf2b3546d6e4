package com.tallytrack.sync.wakeup;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code tallytrack.sync.listen.*}: bounds on the PostgreSQL LISTEN connection of the wake-up channel. A killed
 * connection shows at once; a silently dead one (network partition, blackhole, a firewall dropping idle flows)
 * only when the node talks to the server, so the idle connection is checked with a query every
 * {@code check-interval}, and any answer not back within {@code socket-timeout} ends it. A dead LISTEN connection is
 * therefore noticed within {@code check-interval + socket-timeout} (7 s by default) and reconnected with backoff
 * (100 ms doubling to 5 s); polling ({@code tallytrack.sync.poll-interval}) covers the gap.
 *
 * @param checkInterval  how often the idle LISTEN connection is checked
 * @param socketTimeout  longest wait for any answer on it (whole seconds, as the PostgreSQL driver takes them)
 * @param connectTimeout longest wait to connect and log in (whole seconds)
 */
@Validated
@ConfigurationProperties("tallytrack.sync.listen")
public record WakeupChannelProperties(
        @DefaultValue("2s") Duration checkInterval,
        @DefaultValue("5s") Duration socketTimeout,
        @DefaultValue("5s") Duration connectTimeout) {

    public static final WakeupChannelProperties DEFAULTS = new WakeupChannelProperties(Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(5));

    public WakeupChannelProperties {
        between(checkInterval, Duration.ofMillis(100), Duration.ofMinutes(10), "tallytrack.sync.listen.check-interval");
        between(socketTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10), "tallytrack.sync.listen.socket-timeout");
        between(connectTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10),
                "tallytrack.sync.listen.connect-timeout");
    }

    private static void between(Duration value, Duration min, Duration max, String property) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(property + " must be between " + min + " and " + max + ", was "
                    + value);
        }
    }

    /** Whole seconds, rounded up (the driver's unit). */
    static String seconds(Duration d) {
        return Long.toString((d.toMillis() + 999) / 1000);
    }
}
