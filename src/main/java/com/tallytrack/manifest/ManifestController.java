package com.tallytrack.manifest;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import com.tallytrack.common.ApiException;
import com.tallytrack.common.PageResult;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** {@code /api/v1/admin/manifest}: search, read, create, update, delete manifests (PRODUCT §3). */
@RestController
@RequestMapping("/api/v1/admin/manifest")
class ManifestController {

    private static final Pattern PLAIN_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final DateTimeFormatter ISO_DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd")
            .withResolverStyle(ResolverStyle.STRICT);

    private final ManifestService manifests;
    private final ObjectMapper objectMapper;

    ManifestController(ManifestService manifests, ObjectMapper objectMapper) {
        this.manifests = manifests;
        this.objectMapper = objectMapper;
    }

    /** The JSON body of create and update. All fields optional here; the rules decide what is required. */
    record ManifestRequest(String trackingNumber, LocalDate manifestDate, String transportCode, String customerCode,
            String goodsCode, String packageNumber, BigDecimal weight, BigDecimal length, BigDecimal width,
            BigDecimal height, BigDecimal specialFee, Integer version) {

        ManifestInput toInput() {
            return new ManifestInput(trackingNumber, manifestDate, transportCode, customerCode, goodsCode,
                    packageNumber, weight, length, width, height, specialFee);
        }
    }

    record BatchDeleteRequest(List<Long> ids, Boolean confirm) {
    }

    @GetMapping("/search")
    Map<String, Object> search(@RequestParam(required = false) String q,
            @RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer limit,
            @RequestParam(name = "sort_by", required = false) String sortBy,
            @RequestParam(name = "sort_order", required = false) String sortOrder,
            @RequestParam(name = "customer_code", required = false) String customerCode,
            @RequestParam(name = "transport_code", required = false) String transportCode,
            @RequestParam(name = "package_number", required = false) String packageNumber,
            @RequestParam(name = "date_from", required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
            LocalDate dateFrom,
            @RequestParam(name = "date_to", required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
            LocalDate dateTo) {
        PageResult<Manifest> result = manifests.search(q, customerCode, transportCode, packageNumber, dateFrom,
                dateTo, sortBy, sortOrder, page, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", result.data());
        body.put("pagination", result.pagination());
        return body;
    }

    @GetMapping("/statistics/overview")
    Map<String, Object> overview() {
        return ok(manifests.overview());
    }

    @GetMapping("/{id}")
    Map<String, Object> get(@PathVariable long id) {
        return ok(manifests.get(id));
    }

    @GetMapping("/tracking/{trackingNumber}")
    Map<String, Object> byTracking(@PathVariable String trackingNumber) {
        return ok(manifests.getByTrackingNumber(trackingNumber));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> create(@RequestBody byte[] raw) {
        return ok(manifests.create(read(parse(raw)).toInput()));
    }

    @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> update(@PathVariable long id, @RequestBody byte[] raw) {
        JsonNode body = parse(raw);
        ManifestRequest request = read(body);
        Set<String> present = new LinkedHashSet<>(body.propertyNames());
        return ok(manifests.update(id, request.version(), request.toInput(), present));
    }

    @DeleteMapping("/batch")
    Map<String, Object> deleteBatch(@RequestBody BatchDeleteRequest request) {
        ManifestService.BatchDeleteResult result = manifests.deleteBatch(request.ids(),
                Boolean.TRUE.equals(request.confirm()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("deleted_count", result.deletedCount());
        body.put("not_found_ids", result.notFoundIds());
        return body;
    }

    @DeleteMapping("/{id}")
    Map<String, Object> delete(@PathVariable long id,
            @RequestParam(required = false, defaultValue = "false") boolean confirm) {
        return ok(manifests.delete(id, confirm));
    }

    /**
     * Parses the body with every JSON fraction as an exact {@code BigDecimal}. Spring's own reading makes them
     * doubles first, so {@code 1e-400} arrived as 0 and {@code 0.1234567890123456789} lost digits before the
     * rules could refuse them.
     */
    private JsonNode parse(byte[] raw) {
        JsonNode body;
        try {
            body = objectMapper.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(raw);
        } catch (JacksonException e) {
            throw ApiException.badRequest("MALFORMED_REQUEST", null);
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("MALFORMED_REQUEST", null);
        }
        return body;
    }

    /**
     * Reads the body into the request record, turning a wrongly typed field into a field-level error. The date
     * and the version are checked here first because Jackson is lenient with both: it drops the time of
     * {@code "2024-05-01T23:00:00"} and turns {@code 1.7} or {@code "1"} into version 1.
     */
    private ManifestRequest read(JsonNode body) {
        List<ManifestRules.Violation> strict = new java.util.ArrayList<>();
        JsonNode date = body.get("manifest_date");
        if (date != null && !date.isNull() && !(date.isString() && isPlainDate(date.asString()))) {
            // the code of any wrongly typed field, so clients handle a date with a time part like "yesterday"
            strict.add(new ManifestRules.Violation("manifest_date", "INVALID_FORMAT"));
        }
        JsonNode version = body.get("version");
        if (version != null && !version.isNull()
                && !(version.isIntegralNumber() && version.canConvertToInt() && version.asInt() >= 0)) {
            strict.add(new ManifestRules.Violation("version", "VERSION_INVALID"));
        }
        if (!strict.isEmpty()) {
            throw manifests.validation(strict);
        }
        try {
            return objectMapper.treeToValue(body, ManifestRequest.class);
        } catch (JacksonException e) {
            String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getPropertyName();
            throw manifests.validation(List.of(new ManifestRules.Violation(field, "INVALID_FORMAT")));
        }
    }

    private static boolean isPlainDate(String text) {
        if (!PLAIN_DATE.matcher(text).matches()) {
            return false;
        }
        try {
            LocalDate.parse(text, ISO_DATE);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static Map<String, Object> ok(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", data);
        return body;
    }
}
