package com.tallytrack.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import com.tallytrack.common.ApiException;
import com.tallytrack.common.FieldViolation;
import com.tallytrack.common.Messages;

/**
 * Which URLs may receive webhooks. A URL must be http or https, bounded in length and carry no credentials; and
 * unless {@code tallytrack.webhooks.allow-private-targets} is on, no address its host resolves to may be loopback,
 * private, link-local, unspecified, multicast, reserved, or an IPv6 form embedding one of those (SSRF guard: a
 * webhook must not become a way to reach the service's own network or the cloud metadata address). The check runs at
 * registration and again before every delivery, since a name can resolve elsewhere later.
 */
@Component
class TargetPolicy implements DisposableBean {

    static final String PROPERTY = "tallytrack.webhooks.allow-private-targets";

    private final WebhookProperties properties;
    private final Messages messages;
    // DNS look-ups cannot be interrupted in the JDK; a small pool lets the caller stop waiting after resolve-timeout.
    private final ExecutorService resolver;

    TargetPolicy(WebhookProperties properties, Messages messages) {
        this.properties = properties;
        this.messages = messages;
        AtomicInteger n = new AtomicInteger();
        this.resolver = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "webhook-resolve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The checked URL of a registration, or a 400 naming what is wrong. */
    URI validateForRegistration(String raw) {
        URI uri = parse(raw);
        String host = host(uri);
        List<InetAddress> addresses;
        try {
            addresses = resolve(host);
        } catch (TargetRefusedException e) {
            throw ApiException.badRequest("WEBHOOK_TARGET_UNRESOLVABLE",
                    Map.of("host", host, "property", "tallytrack.webhooks.resolve-timeout"), host);
        }
        if (!properties.allowPrivateTargets()) {
            for (InetAddress address : addresses) {
                String reason = forbiddenReason(address);
                if (reason != null) {
                    throw ApiException.badRequest("WEBHOOK_TARGET_FORBIDDEN",
                            Map.of("host", host, "address", address.getHostAddress(), "reason", reason,
                                    "property", PROPERTY),
                            host, address.getHostAddress(), messages.get("webhook.address." + reason), PROPERTY);
                }
            }
        }
        return uri;
    }

    /** Before a delivery: resolves the stored URL's host again and refuses it when it now points inside. */
    void checkBeforeDelivery(URI uri) throws TargetRefusedException {
        String host = host(uri);
        List<InetAddress> addresses = resolve(host);
        if (properties.allowPrivateTargets()) {
            return;
        }
        for (InetAddress address : addresses) {
            String reason = forbiddenReason(address);
            if (reason != null) {
                throw new TargetRefusedException("target " + host + " resolves to " + address.getHostAddress() + " ("
                        + reason + "); refused unless " + PROPERTY + "=true");
            }
        }
    }

    private URI parse(String raw) {
        String url = raw == null ? "" : raw.strip();
        if (url.isEmpty()) {
            throw violation("REQUIRED");
        }
        if (url.length() > properties.maxUrlLength()) {
            throw violation("TOO_LONG", properties.maxUrlLength());
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw violation("INVALID_URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw violation("UNSUPPORTED_SCHEME");
        }
        // user-info would be sent as Basic credentials by some clients and shown in the admin list: refused outright
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw violation("CREDENTIALS_IN_URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank() || uri.isOpaque()) {
            throw violation("INVALID_URL");
        }
        return uri;
    }

    private ApiException violation(String code, Object... args) {
        return new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR",
                List.of(new FieldViolation("url", code, messages.get("webhook.violation.url." + code, args))));
    }

    static String host(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private List<InetAddress> resolve(String host) throws TargetRefusedException {
        Future<InetAddress[]> lookup;
        try {
            lookup = resolver.submit(() -> InetAddress.getAllByName(host));
        } catch (RejectedExecutionException e) {
            throw new TargetRefusedException("too many DNS look-ups in flight for " + host);
        }
        try {
            return List.of(lookup.get(properties.resolveTimeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new TargetRefusedException("DNS look-up of " + host + " took longer than "
                    + properties.resolveTimeout() + " (tallytrack.webhooks.resolve-timeout)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new TargetRefusedException(cause instanceof UnknownHostException
                    ? "unknown host " + host : "DNS look-up of " + host + " failed: " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetRefusedException("interrupted while resolving " + host);
        }
    }

    /**
     * Why this address may not be a target ({@code loopback}, {@code private}, ...), or {@code null} when it is a
     * public address. IPv6 addresses embedding an IPv4 address (mapped, compatible, 6to4, NAT64) are judged by the
     * embedded address.
     */
    static String forbiddenReason(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            InetAddress embedded = embeddedIpv4(b);
            if (embedded != null) {
                return forbiddenReason(embedded);
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "private"; // fc00::/7 unique local
            }
        }
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link_local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address instanceof Inet4Address) {
            byte[] b = address.getAddress();
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "unspecified"; // 0.0.0.0/8 "this network"
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return "private"; // 100.64.0.0/10 shared (carrier-grade NAT) space
            }
            if (first >= 240) {
                return "reserved"; // 240.0.0.0/4 and the broadcast address
            }
        }
        return null;
    }

    /** The IPv4 address inside an IPv6 one, or {@code null}. {@code ::} and {@code ::1} are not IPv4-compatible. */
    private static InetAddress embeddedIpv4(byte[] b) {
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= b[i] == 0;
        }
        boolean mapped = firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = firstTenZero && b[10] == 0 && b[11] == 0
                && !((b[12] | b[13] | b[14]) == 0 && (b[15] == 0 || b[15] == 1));
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b;
        try {
            if (mapped || compatible || nat64) {
                return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) { // 6to4 2002:V4ADDR::/48
                return InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]});
            }
        } catch (UnknownHostException e) {
            return null; // cannot happen for a 4-byte array
        }
        return null;
    }

    @Override
    public void destroy() {
        resolver.shutdownNow();
    }

    /** A target that may not be called now; its message goes to the attempt log. */
    static final class TargetRefusedException extends Exception {
        TargetRefusedException(String message) {
            super(message);
        }
    }
}
