package com.tallytrack.tracking;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.tallytrack.common.JsonBodies;

/** The public tracking API (PRODUCT §3). The client IP is the servlet remote address (see docs/carrier.md). */
@RestController
@RequestMapping("/api/v1/tracking")
class TrackingController {

    private final TrackingQueryService queries;
    private final QueryRateLimiter rateLimiter;
    private final ManifestInfoProperties.Mode manifestInfo;

    private final JourneyService journeys;
    private final JsonBodies bodies;

    TrackingController(TrackingQueryService queries, QueryRateLimiter rateLimiter,
            ManifestInfoProperties manifestInfo, JourneyService journeys, JsonBodies bodies) {
        this.queries = queries;
        this.rateLimiter = rateLimiter;
        this.manifestInfo = manifestInfo.manifestInfo();
        this.journeys = journeys;
        this.bodies = bodies;
    }

    /** {@code include_journey: true} adds the two-leg journey (single-number queries only, never a batch). */
    record QueryRequest(String trackingNumber, String companyCode, String phone, Boolean includeJourney) {
    }

    record BatchRequest(List<String> trackingNumbers, String companyCode) {
    }

    /**
     * The body is read and the answer written by {@link JsonBodies} rather than by {@code @RequestBody} and a
     * return value: the hottest endpoint skips Spring MVC's converter loop (same JSON, same errors), the OpenAPI
     * annotations say what the loop would have inferred.
     */
    @PostMapping("/query")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = QueryRequest.class)))
    @ApiResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(oneOf = {TrackingQueryResult.class, JourneyQueryResult.class})))
    void query(HttpServletRequest http, HttpServletResponse response) throws IOException,
            HttpMediaTypeNotSupportedException, HttpMediaTypeNotAcceptableException {
        QueryRequest request = bodies.read(http, QueryRequest.class);
        rateLimiter.acquire(http.getRemoteAddr(), 1);
        if (Boolean.TRUE.equals(request.includeJourney())) {
            JourneyQueryResult answer = journeys.query(request.trackingNumber(), request.companyCode(),
                    request.phone());
            bodies.write(response, new JourneyQueryResult(shown(answer.result()), answer.journey()));
            return;
        }
        bodies.write(response, shown(queries.query(request.trackingNumber(), request.companyCode(),
                request.phone())));
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
