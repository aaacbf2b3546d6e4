package com.tallytrack.manifest;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The validation of PRODUCT §2, one piece of code for the manifests API and the importer. Violations carry
 * the API field name and a reason code; the message key is {@code manifest.violation.<code>} with
 * {@link Violation#args()}.
 */
public final class ManifestRules {

    public static final int CODE_MAX_LENGTH = 20;
    /** Tally dates outside these are typing slips (a year 20224, a 0 for "unknown"), not real shipments. */
    public static final LocalDate DATE_MIN = LocalDate.of(1900, 1, 1);
    public static final LocalDate DATE_MAX = LocalDate.of(2999, 12, 31);
    static final BigDecimal WEIGHT_MAX = new BigDecimal("999999.999");
    static final BigDecimal DIMENSION_MAX = new BigDecimal("999999.99");
    static final BigDecimal FEE_MAX = new BigDecimal("99999999.99");

    /** One invalid field of a manifest. */
    public record Violation(String field, String code, Object... args) {

        public String messageKey() {
            return "manifest.violation." + code;
        }
    }

    private ManifestRules() {
    }

    /** Trims every text field; tracking and package numbers upper-case; blank optional text becomes null. */
    public static ManifestInput normalize(ManifestInput in) {
        return new ManifestInput(
                TrackingNumbers.clean(in.trackingNumber()),
                in.manifestDate(),
                trim(in.transportCode()),
                trim(in.customerCode()),
                trim(in.goodsCode()),
                TrackingNumbers.cleanPackage(in.packageNumber()),
                in.weight(), in.length(), in.width(), in.height(), in.specialFee());
    }

    /** Every violation of a normalized input, in field order; empty when it may be stored. */
    public static List<Violation> validate(ManifestInput in) {
        List<Violation> out = new ArrayList<>();
        String tracking = TrackingNumbers.problem(in.trackingNumber());
        if (tracking != null) {
            out.add(new Violation("tracking_number", "TRACKING_" + tracking, TrackingNumbers.MIN_LENGTH,
                    TrackingNumbers.MAX_LENGTH));
        }
        if (in.manifestDate() == null) {
            out.add(new Violation("manifest_date", "REQUIRED"));
        } else if (in.manifestDate().isBefore(DATE_MIN) || in.manifestDate().isAfter(DATE_MAX)) {
            out.add(new Violation("manifest_date", "DATE_OUT_OF_RANGE", DATE_MIN.toString(), DATE_MAX.toString()));
        }
        code(out, "transport_code", in.transportCode());
        code(out, "customer_code", in.customerCode());
        code(out, "goods_code", in.goodsCode());
        String pkg = TrackingNumbers.packageProblem(in.packageNumber());
        if (pkg != null) {
            out.add(new Violation("package_number", "PACKAGE_" + pkg, TrackingNumbers.MAX_LENGTH));
        }
        range(out, "weight", in.weight(), WEIGHT_MAX, 3);
        range(out, "length", in.length(), DIMENSION_MAX, 2);
        range(out, "width", in.width(), DIMENSION_MAX, 2);
        range(out, "height", in.height(), DIMENSION_MAX, 2);
        range(out, "special_fee", in.specialFee(), FEE_MAX, 2);
        return out;
    }

    private static void code(List<Violation> out, String field, String value) {
        if (value == null || value.isEmpty()) {
            out.add(new Violation(field, "REQUIRED"));
        } else if (value.length() > CODE_MAX_LENGTH) {
            out.add(new Violation(field, "CODE_TOO_LONG", CODE_MAX_LENGTH));
        } else if (hasControlCharacter(value)) {
            out.add(new Violation(field, "CONTROL_CHARACTERS"));
        }
    }

    /** A loop, not {@code chars().anyMatch(…)}: this runs for three fields of every imported row. */
    private static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static void range(List<Violation> out, String field, BigDecimal value, BigDecimal max, int scale) {
        if (value == null) {
            return;
        }
        if (value.signum() < 0 || value.compareTo(max) > 0) {
            out.add(new Violation(field, "OUT_OF_RANGE", "0", max.toPlainString()));
        } else if (value.scale() > scale && value.stripTrailingZeros().scale() > scale) { // stripping never raises it
            out.add(new Violation(field, "TOO_MANY_DECIMALS", scale));
        }
    }

    private static String trim(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }
}
