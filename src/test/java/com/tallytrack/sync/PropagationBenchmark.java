package com.tallytrack.sync;

import static com.tallytrack.sync.SyncNodes.manifests;
import static com.tallytrack.sync.SyncTestSupport.manifest;
import static com.tallytrack.sync.SyncTestSupport.unique;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.tracking.PackageResolver;

/**
 * P4 (PRODUCT §9): change on node A → visible on node B, two whole application nodes on the embedded PostgreSQL.
 * Not a unit test (the name keeps it out of the default run): {@code bench/p4-propagation.sh} runs it.
 *
 * <p>For each change: A updates the package number of a manifest B has cached; the clock starts when A's write
 * call returns (the change is committed) and stops when B's resolver first returns the new package number (B's
 * query path spins on it). Every read on B is also checked for staleness: once B returned version v it must
 * never return an older one, and every change must arrive (lost = not seen within 5 s).
 */
class PropagationBenchmark {

    record Result(String mode, int changes, double p50, double p99, double max, int stale, int lost) {
        String row() {
            return String.format("| %s | %d | %.1f | %.1f | %.1f | %d | %d |", mode, changes, p50, p99, max, stale,
                    lost);
        }
    }

    @Test
    void propagationDelayBetweenTwoNodes() {
        int withWakeup = Integer.getInteger("bench.changes", 500);
        int withoutWakeup = Integer.getInteger("bench.changes.polling", 60);
        List<Result> results = new ArrayList<>();
        results.add(run("postgres LISTEN/NOTIFY, poll 1 s", withWakeup, 10, "tallytrack.sync.wakeup=auto"));
        // spacing spread over the whole poll interval, so changes land at every phase of B's poll cycle
        results.add(run("no wake-up, poll 1 s", withoutWakeup, 1000, "tallytrack.sync.wakeup=none"));
        StringBuilder out = new StringBuilder();
        out.append("P4 propagation, ").append(Instant.now()).append('\n');
        out.append("| mode | changes | p50 ms | p99 ms | max ms | stale reads | lost changes |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        results.forEach(r -> out.append(r.row()).append('\n'));
        System.out.println(out);
        try {
            Path dir = Path.of("target", "bench");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("p4-propagation.md"), out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Result run(String mode, int changes, int maxSpacingMillis, String wakeup) {
        ConfigurableApplicationContext a = null;
        ConfigurableApplicationContext b = null;
        try {
            a = SyncNodes.start("bench-a", wakeup, "tallytrack.sync.poll-interval=1s");
            b = SyncNodes.start("bench-b", wakeup, "tallytrack.sync.poll-interval=1s");
            PackageResolver onB = b.getBean(PackageResolver.class);
            String tn = unique("BE");
            Manifest m = manifests(a).create(manifest(tn, "BE-0"));
            onB.resolve(tn);
            // warm-up, not measured: JIT-compile both nodes' write, notify, tail and query paths
            for (int i = 0; i < 50; i++) {
                String pkg = "BW-" + i;
                m = manifests(a).update(m.id(), m.version(), manifest(tn, pkg), Set.of("package_number"));
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!pkg.equals(onB.resolve(tn).orElseThrow().packageNumber()) && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }
            Random random = new Random(42);
            double[] millis = new double[changes];
            int stale = 0;
            int lost = 0;
            int lastSeenVersion = onB.resolve(tn).orElseThrow().version();
            for (int i = 0; i < changes; i++) {
                String pkg = "BE-" + (i + 1);
                m = manifests(a).update(m.id(), m.version(), manifest(tn, pkg), Set.of("package_number"));
                long committed = System.nanoTime();
                long deadline = committed + 5_000_000_000L;
                while (true) {
                    Manifest seen = onB.resolve(tn).orElseThrow();
                    if (seen.version() < lastSeenVersion) {
                        stale++;
                    }
                    lastSeenVersion = Math.max(lastSeenVersion, seen.version());
                    if (pkg.equals(seen.packageNumber())) {
                        millis[i] = (System.nanoTime() - committed) / 1e6;
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        lost++;
                        millis[i] = 5000;
                        break;
                    }
                    // a short park, not a spin: on 2 cores a spinning reader would starve B's tailer
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
                sleepQuietly(random.nextInt(maxSpacingMillis));
            }
            Arrays.sort(millis);
            return new Result(mode, changes, percentile(millis, 0.50), percentile(millis, 0.99),
                    millis[millis.length - 1], stale, lost);
        } finally {
            SyncNodes.close(a, b);
        }
    }

    private static double percentile(double[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static void sleepQuietly(int millis) {
        try {
            Thread.sleep(millis); // spacing between changes, like independent admin edits
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
