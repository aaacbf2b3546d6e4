package com.tallytrack.admin;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.tallytrack.system.InvalidConfigurationException;

/** The configured first-admin password is checked at start-up against the same limits as any other. */
class FirstAdminTest {

    @Test
    void aConfiguredPasswordOverBcrypts72BytesStopsStartUpNamingTheProperty() {
        // 30 characters, 90 bytes in UTF-8: BCrypt would refuse it later with a bare IllegalArgumentException
        assertThatThrownBy(() -> new FirstAdmin(null, new AdminProperties("管理员密码".repeat(6))))
                .isInstanceOfSatisfying(InvalidConfigurationException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.property())
                                .isEqualTo("tallytrack.admin.password"))
                .hasMessageContaining("72 bytes");
        assertThatThrownBy(() -> new FirstAdmin(null, new AdminProperties("short")))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatCode(() -> new FirstAdmin(null, new AdminProperties("密".repeat(24)))).doesNotThrowAnyException();
        assertThatCode(() -> new FirstAdmin(null, new AdminProperties(null))).doesNotThrowAnyException();
    }
}
