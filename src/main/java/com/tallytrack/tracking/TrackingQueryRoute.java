package com.tallytrack.tracking;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;

import com.tallytrack.common.ApiErrorHandler;
import com.tallytrack.common.ErrorResponses;

/**
 * The public query's own route: {@code POST /api/v1/tracking/query} is answered by
 * {@link TrackingController#query} from the end of the filter chain, after every filter (request id, locale, body
 * limit, Spring Security's headers, the request timer), without going on to Spring MVC's {@code DispatcherServlet}.
 * Its handler lookup, adapter, argument resolvers and interceptors are the largest generic code on that path, and
 * what the JIT compiler reaches last in a node's first seconds under load (docs/BENCHMARKS.md, P1w). The handler
 * is the same method (the controller's mapping stays, for the API documentation and for the paths this route
 * leaves alone: other methods, an encoded path), and its failures get the same answers through
 * {@link ApiErrorHandler#answer}.
 */
final class TrackingQueryRoute extends OncePerRequestFilter implements Ordered {

    static final String PATH = "/api/v1/tracking/query";

    private final TrackingController controller;
    private final ApiErrorHandler failures;
    private final ErrorResponses errors;

    TrackingQueryRoute(TrackingController controller, ApiErrorHandler failures, ErrorResponses errors) {
        this.controller = controller;
        this.failures = failures;
        this.errors = errors;
    }

    /**
     * After every other filter of the chain (Spring Security is at -100). A filter bean without an order of its
     * own gets this order too and could then be sorted after the route, never running for the query: give new
     * filters an order (every filter of this application has one).
     */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod())) {
            return true;
        }
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return !(uri.length() == context.length() + PATH.length() && uri.startsWith(context)
                && uri.startsWith(PATH, context.length()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(context -> context.setPathPattern(PATH));
        try {
            controller.query(request, response);
        } catch (Throwable failure) { // what DispatcherServlet catches too, Errors included
            if (response.isCommitted()) { // too late for an error body (a client gone mid-answer): to the container
                if (failure instanceof IOException io) {
                    throw io;
                }
                throw new ServletException("Handler dispatch failed: " + failure, failure);
            }
            errors.write(response, failures.answer(failure));
        }
    }
}
