package com.tallytrack.common;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The Python original answered its API paths with and without a trailing slash, and its clients use both (its
 * create call is {@code POST /api/v1/admin/manifest/}). One trailing slash of an API or Actuator path is removed
 * before anything matches the path, so security rules, Spring MVC mappings and the token filter all see the same
 * canonical path: no per-route aliases, and a path added later (a carrier push, a webhook) gets it for free.
 * Pages are left alone: {@code /admin/} is a folder with its own index.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1) // right after the request id, before locale, body limit and security
public class TrailingSlashFilter extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return canonical(request.getRequestURI(), request.getContextPath()) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = canonical(request.getRequestURI(), request.getContextPath());
        chain.doFilter(new Canonical(request, uri), response);
    }

    /** The URI without its one trailing slash, or {@code null} when it has none or is not an API path. */
    static String canonical(String uri, String contextPath) {
        if (uri == null || uri.length() < 2 || !uri.endsWith("/") || uri.endsWith("//")) {
            return null;
        }
        String path = uri.substring(contextPath == null ? 0 : contextPath.length());
        if (!(path.startsWith("/api/") || path.startsWith("/actuator/"))) {
            return null;
        }
        return uri.substring(0, uri.length() - 1);
    }

    private static final class Canonical extends HttpServletRequestWrapper {

        private final String uri;

        Canonical(HttpServletRequest request, String uri) {
            super(request);
            this.uri = uri;
        }

        @Override
        public String getRequestURI() {
            return uri;
        }

        @Override
        public StringBuffer getRequestURL() {
            StringBuffer url = super.getRequestURL();
            if (url.length() > 0 && url.charAt(url.length() - 1) == '/') {
                url.setLength(url.length() - 1);
            }
            return url;
        }

        @Override
        public String getServletPath() {
            String path = super.getServletPath();
            return path.length() > 1 && path.endsWith("/") && getPathInfo() == null
                    ? path.substring(0, path.length() - 1) : path;
        }

        @Override
        public String getPathInfo() {
            String info = super.getPathInfo();
            return info != null && info.length() > 1 && info.endsWith("/") ? info.substring(0, info.length() - 1)
                    : info;
        }
    }
}
