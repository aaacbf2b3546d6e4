package com.tallytrack.tracking;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.math.BigDecimal;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;

import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;

/** {@code tallytrack.query.manifest-info=full}: the public query shows the whole manifest, as the original did. */
@SpringBootTest(properties = "tallytrack.query.manifest-info=full")
@AutoConfigureMockMvc
@ActiveProfiles("test")
class FullManifestInfoTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    ManifestService manifests;

    @Test
    void fullShowsEveryManifestField() throws Exception {
        String tracking = "FM" + System.nanoTime() % 10_000_000_000L;
        manifests.create(new ManifestInput(tracking, LocalDate.of(2026, 3, 4), "TR9", "CUST9", "GOODS9", null,
                new BigDecimal("2.5"), null, null, null, null));
        mvc.perform(post("/api/v1/tracking/query").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"tracking_number\":\"" + tracking + "\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.manifest_info.tracking_number").value(tracking))
                .andExpect(jsonPath("$.manifest_info.customer_code").value("CUST9"))
                .andExpect(jsonPath("$.manifest_info.transport_code").value("TR9"))
                .andExpect(jsonPath("$.manifest_info.manifest_date").value("2026-03-04"));
    }
}
