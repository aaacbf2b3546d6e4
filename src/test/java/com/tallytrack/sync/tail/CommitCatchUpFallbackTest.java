package com.tallytrack.sync.tail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

import com.tallytrack.manifest.ManifestsChanged;
import com.tallytrack.sync.RecordingCarrierCache;
import com.tallytrack.sync.cache.ManifestCache;
import com.tallytrack.sync.wakeup.WakeupChannels;

/**
 * When the last apply of an {@code applyAfter} scope fails, this node drops what the scope wrote from both its caches:
 * the numbers when it knows them all, else everything — the carrier-result cache included, as the tailer does for an
 * {@code invalidate_all} entry. (The real node, with its tailer's apply failing, is {@code ApplyAfterTest}.)
 */
class CommitCatchUpFallbackTest {

    private final ChangeLogTailer tailer = mock(ChangeLogTailer.class);
    private final ManifestCache cache = mock(ManifestCache.class);
    private final RecordingCarrierCache carrierCache = new RecordingCarrierCache();
    private final CommitCatchUp catchUp = new CommitCatchUp(tailer, cache, carrierCache, new WakeupChannels(List.of()));

    CommitCatchUpFallbackTest() {
        when(tailer.catchUp(anyBoolean())).thenThrow(new DataAccessResourceFailureException("the database went away"));
    }

    @Test
    void theNumbersWrittenWhenTheScopeKnowsThemAll() {
        catchUp.applyAfter(() -> {
            catchUp.afterCommit(new ManifestsChanged(Set.of("A1", "A2"), "import"));
            catchUp.afterCommit(new ManifestsChanged(Set.of("A3"), "import"));
            return null;
        });

        verify(cache).invalidate(Set.of("A1", "A2", "A3"));
        verify(cache, never()).invalidateAll();
        assertThat(carrierCache.invalidations).singleElement().asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.list(String.class))
                .containsExactlyInAnyOrder("A1", "A2", "A3");
        assertThat(carrierCache.invalidateAllCalls).hasValue(0);
    }

    @Test
    void everythingWhenTheScopeWroteMoreNumbersThanItRemembers() {
        catchUp.applyAfter(() -> {
            catchUp.afterCommit(new ManifestsChanged(numbers(CommitCatchUp.REMEMBERED), "import"));
            catchUp.afterCommit(new ManifestsChanged(Set.of("ONE-MORE"), "import"));
            return null;
        });

        verify(cache).invalidateAll();
        assertThat(carrierCache.invalidateAllCalls).as("not only the numbers it still knew").hasValue(1);
    }

    @Test
    void everythingAfterACommitThatNamedNoNumbers() {
        catchUp.applyAfter(() -> {
            catchUp.afterCommit(new ManifestsChanged(Set.of("B1"), "import"));
            catchUp.afterCommit(new ManifestsChanged(Set.of(), "bulk"));
            return null;
        });

        verify(cache).invalidateAll();
        assertThat(carrierCache.invalidateAllCalls).hasValue(1);
    }

    private static Set<String> numbers(int n) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < n; i++) {
            out.add("N" + i);
        }
        return out;
    }
}
