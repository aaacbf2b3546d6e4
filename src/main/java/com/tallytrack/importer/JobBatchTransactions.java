package com.tallytrack.importer;

import java.util.function.Supplier;

import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Puts a job's saved row ranges into the transaction of the batch that saves them, whatever writes the batch
 * (the write path is {@link ImportBatchWriter}'s business, with its own transactions and retries): while a job
 * thread writes a batch, the first transaction it begins gets a before-commit step that stores the ranges. They
 * commit with the batch or roll back with it, so {@code import_job.saved_row_ranges} is exactly what is in the
 * database, also when the node dies right after a commit. A rolled-back attempt hands the step on to the
 * transaction of the retry. Spring Boot registers this listener with the transaction manager.
 */
@Component
class JobBatchTransactions implements TransactionExecutionListener {

    private static final class Pending {
        final String jobId;
        final String rangesJson;
        boolean registered;

        Pending(String jobId, String rangesJson) {
            this.jobId = jobId;
            this.rangesJson = rangesJson;
        }
    }

    private final ThreadLocal<Pending> pending = new ThreadLocal<>();
    private final ImportJobStore store;

    JobBatchTransactions(ImportJobStore store) {
        this.store = store;
    }

    /** Runs the write of one batch with the job's ranges riding in its transaction. */
    <T> T write(String jobId, String rangesJson, Supplier<T> write) {
        pending.set(new Pending(jobId, rangesJson));
        try {
            return write.get();
        } finally {
            pending.remove();
        }
    }

    @Override
    public void afterBegin(TransactionExecution transaction, Throwable beginFailure) {
        Pending p = pending.get();
        // only the outermost transaction of the batch: one begun inside it (REQUIRES_NEW) could commit alone
        if (p == null || p.registered || beginFailure != null || !transaction.isNewTransaction()
                || !TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        p.registered = true;
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                store.savedRanges(p.jobId, p.rangesJson);
            }

            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    p.registered = false; // the retry's transaction carries the ranges instead
                }
            }
        });
    }
}
