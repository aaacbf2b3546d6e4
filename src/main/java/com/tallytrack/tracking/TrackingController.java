package com.tallytrack.tracking;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The public tracking API (PRODUCT §3). The client IP is the servlet remote address (see docs/carrier.md). */
@RestController
@RequestMapping("/api/v1/tracking")
class TrackingController {

    private final TrackingQueryService queries;
    private final QueryRateLimiter rateLimiter;
    private final ManifestInfoProperties.Mode manifestInfo;

    private final JourneyService journeys;

    TrackingController(TrackingQueryService queries, QueryRateLimiter rateLimiter,
            ManifestInfoProperties manifestInfo, JourneyService journeys) {
        this.queries = queries;
        this.rateLimiter = rateLimiter;
        this.manifestInfo = manifestInfo.manifestInfo();
        this.journeys = journeys;
    }

    /** {@code include_journey: true} adds the two-leg journey (single-number queries only, never a batch). */
    record QueryRequest(String trackingNumber, String companyCode, String phone, Boolean includeJourney) {
    }

    record BatchRequest(List<String> trackingNumbers, String companyCode) {
    }

    @PostMapping("/query")
    Object query(@RequestBody QueryRequest request, HttpServletRequest http) {
        rateLimiter.acquire(http.getRemoteAddr(), 1);
        if (Boolean.TRUE.equals(request.includeJourney())) {
            JourneyQueryResult answer = journeys.query(request.trackingNumber(), request.companyCode(),
                    request.phone());
            return new JourneyQueryResult(shown(answer.result()), answer.journey());
        }
        return shown(queries.query(request.trackingNumber(), request.companyCode(), request.phone()));
    }

    @PostMapping("/batch-query")
    BatchQueryResult batch(@RequestBody BatchRequest request, HttpServletRequest http) {
        queries.checkBatch(request.trackingNumbers());
        rateLimiter.acquire(http.getRemoteAddr(), request.trackingNumbers().size());
        BatchQueryResult batch = queries.batch(request.trackingNumbers(), request.companyCode());
        return new BatchQueryResult(batch.total(), batch.successCount(), batch.failedCount(),
                batch.results().stream().map(this::shown).toList());
    }

    /** The answer with only as much of the manifest as {@code tallytrack.query.manifest-info} allows. */
    private TrackingQueryResult shown(TrackingQueryResult result) {
        if (manifestInfo == ManifestInfoProperties.Mode.FULL || result.manifestInfo() == null) {
            return result;
        }
        return result.withManifestInfo(TrackingQueryResult.CustomerManifestInfo.of(result.manifestInfo()));
    }

    @GetMapping("/validate/{trackingNumber}")
    ValidationResult validate(@PathVariable String trackingNumber) {
        return queries.validate(trackingNumber);
    }
}
