package com.tallytrack.packages;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Service;

import com.tallytrack.audit.AuditLog;
import com.tallytrack.carrier.CarrierLookup;
import com.tallytrack.carrier.CarrierQuery;
import com.tallytrack.carrier.CarrierService;
import com.tallytrack.carrier.Milestone;
import com.tallytrack.common.ApiException;
import com.tallytrack.common.Messages;
import com.tallytrack.common.PageResult;
import com.tallytrack.tracking.StoredCarrierResults;
import com.tallytrack.tracking.StoredCarrierResults.StoredCarrierResult;

/**
 * The package board (集包看板): lists packages with their parcel counts and stored carrier results, drills down to
 * one package, refreshes a package through {@link CarrierService} (so the carrier-result cache, the daily guard
 * and single flight apply to admins too) and exports the filtered list.
 */
@Service
class PackageBoard {

    static final String UNKNOWN = "unknown";
    private static final Pattern PACKAGE_NUMBER = Pattern.compile("[A-Z0-9_-]{1,50}");
    private static final int DEFAULT_PAGE_SIZE = 20;

    private final PackageBoardRepository repository;
    private final PackageFlagging flagging;
    private final StoredCarrierResults stored;
    private final CarrierService carrier;
    private final AuditLog audit;
    private final Messages messages;
    private final PackagesProperties properties;
    private final Clock clock;

    PackageBoard(PackageBoardRepository repository, PackageFlagging flagging, StoredCarrierResults stored,
            CarrierService carrier, AuditLog audit, Messages messages, PackagesProperties properties,
            Optional<Clock> clock) {
        this.repository = repository;
        this.flagging = flagging;
        this.stored = stored;
        this.carrier = carrier;
        this.audit = audit;
        this.messages = messages;
        this.properties = properties;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** The raw query parameters of the listing and the export. */
    record Criteria(String q, String milestone, Integer staleDays, Boolean flagged, String sortBy, String sortOrder) {
    }

    PageResult<PackageSummary> list(Criteria criteria, Integer page, Integer limit) {
        PackageFilter filter = filter(criteria);
        PackageBoardRepository.Sort sort = sort(criteria);
        int[] pl = PageResult.clamp(page, limit, DEFAULT_PAGE_SIZE, properties.maxPageSize());
        Instant now = clock.instant();
        Instant cutoff = flagging.staleCutoff(now);
        long total = repository.count(filter, cutoff, now);
        List<PackageSummary> rows = repository.page(filter, cutoff, now, sort, (pl[0] - 1) * pl[1], pl[1]);
        return new PageResult<>(rows, pl[0], pl[1], total);
    }

    /** Streams the filtered list in board order; refused before any output when it exceeds the export limit. */
    void export(Criteria criteria, Runnable beforeFirstRow, Consumer<PackageSummary> sink) {
        PackageFilter filter = filter(criteria);
        PackageBoardRepository.Sort sort = sort(criteria);
        Instant now = clock.instant();
        Instant cutoff = flagging.staleCutoff(now);
        long total = repository.count(filter, cutoff, now);
        if (total > properties.exportMaxRows()) {
            throw ApiException.badRequest("PACKAGE_EXPORT_TOO_LARGE", Map.of("total", total,
                    "limit", properties.exportMaxRows(), "property", "tallytrack.packages.export-max-rows"),
                    total, properties.exportMaxRows());
        }
        beforeFirstRow.run();
        repository.stream(filter, cutoff, now, sort, 0, properties.exportMaxRows(), sink);
    }

    /** One package: its summary, its parcels (at most {@code max-members}) and its latest stored result. */
    record PackageDetail(PackageSummary summary, List<PackageBoardRepository.Member> parcels, boolean parcelsTruncated,
            int parcelsLimit, StoredCarrierResult latestResult) {
    }

    PackageDetail detail(String rawPackageNumber) {
        String packageNumber = checkedPackageNumber(rawPackageNumber);
        PackageSummary summary = repository.summary(packageNumber, flagging.staleCutoff(clock.instant()))
                .orElseThrow(() -> ApiException.notFound("PACKAGE_NOT_FOUND", packageNumber));
        int limit = properties.maxMembers();
        List<PackageBoardRepository.Member> members = repository.members(packageNumber, limit + 1);
        boolean truncated = members.size() > limit;
        return new PackageDetail(summary, truncated ? members.subList(0, limit) : members, truncated, limit,
                stored.find(packageNumber).orElse(null));
    }

    /** What a refresh did: whether the carrier answered and whether the answer came from the cache. */
    record RefreshOutcome(boolean success, boolean cached, String errorCode, String error) {
    }

    record Refreshed(RefreshOutcome refresh, PackageDetail detail) {
    }

    Refreshed refresh(String rawPackageNumber) {
        String packageNumber = checkedPackageNumber(rawPackageNumber);
        if (repository.summary(packageNumber, flagging.staleCutoff(clock.instant())).isEmpty()) {
            throw ApiException.notFound("PACKAGE_NOT_FOUND", packageNumber);
        }
        CarrierLookup lookup = carrier.track(new CarrierQuery(packageNumber, CarrierQuery.AUTO, null));
        Locale locale = LocaleContextHolder.getLocale();
        RefreshOutcome outcome = new RefreshOutcome(lookup.success(), lookup.cached(),
                lookup.errorCode() == null ? null : lookup.errorCode().name(),
                lookup.success() ? null : messages.get(locale, lookup.errorMessageKey()));
        audit.record("PACKAGE_REFRESH", packageNumber, lookup.success()
                ? (lookup.cached() ? "served from the carrier-result cache" : "carrier asked")
                : "carrier failed: " + outcome.errorCode());
        flagging.evaluate(packageNumber);
        return new Refreshed(outcome, detail(packageNumber));
    }

    private PackageFilter filter(Criteria c) {
        String q = null;
        if (c.q() != null && !c.q().isBlank()) {
            q = c.q().strip().toUpperCase(Locale.ROOT);
            if (!PACKAGE_NUMBER.matcher(q).matches()) {
                throw ApiException.badRequest("INVALID_PARAMETER", Map.of("parameter", "q"), "q");
            }
        }
        String milestone = null;
        if (c.milestone() != null && !c.milestone().isBlank()) {
            milestone = c.milestone().strip().toLowerCase(Locale.ROOT);
            if (!UNKNOWN.equals(milestone) && Milestone.fromWireName(milestone) == null) {
                throw ApiException.badRequest("INVALID_PARAMETER", Map.of("parameter", "milestone"), "milestone");
            }
        }
        if (c.staleDays() != null && (c.staleDays() < 1 || c.staleDays() > 3650)) {
            throw ApiException.badRequest("INVALID_PARAMETER", Map.of("parameter", "stale_days", "min", 1,
                    "max", 3650), "stale_days");
        }
        return new PackageFilter(q, milestone, c.staleDays(), c.flagged());
    }

    private static PackageBoardRepository.Sort sort(Criteria c) {
        if (c.sortBy() == null || c.sortBy().isBlank()) {
            return null;
        }
        String field = c.sortBy().strip().toLowerCase(Locale.ROOT);
        if (!PackageBoardRepository.SORTABLE.containsKey(field)) {
            List<String> allowed = PackageBoardRepository.SORTABLE.keySet().stream().sorted().toList();
            throw ApiException.badRequest("INVALID_SORT_FIELD", Map.of("allowed", allowed), field,
                    String.join(", ", allowed));
        }
        String order = c.sortOrder() == null || c.sortOrder().isBlank() ? "asc"
                : c.sortOrder().strip().toLowerCase(Locale.ROOT);
        if (!order.equals("asc") && !order.equals("desc")) {
            throw ApiException.badRequest("INVALID_PARAMETER", Map.of("parameter", "sort_order"), "sort_order");
        }
        return new PackageBoardRepository.Sort(field, order.equals("asc"));
    }

    private static String checkedPackageNumber(String raw) {
        String n = raw == null ? "" : raw.strip().toUpperCase(Locale.ROOT);
        if (!PACKAGE_NUMBER.matcher(n).matches()) {
            throw ApiException.badRequest("INVALID_PARAMETER", Map.of("parameter", "package_number"),
                    "package_number");
        }
        return n;
    }
}
