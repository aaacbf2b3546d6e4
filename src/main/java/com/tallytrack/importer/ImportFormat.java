package com.tallytrack.importer;

import java.util.List;
import java.util.Locale;

/** The file formats the importer reads; the content must match the extension. */
enum ImportFormat {
    CSV, XLSX, XLS;

    static final List<String> SUPPORTED = List.of(".csv", ".xlsx", ".xls");

    private static final byte[] ZIP = {'P', 'K', 3, 4};
    private static final byte[] OLE2 = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A,
            (byte) 0xE1};

    /** The format its name claims, or {@code null} for an extension we do not read. */
    static ImportFormat byName(String fileName) {
        String name = fileName == null ? "" : fileName.strip().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".xlsx")) {
            return XLSX;
        }
        if (name.endsWith(".xls")) {
            return XLS;
        }
        return null;
    }

    /** Whether the first bytes of a file are what this format starts with. */
    boolean matches(byte[] head, int length) {
        return switch (this) {
            case XLSX -> startsWith(head, length, ZIP);
            case XLS -> startsWith(head, length, OLE2);
            case CSV -> !startsWith(head, length, ZIP) && !startsWith(head, length, OLE2) && isText(head, length);
        };
    }

    /** Text has no NUL bytes and few other control characters (binary files have many). */
    private static boolean isText(byte[] head, int length) {
        int control = 0;
        for (int i = 0; i < length; i++) {
            int b = head[i] & 0xFF;
            if (b == 0) {
                return false;
            }
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != 0x0C) {
                control++;
            }
        }
        return control <= length / 100;
    }

    private static boolean startsWith(byte[] head, int length, byte[] magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
