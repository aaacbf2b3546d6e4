package com.tallytrack.packages;

/**
 * CSV cells of the board export (RFC 4180 quoting). Text a spreadsheet could take for a formula (starting with
 * {@code = + - @}, a tab or a carriage return) gets a leading apostrophe, so a carrier's event text or a package
 * number like {@code -1+1} stays text (OWASP "CSV injection").
 */
final class CsvCells {

    private CsvCells() {
    }

    static String row(String... cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(cell(cells[i]));
        }
        return line.append("\r\n").toString();
    }

    static String cell(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        char c = text.charAt(0);
        String safe = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\''
                ? "'" + text : text;
        if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0
                || safe.indexOf('\r') >= 0) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}
