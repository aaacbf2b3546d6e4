package com.tallytrack.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the admin console at {@code /admin/}: a static page ({@code static/admin/index.html}) that talks to the
 * admin API with a bearer token. {@code /admin} without the slash redirects so relative links resolve.
 */
@Configuration(proxyBeanMethods = false)
class AdminPages implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/admin", "/admin/");
        registry.addViewController("/admin/").setViewName("forward:/admin/index.html");
    }
}
