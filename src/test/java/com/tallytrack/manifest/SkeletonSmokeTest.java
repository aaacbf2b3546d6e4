package com.tallytrack.manifest;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.servlet.MockMvc;

import com.tallytrack.support.PostgresInitializer;

class SkeletonSmokeTest {

    @SpringBootTest
    @AutoConfigureMockMvc
    @ActiveProfiles("test")
    static abstract class Base {
        @Autowired
        MockMvc mvc;

        @Test
        void createThenGet() throws Exception {
            String tn = "SK" + System.nanoTime();
            mvc.perform(post("/api/v1/admin/manifest").with(user("a").roles("ADMIN"))
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("{\"tracking_number\":\" " + tn.toLowerCase() + "\",\"manifest_date\":\"2024-05-01\","
                            + "\"transport_code\":\"T1\",\"customer_code\":\"C1\",\"goods_code\":\"G1\","
                            + "\"package_number\":\"pkg-1\"}"))
                    .andExpect(status().isCreated())
                    .andExpect(jsonPath("$.data.tracking_number").value(tn))
                    .andExpect(jsonPath("$.data.package_number").value("PKG-1"));
            mvc.perform(get("/api/v1/admin/manifest/tracking/" + tn).with(user("v").roles("VIEWER")))
                    .andExpect(status().isOk());
            mvc.perform(post("/api/v1/admin/manifest").with(user("v").roles("VIEWER"))
                    .contentType(MediaType.APPLICATION_JSON).content("{}"))
                    .andExpect(status().isForbidden())
                    .andExpect(jsonPath("$.error.code").value("FORBIDDEN"));
            mvc.perform(post("/api/v1/admin/manifest").with(user("a").roles("ADMIN"))
                    .contentType(MediaType.APPLICATION_JSON).content("{\"tracking_number\":\"x\"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error.code").value("VALIDATION_ERROR"));
            mvc.perform(get("/api/v1/nope"))
                    .andExpect(status().isNotFound())
                    .andExpect(jsonPath("$.error.code").value("NOT_FOUND"));
        }
    }

    static class OnH2 extends Base {
    }

    @ContextConfiguration(initializers = PostgresInitializer.class)
    static class OnPostgres extends Base {
    }
}
