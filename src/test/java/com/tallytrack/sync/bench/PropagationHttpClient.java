package com.tallytrack.sync.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * P4 over HTTP, the client side of {@code bench/p4-propagation.sh}: a manifest change on node A, through the admin
 * API, until node B's public query shows it. Plain JDK (java.net.http), no Spring; run on the test class path:
 * {@code PropagationHttpClient <node A url> <node B url> <admin password> <changes> <max spacing ms> [seed]}.
 *
 * <p>Signs in on A (the token is good on B too: same JWT secret), creates one manifest with package number
 * {@code P4-<run>-0-C} and waits until B's public query ({@code POST /api/v1/tracking/query}) shows it. Then, per
 * change k = 1…n: {@code PUT /api/v1/admin/manifest/{id}} on A sets package number {@code P4-<run>-k-C}; the clock
 * starts when that call has returned (the change is committed) and stops at the first answer of B that shows
 * {@code P4-<run>-k-C}, B being queried back-to-back on one keep-alive connection. Every answer of B is checked:
 * once B showed change j, an answer with an older package number (or none) is a stale read; a change not shown
 * within 5 s is lost (counted at the time waited). Between changes a random pause of 0…max spacing ms.
 *
 * <p>Stdout: two tab-separated lines, {@code cold} (change 1, the first after start) and {@code warm} (changes
 * 2…n): phase, count, p50, p99, max (ms), stale reads, lost changes. Stderr: notes (wake-up channels, B's query
 * round trip, errors). Exit 1 when A refuses a write or the sign-in fails.
 */
public final class PropagationHttpClient {

    static final long LOST_AFTER_NANOS = 5_000_000_000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");
    // the public answer's manifest_info is flat (package_number, manifest_date, weight by default)
    private static final Pattern SHOWN_PACKAGE =
            Pattern.compile("\"manifest_info\":\\{[^}]*\"package_number\":\"([^\"]*)\"");
    private static final Pattern WAKEUPS = Pattern.compile("\"wakeup_channels\":(\\[[^\\]]*\\])");

    private final HttpClient writer = client();
    private final HttpClient reader = client();
    private final String nodeA;
    private final String nodeB;
    private final String run;
    private String token;
    private String trackingNumber;
    private long id;
    private int version;

    // what B showed so far: the highest change index and every answer's round trip
    private int highestSeen = -1;
    private int stale;
    private int errors;
    private final List<Double> roundTrips = new ArrayList<>();
    private final List<Double> showingRoundTrips = new ArrayList<>();

    PropagationHttpClient(String nodeA, String nodeB) {
        this.nodeA = nodeA;
        this.nodeB = nodeB;
        this.run = Long.toString(System.currentTimeMillis(), 36).toUpperCase(Locale.ROOT);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: PropagationHttpClient <node A url> <node B url> <admin password> <changes>"
                    + " <max spacing ms> [seed]");
            System.exit(2);
        }
        int changes = Integer.parseInt(args[3]);
        int maxSpacing = Integer.parseInt(args[4]);
        long seed = args.length > 5 ? Long.parseLong(args[5]) : 42;
        PropagationHttpClient bench = new PropagationHttpClient(args[0], args[1]);
        try {
            bench.signIn(args[2]);
            bench.measure(changes, maxSpacing, new Random(seed));
        } catch (IllegalStateException e) {
            System.err.println("p4: " + e.getMessage());
            System.exit(1);
        }
    }

    private static HttpClient client() {
        // HTTP/1.1: one request at a time per client, so every request of a loop reuses the same connection
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    void signIn(String password) throws IOException, InterruptedException {
        HttpResponse<String> r = send(writer, json(nodeA + "/api/v1/admin/login", "POST",
                "{\"username\":\"admin\",\"password\":\"" + password + "\"}", false));
        token = group(TOKEN, r.body(), "sign-in on A: " + r.statusCode() + " " + r.body());
        for (String node : List.of(nodeA, nodeB)) {
            HttpResponse<String> s = send(reader, HttpRequest.newBuilder(
                    URI.create(node + "/api/v1/admin/sync/statistics"))
                    .timeout(TIMEOUT).header("Authorization", "Bearer " + token).GET().build());
            Matcher m = WAKEUPS.matcher(s.body());
            System.err.println("p4: " + node + " wake-up channels: " + (m.find() ? m.group(1) : s.statusCode() + " "
                    + s.body()));
        }
    }

    void measure(int changes, int maxSpacing, Random random) throws IOException, InterruptedException {
        trackingNumber = "PF" + run;
        HttpResponse<String> created = send(writer, json(nodeA + "/api/v1/admin/manifest", "POST",
                "{\"tracking_number\":\"" + trackingNumber + "\",\"manifest_date\":\"2026-01-02\","
                        + "\"transport_code\":\"T1\",\"customer_code\":\"C1\",\"goods_code\":\"G1\","
                        + "\"package_number\":\"" + pkg(0) + "\"}", true));
        if (created.statusCode() != 201) {
            throw new IllegalStateException("create on A: " + created.statusCode() + " " + created.body());
        }
        id = Long.parseLong(group(ID, created.body(), "no id in " + created.body()));
        version = Integer.parseInt(group(VERSION, created.body(), "no version in " + created.body()));
        long createdAt = System.nanoTime();
        double createMs = waitOnB(0, createdAt);
        System.err.println("p4: manifest " + trackingNumber + " created on A, shown on B "
                + (createMs < 0 ? "not within 5 s" : String.format(Locale.ROOT, "after %.1f ms", createMs))
                + " (B's first query after start)");

        double[] millis = new double[changes];
        int[] lostAt = new int[changes];
        int lost = 0;
        int staleBefore = stale;
        int coldStale = 0;
        for (int k = 1; k <= changes; k++) {
            HttpResponse<String> updated = send(writer, json(nodeA + "/api/v1/admin/manifest/" + id, "PUT",
                    "{\"package_number\":\"" + pkg(k) + "\",\"version\":" + version + "}", true));
            long committed = System.nanoTime(); // A's write call has returned: the change is committed
            if (updated.statusCode() != 200) {
                throw new IllegalStateException("change " + k + " on A: " + updated.statusCode() + " "
                        + updated.body());
            }
            version = Integer.parseInt(group(VERSION, updated.body(), "no version in " + updated.body()));
            double ms = waitOnB(k, committed);
            millis[k - 1] = ms;
            if (ms < 0) {
                millis[k - 1] = (System.nanoTime() - committed) / 1e6;
                lostAt[lost++] = k;
            }
            if (k == 1) {
                coldStale = stale - staleBefore;
            }
            Thread.sleep(random.nextInt(maxSpacing + 1)); // like independent admin edits
        }
        int coldLost = lost > 0 && lostAt[0] == 1 ? 1 : 0;
        print("cold", Arrays.copyOfRange(millis, 0, Math.min(1, changes)), coldStale, coldLost);
        print("warm", Arrays.copyOfRange(millis, Math.min(1, changes), changes), stale - staleBefore - coldStale,
                lost - coldLost);
        double[] showing = sorted(showingRoundTrips);
        double[] others = sorted(roundTrips);
        System.err.printf(Locale.ROOT, "p4: B's query round trip: answers showing the change (new package number) "
                + "%d, p50 %.2f ms, p99 %.2f ms; other answers %d, p50 %.2f ms, p99 %.2f ms; %d errors%s%n",
                showing.length, percentile(showing, 0.50), percentile(showing, 0.99), others.length,
                percentile(others, 0.50), percentile(others, 0.99), errors,
                lost == 0 ? "" : "; lost changes: " + Arrays.toString(Arrays.copyOf(lostAt, lost)));
    }

    /**
     * Queries B back-to-back until it shows change k; the milliseconds since {@code since}, or -1 when it did not
     * within 5 s. Every answer is checked against the newest change B showed before.
     */
    private double waitOnB(int k, long since) throws IOException, InterruptedException {
        HttpRequest query = json(nodeB + "/api/v1/tracking/query", "POST",
                "{\"tracking_number\":\"" + trackingNumber + "\"}", false);
        while (true) {
            long sent = System.nanoTime();
            HttpResponse<String> r = send(reader, query);
            long now = System.nanoTime();
            if (r.statusCode() != 200) {
                if (errors++ < 5) {
                    System.err.println("p4: B answered " + r.statusCode() + ": " + r.body());
                }
            } else {
                Matcher m = SHOWN_PACKAGE.matcher(r.body());
                int shown = m.find() ? index(m.group(1)) : -1;
                if (shown < highestSeen) {
                    if (stale++ < 5) {
                        System.err.println("p4: stale read at change " + k + ": B showed "
                                + (shown < 0 ? "no package" : pkg(shown)) + " after " + pkg(highestSeen) + ": "
                                + r.body());
                    }
                }
                highestSeen = Math.max(highestSeen, shown);
                if (shown == k) {
                    // the answer that shows a change looks up a package number never queried before
                    showingRoundTrips.add((now - sent) / 1e6);
                    return (now - since) / 1e6;
                }
                roundTrips.add((now - sent) / 1e6);
            }
            if (now - since > LOST_AFTER_NANOS) {
                return -1;
            }
        }
    }

    /** Change k's package number; the suffix keeps it from ending in 0000 (the simulator's "not found"). */
    private String pkg(int k) {
        return "P4-" + run + "-" + k + "-C";
    }

    /** The change index a package number of this run carries, -1 for anything else. */
    private int index(String packageNumber) {
        String prefix = "P4-" + run + "-";
        if (!packageNumber.startsWith(prefix) || !packageNumber.endsWith("-C")) {
            return -1;
        }
        try {
            return Integer.parseInt(packageNumber.substring(prefix.length(), packageNumber.length() - 2));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private HttpRequest json(String url, String method, String body, boolean signedIn) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (signedIn) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request)
            throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String group(Pattern pattern, String text, String otherwise) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException(otherwise);
        }
        return m.group(1);
    }

    private static void print(String phase, double[] millis, int stale, int lost) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%s\t%d\t%.1f\t%.1f\t%.1f\t%d\t%d%n", phase, sorted.length,
                percentile(sorted, 0.50), percentile(sorted, 0.99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1], stale, lost);
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** The nearest-rank percentile, as PropagationBenchmark computes it. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
