package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ActiveProfiles;

import com.tallytrack.common.Messages;

import tools.jackson.databind.ObjectMapper;
import org.springframework.util.unit.DataSize;

import com.tallytrack.importer.ImportReport.Statistics;

/** The job registry: bounded pool (per node), bounded count and retention of the stored jobs. */
@SpringBootTest
@AutoConfigureMockMvc // the same context configuration as the other H2 tests, so the cached context is reused
@ActiveProfiles("test")
class ImportJobsTest {

    @Autowired
    ImportJobStore store;

    @Autowired
    JobBatchTransactions batches;

    @Autowired
    ObjectMapper json;

    @Autowired
    Messages messages;

    private ImportJobs jobs(ImportProperties properties, Clock clock) {
        return new ImportJobs(properties, store, batches, json, messages, Optional.of(clock));
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        volatile Instant now = Instant.parse("2100-01-01T00:00:00Z"); // after every real job of the shared context

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static ImportProperties properties(int threads, int queue, int maxJobs) {
        ImportProperties p = ImportFixtures.properties();
        return new ImportProperties(DataSize.ofMegabytes(50), p.maxRows(), p.batchSize(), p.asyncThreshold(),
                p.previewRows(), p.maxErrors(), threads, queue, Duration.ofHours(1), maxJobs, p.retries(),
                p.maxSharedStrings(), p.maxSharedStringChars(), p.maxXlsxEntrySize(), p.minInflateRatio(),
                p.jobHeartbeat(), p.jobTimeout(), p.jobPollInterval());
    }

    private static ImportReport done(String id) {
        return new ImportReport(id, "COMPLETED", "save", "f.csv", "csv", "UTF-8",
                new Statistics(1, 1, 0, 0, 1, 0, 0, 1), List.of(), List.of(), false, null, null, 1);
    }

    private static ImportJob finishedJob(ImportJobs jobs, ManualClock clock) {
        return jobs.submit("f.csv", "save", j -> j.finish(done(j.id), clock.instant()), () -> {
        });
    }

    @Test
    void finishedJobsAreDroppedAfterTheRetentionAndBeyondTheCount() throws Exception {
        ManualClock clock = new ManualClock();
        ImportJobs jobs = jobs(properties(1, 8, 2), clock);
        try {
            ImportJob a = finishedJob(jobs, clock);
            await().until(a::finished);
            clock.now = clock.now.plusSeconds(1);
            ImportJob b = finishedJob(jobs, clock);
            await().until(b::finished);
            clock.now = clock.now.plusSeconds(1);
            ImportJob c = finishedJob(jobs, clock);
            await().until(c::finished);
            jobs.evict();
            assertThat(jobs.view(a.id)).as("the oldest finished job goes first").isEmpty();
            assertThat(jobs.view(b.id)).isPresent();
            assertThat(jobs.view(c.id)).get().extracting(v -> ((java.util.Map<?, ?>) v).get("percent"))
                    .isEqualTo(100);
            clock.now = clock.now.plus(Duration.ofHours(1)).plusSeconds(1);
            jobs.evict();
            assertThat(jobs.view(c.id)).as("past the retention").isEmpty();
        } finally {
            jobs.destroy();
        }
    }

    @Test
    void aFullPoolRefusesWith503() throws Exception {
        ManualClock clock = new ManualClock();
        ImportJobs jobs = jobs(properties(1, 1, 10), clock);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try {
            jobs.submit("a.csv", "save", j -> {
                running.countDown();
                try {
                    // released by the test (or its finally); a short bound here would let the job end early on
                    // a loaded machine and empty the queue before the third submit
                    release.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                j.finish(done(j.id), clock.instant());
            }, () -> {
            });
            assertThat(running.await(2, TimeUnit.MINUTES)).as("the first job is running").isTrue();
            ImportJob queued = jobs.submit("b.csv", "save", j -> j.finish(done(j.id), clock.instant()), () -> {
            });
            assertThat(queued.state()).isEqualTo(ImportJob.State.QUEUED);
            boolean[] rejected = {false};
            assertThatThrownBy(() -> jobs.submit("c.csv", "save", j -> {
            }, () -> rejected[0] = true))
                    .isInstanceOfSatisfying(ImportJobs.ImportBusyException.class, e -> {
                        assertThat(e.status().value()).isEqualTo(503);
                        assertThat(e.headers()).containsKey("Retry-After");
                    });
            assertThat(rejected[0]).as("the caller cleans up the stored file").isTrue();
            release.countDown();
            await().until(queued::finished);
        } finally {
            release.countDown();
            jobs.destroy();
        }
    }
}
