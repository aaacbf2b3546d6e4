package com.tallytrack.common;

import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.LocaleResolver;

import tools.jackson.databind.ObjectMapper;

/**
 * Puts {@link ApiErrorReportValve} in place of the host's error report valve. Runs after Spring Boot's own
 * customizer (which adds a plain {@link ErrorReportValve} when stack traces are off), removes every error
 * report valve it finds and names ours as the host's error report valve class, so Tomcat does not add its
 * default one back when the host starts.
 */
@Configuration(proxyBeanMethods = false)
class TomcatErrorReports implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private final ObjectProvider<Messages> messages;
    private final ObjectProvider<ObjectMapper> objectMapper;
    private final ObjectProvider<LocaleResolver> localeResolver;

    TomcatErrorReports(ObjectProvider<Messages> messages, ObjectProvider<ObjectMapper> objectMapper,
            ObjectProvider<LocaleResolver> localeResolver) {
        this.messages = messages;
        this.objectMapper = objectMapper;
        this.localeResolver = localeResolver;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Container host = context.getParent();
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve) {
                    host.getPipeline().removeValve(valve);
                }
            }
            if (host instanceof StandardHost standard) {
                standard.setErrorReportValveClass(ApiErrorReportValve.class.getName());
            }
            host.getPipeline().addValve(new ApiErrorReportValve(messages.getObject(), objectMapper.getObject(),
                    localeResolver.getObject()));
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
