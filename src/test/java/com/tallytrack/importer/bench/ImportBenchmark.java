package com.tallytrack.importer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

import com.tallytrack.importer.ImportBenchmarkSupport;
import com.tallytrack.importer.ImportReport;
import com.tallytrack.importer.ManifestImportService;
import com.tallytrack.support.PostgresInitializer;

/**
 * P3 (PRODUCT §9): import of an N-row file in save mode, on H2 (a file database, like the embedded default) and
 * on embedded PostgreSQL. Not part of the normal test run; {@code bench/p3-import.sh} runs it and prints the
 * figures for {@code docs/BENCHMARKS.md}. Wall time is the whole import (parse, validate, upsert, change log);
 * heap growth is the largest live heap (heap in use right after any collection during the import) minus the
 * heap in use after a GC before it, and the growth still retained after a GC once it is done.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ImportBenchmark {

    static final int ROWS = Integer.getInteger("bench.rows", 100_000);

    @SpringBootTest(properties = {
            "spring.datasource.url=jdbc:h2:file:./target/bench-h2/tallytrack-${random.uuid};LOCK_TIMEOUT=10000"})
    @ActiveProfiles("test")
    static class OnH2 extends Run {
        OnH2() {
            super("H2 (file)");
        }
    }

    @SpringBootTest
    @ActiveProfiles("test")
    @ContextConfiguration(initializers = PostgresInitializer.class)
    static class OnPostgres extends Run {
        OnPostgres() {
            super("PostgreSQL 17 (embedded)");
        }
    }

    abstract static class Run {

        private final String database;

        @Autowired
        ManifestImportService imports;

        Run(String database) {
            this.database = database;
        }

        @Test
        void importLargeFiles() throws Exception {
            Path dir = Files.createDirectories(Path.of("bench/out"));
            String tag = Long.toString(System.currentTimeMillis() % 100_000_000L, 36).toUpperCase();
            Path csv = dir.resolve("p3-" + ROWS + "-" + tag + ".csv");
            Path xlsx = dir.resolve("p3-" + ROWS + "-" + tag + ".xlsx");
            ManifestFileGenerator.csv(csv, ROWS, "C" + tag);
            ManifestFileGenerator.xlsx(xlsx, ROWS, "X" + tag);
            // warm-up: JIT and connection pool, on a small file of other numbers
            Path warm = dir.resolve("p3-warmup-" + tag + ".csv");
            ManifestFileGenerator.csv(warm, 20_000, "W" + tag);
            ImportBenchmarkSupport.save(imports, warm, "csv");

            measure("CSV, new rows (all inserted)", csv, "csv", r -> r.statistics().inserted() == ROWS);
            measure("CSV, same file again (all unchanged)", csv, "csv", r -> r.statistics().unchanged() == ROWS);
            measure("XLSX, new rows (all inserted)", xlsx, "xlsx", r -> r.statistics().inserted() == ROWS);
            for (Path p : List.of(csv, xlsx, warm)) {
                Files.deleteIfExists(p);
            }
        }

        private void measure(String what, Path file, String format, java.util.function.Predicate<ImportReport> ok)
                throws IOException {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long before = memory.getHeapMemoryUsage().getUsed();
            // the live heap is what survives a collection: take the largest heap use right after each GC
            AtomicLong peakLive = new AtomicLong(before);
            javax.management.NotificationListener listener = (n, handback) -> {
                if (n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) n.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> !e.getKey().contains("Metaspace") && !e.getKey().contains("Code")
                                    && !e.getKey().contains("Class"))
                            .mapToLong(e -> e.getValue().getUsed()).sum();
                    peakLive.accumulateAndGet(used, Math::max);
                }
            };
            List<java.lang.management.GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
            for (var gc : gcs) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener(listener, null, null);
            }
            java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            ImportReport report = ImportBenchmarkSupport.save(imports, file, format);
            long millis = (System.nanoTime() - start) / 1_000_000;
            long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
            for (var gc : gcs) {
                try {
                    ((javax.management.NotificationEmitter) gc).removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // not registered
                }
            }
            long peak = peakLive.get();
            System.gc();
            long retained = memory.getHeapMemoryUsage().getUsed() - before;
            assertThat(report.state()).isEqualTo("COMPLETED");
            assertThat(ok.test(report)).as("%s: %s", what, report.statistics()).isTrue();
            String line = String.format("| %s | %s | %,d rows, %.1f MB | %,d ms | %,d ms | %,d MB | %,d MB |", database,
                    what, ROWS, Files.size(file) / 1e6, millis, cpuMillis, Math.max(0, peak - before) >> 20, Math.max(0, retained) >> 20);
            line += String.format(" load %.1f |", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("P3 " + line);
            Files.write(Path.of("bench/out/p3-results.md"), List.of(line), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }
}
