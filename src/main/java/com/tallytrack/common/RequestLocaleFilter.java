package com.tallytrack.common;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.i18n.LocaleContext;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.LocaleResolver;

/**
 * Applies the application's locale rule (Chinese unless {@code Accept-Language} asks for English) before the
 * security filters run. Without it, answers written by filters (401, 403, 429) would follow Spring's
 * {@code RequestContextFilter}, which falls back to the JVM's locale rather than Chinese.
 */
@Component
@Order(-104) // right after Spring's RequestContextFilter (-105), before Spring Security (-100)
class RequestLocaleFilter extends OncePerRequestFilter {

    private final LocaleResolver localeResolver;

    RequestLocaleFilter(LocaleResolver localeResolver) {
        this.localeResolver = localeResolver;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        LocaleContext previous = LocaleContextHolder.getLocaleContext();
        LocaleContextHolder.setLocale(localeResolver.resolveLocale(request), true);
        try {
            chain.doFilter(request, response);
        } finally {
            LocaleContextHolder.setLocaleContext(previous, true);
        }
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }
}
