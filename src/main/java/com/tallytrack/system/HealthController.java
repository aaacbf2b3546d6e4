package com.tallytrack.system;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/health}: the application's health as Actuator sees it, every registered health contributor
 * included (database, sync, …) without this class knowing them. {@code /ready} answers 503 until the node
 * accepts traffic and its database answers; {@code /live} only says the process serves requests, cheaply.
 * Components and details only with an ADMIN token.
 */
@RestController
@RequestMapping("/api/v1/health")
class HealthController {

    private static final Map<String, Object> ALIVE = Map.of("status", "UP");

    private final HealthEndpoint health;
    private final ApplicationAvailability availability;

    HealthController(HealthEndpoint health, ApplicationAvailability availability) {
        this.health = health;
        this.availability = availability;
    }

    @GetMapping
    ResponseEntity<Map<String, Object>> health() {
        HealthDescriptor overall = health.health();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", overall.getStatus().getCode());
        body.put("timestamp", Instant.now());
        if (isAdmin()) {
            body.put("components", components(overall));
        }
        return ResponseEntity.status(Status.DOWN.equals(overall.getStatus()) || Status.OUT_OF_SERVICE.equals(
                overall.getStatus()) ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK).body(body);
    }

    @GetMapping("/ready")
    ResponseEntity<Map<String, Object>> ready() {
        ReadinessState readiness = availability.getReadinessState();
        HealthDescriptor db = health.healthForPath("db");
        boolean databaseUp = db != null && Status.UP.equals(db.getStatus());
        boolean ready = readiness == ReadinessState.ACCEPTING_TRAFFIC && databaseUp;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "READY" : "NOT_READY");
        body.put("readiness", readiness.name());
        body.put("database", db == null ? "UNKNOWN" : db.getStatus().getCode());
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    @GetMapping("/live")
    ResponseEntity<Map<String, Object>> live() {
        boolean live = availability.getLivenessState() == LivenessState.CORRECT;
        return live ? ResponseEntity.ok(ALIVE)
                : ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("status", "DOWN"));
    }

    /**
     * Components and their details (database product, node ids, cache sizes, lag) help an attacker more than a
     * customer: anonymous callers and VIEWERs get the status only, like {@code /actuator/health}.
     */
    private static boolean isAdmin() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.isAuthenticated() && authentication.getAuthorities()
                .stream().anyMatch(a -> "ROLE_ADMIN".equals(a.getAuthority()));
    }

    private static Map<String, Object> components(HealthDescriptor descriptor) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (descriptor instanceof CompositeHealthDescriptor composite && composite.getComponents() != null) {
            composite.getComponents().forEach((name, child) -> out.put(name, describe(child)));
        }
        return out;
    }

    private static Map<String, Object> describe(HealthDescriptor descriptor) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", descriptor.getStatus().getCode());
        if (descriptor instanceof IndicatedHealthDescriptor indicated && indicated.getDetails() != null
                && !indicated.getDetails().isEmpty()) {
            out.put("details", indicated.getDetails());
        }
        if (descriptor instanceof CompositeHealthDescriptor) {
            out.put("components", components(descriptor));
        }
        return out;
    }
}
