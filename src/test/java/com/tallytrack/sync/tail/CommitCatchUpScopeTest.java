package com.tallytrack.sync.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** What an {@code applyAfter} scope remembers of its commits for its fallback, and when it stops remembering. */
class CommitCatchUpScopeTest {

    @Test
    void remembersTheNumbersOfItsCommitsUpToItsBoundThenOnlyThatItLostCount() {
        CommitCatchUp.Scope scope = new CommitCatchUp.Scope();
        assertThat(scope.committed).isFalse();

        int half = CommitCatchUp.REMEMBERED / 2;
        scope.add(numbers(0, half));
        scope.add(numbers(half, CommitCatchUp.REMEMBERED));
        assertThat(scope.committed).isTrue();
        assertThat(scope.incomplete).isFalse();
        assertThat(scope.numbers).hasSize(CommitCatchUp.REMEMBERED);

        scope.add(Set.of("ONE-MORE"));
        assertThat(scope.incomplete).as("past the bound the fallback drops everything").isTrue();
        assertThat(scope.numbers).as("and the numbers are let go").isEmpty();

        scope.add(Set.of("A-SMALL-ONE"));
        assertThat(scope.incomplete).as("for the rest of the scope").isTrue();
        assertThat(scope.numbers).isEmpty();
    }

    @Test
    void aCommitThatNamesNoNumbersMakesTheFallbackDropEverything() {
        CommitCatchUp.Scope scope = new CommitCatchUp.Scope();
        scope.add(Set.of("A"));
        scope.add(Set.of());
        assertThat(scope.committed).isTrue();
        assertThat(scope.incomplete).isTrue();
    }

    private static Set<String> numbers(int from, int to) {
        Set<String> out = new HashSet<>();
        for (int i = from; i < to; i++) {
            out.add("N" + i);
        }
        return out;
    }
}
