package com.tallytrack.importer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.tallytrack.common.ApiException;

/**
 * Which column holds which manifest field, from the header row: the Chinese template names (理货日期 …) or the
 * English API names ({@code manifest_date} …), in any order. A unit in brackets after a name ("重量(kg)") is
 * allowed. Blank header cells are ignored; unknown, duplicate or missing required columns refuse the file.
 */
final class ColumnMapping {

    /** The columns of a manifest file, with the Chinese template name of each. */
    enum Column {
        MANIFEST_DATE("manifest_date", "理货日期", true),
        TRACKING_NUMBER("tracking_number", "快递单号", true),
        PACKAGE_NUMBER("package_number", "集包单号", false),
        LENGTH("length", "长度", false),
        WIDTH("width", "宽度", false),
        HEIGHT("height", "高度", false),
        WEIGHT("weight", "重量", false),
        GOODS_CODE("goods_code", "货物代码", true),
        CUSTOMER_CODE("customer_code", "客户代码", true),
        TRANSPORT_CODE("transport_code", "运输代码", true),
        SPECIAL_FEE("special_fee", "特殊费用", false);

        final String field;
        final String chinese;
        final boolean required;

        Column(String field, String chinese, boolean required) {
            this.field = field;
            this.chinese = chinese;
            this.required = required;
        }
    }

    /** The template's header (PRODUCT §4), in its order. */
    static final List<Column> TEMPLATE = List.of(Column.MANIFEST_DATE, Column.TRACKING_NUMBER,
            Column.PACKAGE_NUMBER, Column.LENGTH, Column.WIDTH, Column.HEIGHT, Column.WEIGHT, Column.GOODS_CODE,
            Column.CUSTOMER_CODE, Column.TRANSPORT_CODE);

    /** The export's header: the template plus the optional special fee, so an export re-imports unchanged. */
    static final List<Column> EXPORT;

    static {
        List<Column> export = new ArrayList<>(TEMPLATE);
        export.add(Column.SPECIAL_FEE);
        EXPORT = List.copyOf(export);
    }

    private static final Pattern UNIT = Pattern.compile("\\s*[(（\\[【].*[)）\\]】]\\s*$");
    private static final Map<String, Column> BY_NAME = new LinkedHashMap<>();

    static {
        for (Column c : Column.values()) {
            BY_NAME.put(c.field, c);
            BY_NAME.put(c.chinese, c);
        }
    }

    private final EnumMap<Column, Integer> index;

    private ColumnMapping(EnumMap<Column, Integer> index) {
        this.index = index;
    }

    static ColumnMapping of(List<String> header) {
        EnumMap<Column, Integer> index = new EnumMap<>(Column.class);
        List<String> unknown = new ArrayList<>();
        List<String> duplicate = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String raw = header.get(i);
            String name = raw == null ? "" : raw.replace("\uFEFF", "").strip();
            if (name.isEmpty()) {
                continue;
            }
            Column column = lookup(name);
            if (column == null) {
                unknown.add(name);
            } else if (index.putIfAbsent(column, i) != null) {
                duplicate.add(name);
            }
        }
        List<String> missing = new ArrayList<>();
        for (Column c : Column.values()) {
            if (c.required && !index.containsKey(c)) {
                missing.add(c.chinese + " (" + c.field + ")");
            }
        }
        if (!unknown.isEmpty() || !duplicate.isEmpty() || !missing.isEmpty()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("missing_columns", missing);
            details.put("unknown_columns", unknown);
            details.put("duplicate_columns", duplicate);
            details.put("accepted_columns", TEMPLATE.stream().map(c -> c.chinese).toList());
            // the counts choose which parts the message shows: no "duplicate columns: " with nothing after it
            throw ApiException.badRequest("INVALID_COLUMNS", details, String.join(", ", missing),
                    String.join(", ", unknown), String.join(", ", duplicate), missing.size(), unknown.size(),
                    duplicate.size());
        }
        return new ColumnMapping(index);
    }

    private static Column lookup(String name) {
        Column c = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (c == null) {
            String withoutUnit = UNIT.matcher(name).replaceFirst("");
            c = BY_NAME.get(withoutUnit.toLowerCase(Locale.ROOT).replace(' ', '_'));
        }
        return c;
    }

    /** The cell of a column in a row, or {@code null} when the file has no such column or the row is short. */
    String cell(List<String> cells, Column column) {
        Integer i = index.get(column);
        return i == null || i >= cells.size() ? null : cells.get(i);
    }
}
