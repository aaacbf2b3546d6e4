package com.tallytrack.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.tallytrack.TallyTrackApplication;
import com.tallytrack.support.EmbeddedPostgres;

/**
 * Bad security configuration stops start-up with a message naming the property and the fix, not a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupConfigurationTest {

    static Throwable start(String... args) {
        try {
            new SpringApplicationBuilder(TallyTrackApplication.class).profiles("test").run(args).close();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    static InvalidConfigurationException cause(Throwable t) {
        Throwable c = t;
        while (c != null && !(c instanceof InvalidConfigurationException)) {
            c = c.getCause();
        }
        return (InvalidConfigurationException) c;
    }

    @Test
    void postgresWithoutAJwtSecretDoesNotStart(CapturedOutput output) {
        Throwable failure = start("--server.port=0", "--spring.main.web-application-type=none",
                "--spring.datasource.url=" + EmbeddedPostgres.jdbcUrl(), "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres", "--tallytrack.security.jwt-secret=");
        assertThat(failure).isNotNull();
        InvalidConfigurationException cause = cause(failure);
        assertThat(cause).isNotNull();
        assertThat(cause.property()).isEqualTo("tallytrack.security.jwt-secret");
        assertThat(cause.action()).contains("TALLYTRACK_SECURITY_JWTSECRET");
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Invalid configuration of 'tallytrack.security.jwt-secret'")
                .contains("TALLYTRACK_SECURITY_JWTSECRET");
    }

    @Test
    void aShortJwtSecretDoesNotStart() {
        Throwable failure = start("--server.port=0", "--spring.main.web-application-type=none",
                "--tallytrack.security.jwt-secret=too-short");
        assertThat(cause(failure)).isNotNull();
        assertThat(cause(failure).getMessage()).contains("9 bytes").contains("at least 32");
    }

    @Test
    void aShortFirstAdminPasswordDoesNotStart() {
        Throwable failure = start("--server.port=0", "--spring.main.web-application-type=none",
                "--tallytrack.admin.password=1234567");
        assertThat(cause(failure)).isNotNull();
        assertThat(cause(failure).property()).isEqualTo("tallytrack.admin.password");
    }

    @Test
    void anUnsetSecretOnH2IsGenerated() {
        assertThat(start("--server.port=0", "--spring.main.web-application-type=none",
                "--tallytrack.security.jwt-secret=")).isNull();
    }
}
