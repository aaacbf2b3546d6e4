package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.tallytrack.carrier.internal.PushSecrets;

/** The callback sign of protocol §5.2: UPPER(MD5(param + salt)) over the exact UTF-8 text. */
class PushSignVectorsTest {

    @Test
    void theReferenceVectorsHold() {
        assertThat(Kuaidi100Stub.C1.getBytes(StandardCharsets.UTF_8)).hasSize(611);
        assertThat(PushSecrets.sign(Kuaidi100Stub.C1, "testsalt")).isEqualTo("CC59B014668B214D0DC628B3FC8F18EA");
        assertThat(PushSecrets.sign(Kuaidi100Stub.C1, "")).isEqualTo("8720C0A3D9535E4F98764B87D7422745");
        assertThat(PushSecrets.sign(Kuaidi100Stub.C2, "testsalt")).isEqualTo("B88139EDA063A9944E9A6856F33583D0");
        assertThat(PushSecrets.sign("", "")).isEqualTo("D41D8CD98F00B204E9800998ECF8427E");
    }

    @Test
    void comparisonIsExactAndNullSafe() {
        assertThat(PushSecrets.same("ABC", "ABC")).isTrue();
        assertThat(PushSecrets.same("ABC", "abc")).isFalse();
        assertThat(PushSecrets.same("ABC", null)).isFalse();
        assertThat(PushSecrets.same(null, "ABC")).isFalse();
    }
}
