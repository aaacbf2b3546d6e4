package com.tallytrack.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;

import com.jayway.jsonpath.JsonPath;
import com.tallytrack.support.AdminLogin;

/** {@code /api/v1/health} and its probes, and Actuator's health and Prometheus endpoints. */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
class HealthApiTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    HealthContributorRegistry registry;

    @Autowired
    ApplicationContext context;

    @Test
    void healthListsEveryRegisteredContributorIncludingTheDatabase() throws Exception {
        String json = mvc.perform(get("/api/v1/health").with(AdminLogin.bearer(AdminLogin.adminToken(mvc))))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"))
                .andExpect(jsonPath("$.components.db.status").value("UP"))
                .andExpect(jsonPath("$.components.db.details.database").value("H2"))
                .andReturn().getResponse().getContentAsString();
        Map<String, Object> components = JsonPath.read(json, "$.components");
        Set<String> registered = new TreeSet<>();
        registry.stream().forEach(entry -> registered.add(entry.name()));
        // composed from Actuator's registry, so a module's own indicator (e.g. "sync") appears without changes here
        assertThat(components.keySet()).containsExactlyInAnyOrderElementsOf(registered);
    }

    @Test
    void readyAndLive() throws Exception {
        mvc.perform(get("/api/v1/health/ready"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("READY"))
                .andExpect(jsonPath("$.database").value("UP"));
        mvc.perform(get("/api/v1/health/live"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"));
    }

    @Test
    void notReadyIs503() throws Exception {
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        try {
            mvc.perform(get("/api/v1/health/ready"))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(jsonPath("$.status").value("NOT_READY"))
                    .andExpect(jsonPath("$.readiness").value("REFUSING_TRAFFIC"));
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }
        mvc.perform(get("/api/v1/health/ready")).andExpect(status().isOk());
    }

    @Test
    void actuatorHealthIsPublicAndPrometheusNeedsAToken() throws Exception {
        mvc.perform(get("/actuator/health"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("UP"));
        mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk());
        mvc.perform(get("/actuator/prometheus")).andExpect(status().isUnauthorized());
        mvc.perform(get("/actuator/prometheus").with(AdminLogin.bearer(AdminLogin.adminToken(mvc))))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("jvm_memory_used_bytes")));
        mvc.perform(get("/actuator/metrics")).andExpect(status().isUnauthorized());
    }
}
