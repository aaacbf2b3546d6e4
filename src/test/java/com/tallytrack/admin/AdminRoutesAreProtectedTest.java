package com.tallytrack.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import com.tallytrack.support.AdminLogin;

/**
 * Every admin route that exists, found from the handler mappings rather than listed by hand (so a route added
 * later is covered too): without a token it answers 401, and a VIEWER writing gets 403.
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
class AdminRoutesAreProtectedTest {

    /** Writes any signed-in user may make: their own session and password. */
    static final Set<String> OWN_SESSION = Set.of("POST /api/v1/admin/logout", "POST /api/v1/admin/session/refresh",
            "POST /api/v1/admin/change-password");

    @Autowired
    MockMvc mvc;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    record Route(HttpMethod method, String path) {
        String key() {
            return method.name() + " " + path;
        }
    }

    @Test
    void everyAdminRouteNeedsATokenAndOnlyAnAdminMayWrite() throws Exception {
        List<Route> routes = adminRoutes();
        assertThat(routes).as("the admin API as mapped").hasSizeGreaterThan(25);
        String viewer = AdminLogin.viewerToken(mvc);
        List<String> problems = new ArrayList<>();
        for (Route route : routes) {
            if (route.key().equals("POST /api/v1/admin/login")) {
                continue;
            }
            MvcResult anonymous = mvc.perform(request(route.method(), route.path())).andReturn();
            if (anonymous.getResponse().getStatus() != 401) {
                problems.add(route.key() + " without a token answered " + anonymous.getResponse().getStatus());
            }
            MvcResult forged = mvc.perform(request(route.method(), route.path())
                    .with(AdminLogin.bearer(viewer.substring(0, viewer.length() - 2) + "xx"))).andReturn();
            if (forged.getResponse().getStatus() != 401) {
                problems.add(route.key() + " with a forged token answered " + forged.getResponse().getStatus());
            }
            if (route.method() != HttpMethod.GET && !OWN_SESSION.contains(route.key())) {
                MvcResult viewing = mvc.perform(request(route.method(), route.path())
                        .with(AdminLogin.bearer(viewer))).andReturn();
                if (viewing.getResponse().getStatus() != 403) {
                    problems.add(route.key() + " as a VIEWER answered " + viewing.getResponse().getStatus());
                }
            }
        }
        for (String actuator : List.of("/actuator/metrics", "/actuator/env", "/actuator/beans")) {
            int status = mvc.perform(request(HttpMethod.GET, actuator)).andReturn().getResponse().getStatus();
            if (status != 401) {
                problems.add("GET " + actuator + " without a token answered " + status);
            }
        }
        assertThat(problems).isEmpty();
    }

    private List<Route> adminRoutes() {
        List<Route> routes = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (info.getPathPatternsCondition() == null) {
                return;
            }
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                if (!pattern.startsWith("/api/v1/admin")) {
                    continue;
                }
                String path = pattern.replaceAll("\\{[^}]+}", "1");
                for (RequestMethod m : methods.isEmpty() ? Set.of(RequestMethod.GET, RequestMethod.POST) : methods) {
                    routes.add(new Route(m.asHttpMethod(), path));
                }
            }
        });
        return routes;
    }
}
