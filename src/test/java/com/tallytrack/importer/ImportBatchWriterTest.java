package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;

import com.tallytrack.manifest.ManifestService;

/**
 * The retry rule in isolation (the concurrent-upload test in {@link ManifestImportApiContract} shows it against a
 * real database): conflicts with another writer are retried, anything else fails at once.
 */
class ImportBatchWriterTest {

    private final ManifestService manifests = mock(ManifestService.class);
    private final ImportBatchWriter writer = new ImportBatchWriter(manifests, ImportFixtures.properties());

    @Test
    void retriesABatchThatCollidedWithAnotherWriter() {
        ManifestService.UpsertResult ok = new ManifestService.UpsertResult(0, 1, 2);
        when(manifests.upsertBatch(any(), eq("import")))
                .thenThrow(new DuplicateKeyException("uk_cargo_manifest_tracking_number"))
                .thenThrow(new CannotAcquireLockException("deadlock detected"))
                .thenThrow(new PessimisticLockingFailureException("could not serialize access"))
                .thenReturn(ok);
        assertThat(writer.write(List.of())).isEqualTo(ok);
        verify(manifests, times(4)).upsertBatch(any(), eq("import"));
    }

    @Test
    void givesUpAfterTheConfiguredAttempts() {
        when(manifests.upsertBatch(any(), any())).thenThrow(new DuplicateKeyException("again"));
        assertThatThrownBy(() -> writer.write(List.of())).isInstanceOf(DuplicateKeyException.class);
        verify(manifests, times(ImportFixtures.properties().retries())).upsertBatch(any(), any());
    }

    @Test
    void doesNotRetryOtherFailures() {
        when(manifests.upsertBatch(any(), any())).thenThrow(new DataIntegrityViolationException("check"));
        assertThatThrownBy(() -> writer.write(List.of())).isInstanceOf(DataIntegrityViolationException.class);
        verify(manifests, times(1)).upsertBatch(any(), any());
    }
}
