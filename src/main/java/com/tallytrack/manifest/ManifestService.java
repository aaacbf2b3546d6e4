package com.tallytrack.manifest;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import com.tallytrack.audit.AuditLog;
import com.tallytrack.common.ApiException;
import com.tallytrack.common.FieldViolation;
import com.tallytrack.common.Messages;
import com.tallytrack.common.PageResult;

/**
 * Reads and writes cargo manifests. Every write runs in one transaction that also records the audit entry
 * and publishes {@link ManifestsChanged}; the database records the change-log entry in the same transaction.
 */
@Service
public class ManifestService {

    private final ManifestRepository repository;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Messages messages;
    private final ObjectProvider<ManifestStatisticsContributor> contributors;
    private final ManifestProperties properties;
    private final Clock clock;

    ManifestService(ManifestRepository repository, AuditLog audit, ApplicationEventPublisher events,
            Messages messages, ObjectProvider<ManifestStatisticsContributor> contributors,
            ManifestProperties properties, Optional<Clock> clock) {
        this.repository = repository;
        this.audit = audit;
        this.events = events;
        this.messages = messages;
        this.contributors = contributors;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    // ---- reads -------------------------------------------------------------------------------------------

    public Optional<Manifest> findByTrackingNumber(String trackingNumber) {
        return repository.findByTrackingNumber(TrackingNumbers.clean(trackingNumber));
    }

    /** The stored manifests of these (cleaned) tracking numbers, keyed by tracking number. */
    public Map<String, Manifest> findByTrackingNumbers(Collection<String> trackingNumbers) {
        return trackingNumbers.isEmpty() ? Map.of() : repository.findByTrackingNumbers(trackingNumbers);
    }

    public Manifest get(long id) {
        return repository.findById(id).orElseThrow(() -> ApiException.notFound("MANIFEST_NOT_FOUND", id));
    }

    public Manifest getByTrackingNumber(String trackingNumber) {
        return findByTrackingNumber(trackingNumber)
                .orElseThrow(() -> ApiException.notFound("MANIFEST_NOT_FOUND", TrackingNumbers.clean(trackingNumber)));
    }

    public PageResult<Manifest> search(String q, String customerCode, String transportCode, String packageNumber,
            LocalDate dateFrom, LocalDate dateTo, String sortBy, String sortOrder, Integer page, Integer limit) {
        String sort = sortBy == null || sortBy.isBlank() ? "updated_at" : sortBy.strip().toLowerCase();
        if (!ManifestSearch.SORTABLE.contains(sort)) {
            throw ApiException.badRequest("INVALID_SORT_FIELD", Map.of("allowed", ManifestSearch.SORTABLE), sort,
                    String.join(", ", ManifestSearch.SORTABLE));
        }
        boolean ascending = "asc".equalsIgnoreCase(sortOrder == null ? null : sortOrder.strip());
        if (sortOrder != null && !sortOrder.isBlank() && !ascending && !"desc".equalsIgnoreCase(sortOrder.strip())) {
            throw ApiException.badRequest("INVALID_PARAMETER", Map.of("parameter", "sort_order"), "sort_order");
        }
        int[] pl = PageResult.clamp(page, limit, 20, properties.maxPageSize());
        ManifestSearch search = new ManifestSearch(q, customerCode, transportCode, packageNumber, dateFrom, dateTo,
                sort, ascending, pl[0], pl[1]);
        ManifestRepository.PageResultRows rows = repository.search(search);
        return new PageResult<>(rows.rows(), pl[0], pl[1], rows.total());
    }

    /**
     * Every manifest matching the criteria of {@link #search} (no paging), handed to {@code sink} one at a
     * time in one read-only transaction, so an export of any size streams with flat memory. Default order: id.
     */
    @Transactional(readOnly = true)
    public void forEachMatching(String q, String customerCode, String transportCode, String packageNumber,
            LocalDate dateFrom, LocalDate dateTo, String sortBy, String sortOrder,
            java.util.function.Consumer<Manifest> sink) {
        String sort = sortBy == null || sortBy.isBlank() ? "id" : sortBy.strip().toLowerCase();
        if (!ManifestSearch.SORTABLE.contains(sort)) {
            throw ApiException.badRequest("INVALID_SORT_FIELD", Map.of("allowed", ManifestSearch.SORTABLE), sort,
                    String.join(", ", ManifestSearch.SORTABLE));
        }
        boolean descending = "desc".equalsIgnoreCase(sortOrder == null ? null : sortOrder.strip());
        if (sortOrder != null && !sortOrder.isBlank() && !descending && !"asc".equalsIgnoreCase(sortOrder.strip())) {
            throw ApiException.badRequest("INVALID_PARAMETER", Map.of("parameter", "sort_order"), "sort_order");
        }
        repository.forEachMatching(new ManifestSearch(q, customerCode, transportCode, packageNumber, dateFrom, dateTo,
                sort, !descending, 1, Integer.MAX_VALUE), sink);
    }

    /** Counts for the admin overview, with a section from each {@link ManifestStatisticsContributor}. */
    public Map<String, Object> overview() {
        Map<String, Object> out = new LinkedHashMap<>(repository.overview(LocalDate.now(clock.withZone(zone()))));
        contributors.orderedStream().forEach(c -> out.put(c.section(), c.contribute()));
        return out;
    }

    // ---- writes ------------------------------------------------------------------------------------------

    @Transactional
    public Manifest create(ManifestInput raw) {
        ManifestInput input = validOrThrow(ManifestRules.normalize(raw));
        if (repository.findByTrackingNumber(input.trackingNumber()).isPresent()) {
            throw duplicate(input.trackingNumber());
        }
        long id;
        try {
            id = repository.insert(input, now());
        } catch (DuplicateKeyException e) {
            throw duplicate(input.trackingNumber());
        }
        Manifest created = repository.findById(id).orElseThrow();
        audit.record("MANIFEST_CREATE", created.trackingNumber(), "after: " + summary(created));
        events.publishEvent(new ManifestsChanged(Set.of(created.trackingNumber()), "api"));
        return created;
    }

    /**
     * Applies the fields named in {@code present} (API names, e.g. {@code package_number}) from {@code changes}
     * to the manifest, if it is still at {@code expectedVersion}.
     */
    @Transactional
    public Manifest update(long id, Integer expectedVersion, ManifestInput changes, Set<String> present) {
        if (expectedVersion == null) {
            throw validation(List.of(new ManifestRules.Violation("version", "REQUIRED")));
        }
        Manifest current = get(id);
        if (current.version() != expectedVersion) {
            throw versionConflict(id, expectedVersion, current.version());
        }
        ManifestInput merged = validOrThrow(ManifestRules.normalize(merge(current.toInput(), changes, present)));
        if (merged.sameValuesAs(current.toInput())) {
            // nothing to write: a new version, an audit row and a change-log entry would all announce a change
            // that did not happen (and make every node drop its cached answer for nothing). The event still goes
            // out: the answer shows the database's row, so this node must catch up with changes made elsewhere
            // (psql, another node) before the call returns, or its next read could show an older association.
            events.publishEvent(new ManifestsChanged(Set.of(current.trackingNumber()), "api"));
            return current;
        }
        if (!merged.trackingNumber().equals(current.trackingNumber())
                && repository.findByTrackingNumber(merged.trackingNumber()).isPresent()) {
            throw duplicate(merged.trackingNumber());
        }
        boolean updated;
        try {
            updated = repository.update(id, expectedVersion, merged, now());
        } catch (DuplicateKeyException e) {
            throw duplicate(merged.trackingNumber());
        }
        if (!updated) {
            Manifest now = repository.findById(id).orElseThrow(() -> ApiException.notFound("MANIFEST_NOT_FOUND", id));
            throw versionConflict(id, expectedVersion, now.version());
        }
        Manifest after = repository.findById(id).orElseThrow();
        audit.record("MANIFEST_UPDATE", after.trackingNumber(),
                "before: " + summary(current) + "; after: " + summary(after));
        Set<String> touched = new LinkedHashSet<>(List.of(current.trackingNumber(), after.trackingNumber()));
        events.publishEvent(new ManifestsChanged(touched, "api"));
        return after;
    }

    @Transactional
    public Manifest delete(long id, boolean confirm) {
        requireConfirmation(confirm);
        Manifest current = get(id);
        if (!repository.delete(id)) {
            throw ApiException.notFound("MANIFEST_NOT_FOUND", id);
        }
        audit.record("MANIFEST_DELETE", current.trackingNumber(), "before: " + summary(current));
        events.publishEvent(new ManifestsChanged(Set.of(current.trackingNumber()), "api"));
        return current;
    }

    /** Deletes the manifests with these ids; ids that do not exist are reported back, not an error. */
    @Transactional
    public BatchDeleteResult deleteBatch(List<Long> ids, boolean confirm) {
        requireConfirmation(confirm);
        if (ids == null || ids.isEmpty()) {
            throw validation(List.of(new ManifestRules.Violation("ids", "REQUIRED")));
        }
        if (ids.size() > properties.batchDeleteLimit()) {
            throw ApiException.badRequest("BATCH_TOO_LARGE",
                    Map.of("limit", properties.batchDeleteLimit(), "property", "tallytrack.manifest.batch-delete-limit"),
                    String.valueOf(properties.batchDeleteLimit()), "tallytrack.manifest.batch-delete-limit");
        }
        Set<Long> unique = new LinkedHashSet<>(ids);
        List<Manifest> found = repository.findByIds(unique);
        int deleted = repository.deleteByIds(found.stream().map(Manifest::id).toList());
        List<Long> missing = new ArrayList<>(unique);
        missing.removeAll(found.stream().map(Manifest::id).toList());
        Set<String> touched = new LinkedHashSet<>();
        found.forEach(m -> touched.add(m.trackingNumber()));
        audit.record("MANIFEST_BATCH_DELETE", deleted + " manifests",
                "before: " + String.join(",", touched.stream().limit(100).toList())
                        + (touched.size() > 100 ? ",…" : ""));
        events.publishEvent(new ManifestsChanged(touched, "batch_delete"));
        return new BatchDeleteResult(deleted, missing);
    }

    public record BatchDeleteResult(int deletedCount, List<Long> notFoundIds) {
    }

    /**
     * Inserts or updates normalized, valid rows by tracking number in one transaction (one import batch).
     * Rows whose stored values are the same are left alone and counted as unchanged.
     */
    @Transactional
    public UpsertResult upsertBatch(List<ManifestInput> rows, String source) {
        Map<String, ManifestInput> byTracking = new LinkedHashMap<>();
        rows.forEach(r -> byTracking.putIfAbsent(r.trackingNumber(), r));
        Map<String, Manifest> existing = repository.findByTrackingNumbers(byTracking.keySet());
        List<ManifestInput> inserts = new ArrayList<>();
        List<ManifestInput> updates = new ArrayList<>();
        int unchanged = 0;
        for (ManifestInput row : byTracking.values()) {
            Manifest stored = existing.get(row.trackingNumber());
            if (stored == null) {
                inserts.add(row);
            } else if (stored.toInput().sameValuesAs(row)) {
                unchanged++;
            } else {
                updates.add(row);
            }
        }
        // a fixed order of row locks, so two batches touching the same numbers wait for each other, not deadlock
        inserts.sort(java.util.Comparator.comparing(ManifestInput::trackingNumber));
        updates.sort(java.util.Comparator.comparing(ManifestInput::trackingNumber));
        Instant now = now();
        repository.insertBatch(inserts, now);
        repository.updateBatchByTrackingNumber(updates, now);
        Set<String> touched = new LinkedHashSet<>();
        inserts.forEach(r -> touched.add(r.trackingNumber()));
        updates.forEach(r -> touched.add(r.trackingNumber()));
        if (!touched.isEmpty()) {
            events.publishEvent(new ManifestsChanged(touched, source));
        }
        return new UpsertResult(inserts.size(), updates.size(), unchanged);
    }

    public record UpsertResult(int inserted, int updated, int unchanged) {
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** The API names of the writable fields, as accepted in {@code present}. */
    public static final List<String> FIELDS = List.of("tracking_number", "manifest_date", "transport_code",
            "customer_code", "goods_code", "package_number", "weight", "length", "width", "height", "special_fee");

    private static ManifestInput merge(ManifestInput base, ManifestInput changes, Set<String> present) {
        return new ManifestInput(
                present.contains("tracking_number") ? changes.trackingNumber() : base.trackingNumber(),
                present.contains("manifest_date") ? changes.manifestDate() : base.manifestDate(),
                present.contains("transport_code") ? changes.transportCode() : base.transportCode(),
                present.contains("customer_code") ? changes.customerCode() : base.customerCode(),
                present.contains("goods_code") ? changes.goodsCode() : base.goodsCode(),
                present.contains("package_number") ? changes.packageNumber() : base.packageNumber(),
                present.contains("weight") ? changes.weight() : base.weight(),
                present.contains("length") ? changes.length() : base.length(),
                present.contains("width") ? changes.width() : base.width(),
                present.contains("height") ? changes.height() : base.height(),
                present.contains("special_fee") ? changes.specialFee() : base.specialFee());
    }

    private ManifestInput validOrThrow(ManifestInput input) {
        List<ManifestRules.Violation> violations = ManifestRules.validate(input);
        if (!violations.isEmpty()) {
            throw validation(violations);
        }
        return input;
    }

    /** The API error for rule violations, with one localized {@link FieldViolation} per field. */
    public ApiException validation(List<ManifestRules.Violation> violations) {
        List<FieldViolation> details = violations.stream()
                .map(v -> new FieldViolation(v.field(), v.code(), messages.get(v.messageKey(), v.args())))
                .toList();
        return new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", details);
    }

    private static void requireConfirmation(boolean confirm) {
        if (!confirm) {
            throw ApiException.badRequest("CONFIRMATION_REQUIRED", null);
        }
    }

    private static ApiException duplicate(String trackingNumber) {
        return ApiException.conflict("DUPLICATE_TRACKING_NUMBER", Map.of("tracking_number", trackingNumber),
                trackingNumber);
    }

    private static ApiException versionConflict(long id, int expected, int current) {
        return ApiException.conflict("VERSION_CONFLICT",
                Map.of("id", id, "expected_version", expected, "current_version", current), expected, current);
    }

    private static String summary(Manifest m) {
        return "tracking_number=" + m.trackingNumber() + ", package_number=" + m.packageNumber()
                + ", manifest_date=" + m.manifestDate() + ", customer_code=" + m.customerCode()
                + ", transport_code=" + m.transportCode() + ", goods_code=" + m.goodsCode()
                + ", weight=" + m.weight() + ", version=" + m.version();
    }

    private Instant now() {
        return clock.instant();
    }

    private ZoneId zone() {
        return ZoneId.systemDefault();
    }
}
