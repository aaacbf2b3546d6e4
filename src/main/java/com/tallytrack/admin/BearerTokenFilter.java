package com.tallytrack.admin;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request that carries {@code Authorization: Bearer <token>}. A refused token leaves the request
 * anonymous and notes why, so the authorization rules answer 401 on protected paths with the reason in the
 * error details. Checking a token costs one database query (revocation, password change, the user's current
 * role and enabled flag), so only the protected paths ({@code /api/v1/admin/**}, {@code /actuator/**}) look at
 * the header; public endpoints do no database work even when a client sends one. Not a bean of its own: it must
 * run only inside the security filter chain.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    static final String REJECTION = BearerTokenFilter.class.getName() + ".rejection";
    private static final String PREFIX = "bearer ";

    private final TokenService tokens;
    private final SecurityContextRepository contexts = new RequestAttributeSecurityContextRepository();

    BearerTokenFilter(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.startsWith("/api/v1/admin/") || path.equals("/api/v1/admin") || path.startsWith("/actuator/")
                || path.equals("/actuator"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.length() > PREFIX.length()
                && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            TokenService.Verification verification = tokens.verify(header.substring(PREFIX.length()).strip());
            if (verification.session() != null) {
                TokenService.Session session = verification.session(); // its role is the stored one
                UsernamePasswordAuthenticationToken authentication = UsernamePasswordAuthenticationToken.authenticated(
                        session, null, List.of(new SimpleGrantedAuthority("ROLE_" + session.role().name())));
                SecurityContext context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(authentication);
                SecurityContextHolder.setContext(context);
                // Kept with the request, so the async dispatch that ends a server-sent event stream (a request
                // of its own to the filter chain, which this once-per-request filter skips) is still the
                // authenticated request: without it the stream ended with an AuthorizationDeniedException
                // logged on an already committed response.
                contexts.saveContext(context, request, response);
            } else {
                request.setAttribute(REJECTION, verification.rejection());
            }
        }
        chain.doFilter(request, response);
    }
}
