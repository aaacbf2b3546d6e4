package com.tallytrack.importer;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import com.tallytrack.common.ApiException;

/**
 * Background import jobs: a bounded pool ({@code job-threads}, {@code job-queue}) and an in-memory registry.
 * Jobs live in this node's memory only: a finished job stays readable for {@code job-retention}, at most
 * {@code max-jobs} are kept (oldest finished dropped first), and a restart forgets them.
 */
@Component
class ImportJobs implements DisposableBean {

    private final ImportProperties properties;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final Map<String, ImportJob> jobs = new ConcurrentHashMap<>();

    ImportJobs(ImportProperties properties, Optional<Clock> clock) {
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
        BlockingQueue<Runnable> queue = properties.jobQueue() == 0 ? new SynchronousQueue<>()
                : properties.jobQueue() > 10_000 ? new LinkedBlockingQueue<>(properties.jobQueue())
                : new ArrayBlockingQueue<>(properties.jobQueue());
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(properties.jobThreads(), properties.jobThreads(), 60, TimeUnit.SECONDS,
                queue, r -> {
                    Thread t = new Thread(r, "import-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.executor.allowCoreThreadTimeOut(true);
    }

    /** Registers a job and queues its work; refused with 503 when the pool and its queue are full. */
    ImportJob submit(String fileName, String mode, Consumer<ImportJob> work, Runnable onRejected) {
        evict();
        ImportJob job = new ImportJob(UUID.randomUUID().toString(), fileName, mode, clock.instant());
        jobs.put(job.id, job);
        try {
            executor.execute(() -> work.accept(job));
        } catch (RejectedExecutionException e) {
            jobs.remove(job.id);
            onRejected.run();
            throw new ImportBusyException();
        }
        return job;
    }

    Optional<ImportJob> find(String id) {
        evict();
        return Optional.ofNullable(jobs.get(id));
    }

    Instant now() {
        return clock.instant();
    }

    /** Drops finished jobs past their retention, then the oldest finished ones beyond {@code max-jobs}. */
    void evict() {
        Instant cutoff = clock.instant().minus(properties.jobRetention());
        jobs.values().removeIf(j -> j.finished() && j.finishedAt() != null && j.finishedAt().isBefore(cutoff));
        int excess = jobs.size() - properties.maxJobs();
        if (excess > 0) {
            jobs.values().stream().filter(ImportJob::finished)
                    .sorted(Comparator.comparing(ImportJob::finishedAt))
                    .limit(excess)
                    .toList()
                    .forEach(j -> jobs.remove(j.id));
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(20, TimeUnit.SECONDS);
    }

    /** 503 with {@code Retry-After}: every import thread is busy and the queue is full. */
    static final class ImportBusyException extends ApiException {

        ImportBusyException() {
            super(HttpStatus.SERVICE_UNAVAILABLE, "IMPORT_BUSY", null);
        }

        @Override
        public Map<String, String> headers() {
            return Map.of("Retry-After", "30");
        }
    }
}
