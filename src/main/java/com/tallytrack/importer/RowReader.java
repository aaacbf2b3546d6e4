package com.tallytrack.importer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Reads the rows of one uploaded file, one at a time, and pushes them to a {@link Sink}; never the whole file. */
interface RowReader {

    void read(Path file, Sink sink) throws IOException;

    /** Receives rows in file order; may throw to stop reading. */
    interface Sink {

        /** How many rows (header included) the file says it has, when the format tells us up front. */
        default void expect(long rows) {
        }

        /** The text encoding detected, for formats that have one. */
        default void encoding(String name) {
        }

        /**
         * One row. {@code cells} are the cell texts by column (null or empty when blank); numbers as plain
         * decimals, date cells as {@code yyyy-MM-dd}.
         *
         * @param rowNumber the row number a person sees in a spreadsheet program (the first row is 1)
         */
        void row(int rowNumber, List<String> cells);
    }
}
