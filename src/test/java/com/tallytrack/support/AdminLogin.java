package com.tallytrack.support;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import com.jayway.jsonpath.JsonPath;

/**
 * Real admin tokens for tests, obtained from {@code POST /api/v1/admin/login} like a client would. The test
 * profile creates the first admin {@code admin} with {@link #ADMIN_PASSWORD} (application-test.yml).
 *
 * <pre>{@code
 * String token = AdminLogin.adminToken(mvc);
 * mvc.perform(get("/api/v1/admin/manifest/search").with(AdminLogin.bearer(token)))...
 * String viewer = AdminLogin.viewerToken(mvc);   // a fresh VIEWER account
 * }</pre>
 */
public final class AdminLogin {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "test-admin-password";

    private AdminLogin() {
    }

    /** A token of the first admin. */
    public static String adminToken(MockMvc mvc) throws Exception {
        return token(mvc, ADMIN, ADMIN_PASSWORD);
    }

    /** A token of a user; fails the test unless the login answers 200. */
    public static String token(MockMvc mvc, String username, String password) throws Exception {
        MvcResult result = mvc.perform(post("/api/v1/admin/login").contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}")).andReturn();
        if (result.getResponse().getStatus() != 200) {
            throw new AssertionError("login of " + username + " answered " + result.getResponse().getStatus() + ": "
                    + result.getResponse().getContentAsString());
        }
        return JsonPath.read(result.getResponse().getContentAsString(), "$.access_token");
    }

    /** Creates a user (through the API, as the first admin) and answers its token. */
    public static String newUserToken(MockMvc mvc, String username, String password, String role) throws Exception {
        MvcResult created = mvc.perform(post("/api/v1/admin/create-user").with(bearer(adminToken(mvc)))
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\":\"" + username + "\",\"password\":\"" + password + "\",\"role\":\"" + role
                        + "\"}")).andReturn();
        if (created.getResponse().getStatus() != 201) {
            throw new AssertionError("create-user " + username + " answered " + created.getResponse().getStatus()
                    + ": " + created.getResponse().getContentAsString());
        }
        return token(mvc, username, password);
    }

    /** A token of a fresh VIEWER account with a unique name. */
    public static String viewerToken(MockMvc mvc) throws Exception {
        String name = uniqueName("viewer");
        return newUserToken(mvc, name, "viewer-password-1", "VIEWER");
    }

    /** Adds {@code Authorization: Bearer <token>}. */
    public static RequestPostProcessor bearer(String token) {
        return request -> {
            request.addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
            return request;
        };
    }

    /** Makes the request come from this client IP (the login throttle counts per IP). */
    public static RequestPostProcessor fromIp(String ip) {
        return request -> {
            request.setRemoteAddr(ip);
            return request;
        };
    }

    /** A user name no other test (or test context on the shared PostgreSQL) uses. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }
}
