package com.tallytrack.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.tallytrack.importer.ImportReport.RowRange;

/**
 * The saved row ranges a batch adds ({@link ImportRun#withRows}), a run of consecutive rows at a time, against the
 * plain definition (a range per row, merged with the one before it when adjacent), on seeded random batches:
 * rows with gaps (invalid and duplicate rows are not in a batch), batches that continue the last range or not.
 */
class ImportRunSavedRangesTest {

    @Test
    void theRangesAreThoseOfTheRowsOneByOne() {
        Random random = new Random(20261208);
        for (int round = 0; round < 2_000; round++) {
            List<RowRange> ranges = new ArrayList<>();
            int row = 1 + random.nextInt(3);
            int batches = 1 + random.nextInt(4);
            for (int batch = 0; batch < batches; batch++) {
                List<Integer> rows = new ArrayList<>();
                int size = random.nextInt(40);
                for (int i = 0; i < size; i++) {
                    row += random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(5);
                    rows.add(row);
                }
                List<RowRange> expected = oneByOne(ranges, rows);
                List<RowRange> actual = ImportRun.withRows(ranges, rows);
                assertThat(actual).as("ranges %s plus rows %s", ranges, rows).isEqualTo(expected);
                ranges = actual;
            }
        }
    }

    @Test
    void aBatchOfConsecutiveRowsThatContinuesTheLastRangeExtendsIt() {
        assertThat(ImportRun.withRows(List.of(new RowRange(2, 5), new RowRange(8, 10)), List.of(11, 12, 13, 15)))
                .containsExactly(new RowRange(2, 5), new RowRange(8, 13), new RowRange(15, 15));
        assertThat(ImportRun.withRows(List.of(), List.of())).isEmpty();
    }

    private static List<RowRange> oneByOne(List<RowRange> ranges, List<Integer> rows) {
        List<RowRange> out = new ArrayList<>(ranges);
        for (int row : rows) {
            RowRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.to() == row - 1) {
                out.set(out.size() - 1, new RowRange(last.from(), row));
            } else {
                out.add(new RowRange(row, row));
            }
        }
        return out;
    }
}
