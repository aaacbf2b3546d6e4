package com.tallytrack.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.tallytrack.system.InvalidConfigurationException;

/**
 * The configured first-admin password is checked at start-up against the same limits as any other; on a first
 * start the password's hash is made on a thread of its own while the context starts, and the runner stores it.
 */
class FirstAdminTest {

    private final AdminAuthService auth = mock(AdminAuthService.class);

    @Test
    void aFirstStartHashesAheadOnItsOwnThreadAndStoresThatHash() {
        AtomicReference<String> hashedOn = new AtomicReference<>();
        when(auth.anyAdmin()).thenReturn(false);
        when(auth.hash(anyString())).thenAnswer(call -> {
            hashedOn.set(Thread.currentThread().getName());
            return "hash-of-" + call.getArgument(0);
        });
        FirstAdmin first = new FirstAdmin(auth, new AdminProperties("configured-password"));

        first.afterPropertiesSet();
        first.run(null);

        verify(auth).createUserWithHash("admin", "hash-of-configured-password", AdminUser.Role.ADMIN, false);
        assertThat(hashedOn.get()).isEqualTo("first-admin-hash");
    }

    @Test
    void anAdministratorCreatedMeanwhileIsLeftAlone() {
        when(auth.anyAdmin()).thenReturn(false, true); // another node was quicker
        when(auth.hash(anyString())).thenReturn("hash");
        FirstAdmin first = new FirstAdmin(auth, new AdminProperties(null));

        first.afterPropertiesSet();
        first.run(null);

        verify(auth, never()).createUserWithHash(anyString(), anyString(), any(), anyBoolean());
    }

    @Test
    void aStartWithAnAdministratorHashesNothing() {
        when(auth.anyAdmin()).thenReturn(true);
        FirstAdmin first = new FirstAdmin(auth, new AdminProperties(null));

        first.afterPropertiesSet();
        first.run(null);

        verify(auth, never()).hash(anyString());
        verify(auth, never()).createUserWithHash(anyString(), anyString(), any(), anyBoolean());
    }

    @Test
    void aFailedHashFailsTheStartWithItsOwnException() {
        when(auth.anyAdmin()).thenReturn(false);
        when(auth.hash(anyString())).thenThrow(new IllegalStateException("no entropy"));
        FirstAdmin first = new FirstAdmin(auth, new AdminProperties(null));

        first.afterPropertiesSet();

        assertThatThrownBy(() -> first.run(null)).isInstanceOf(IllegalStateException.class)
                .hasMessage("no entropy");
        verify(auth, never()).createUserWithHash(anyString(), anyString(), any(), anyBoolean());
    }

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
