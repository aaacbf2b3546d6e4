package com.tallytrack.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The address classification behind the SSRF guard, on literal addresses (no DNS). */
class TargetPolicyTest {

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, loopback", "127.8.9.10, loopback", "::1, loopback",
            "10.0.0.1, private", "10.255.255.255, private", "172.16.0.1, private", "172.31.255.254, private",
            "192.168.1.1, private", "fc00::1, private", "fd12:3456::1, private", "100.64.0.1, private",
            "169.254.169.254, link_local", "fe80::1, link_local",
            "0.0.0.0, unspecified", "::, unspecified", "0.1.2.3, unspecified",
            "224.0.0.1, multicast", "ff02::1, multicast", "255.255.255.255, reserved", "240.0.0.1, reserved",
            // IPv6 forms that embed a refused IPv4 address
            "::ffff:127.0.0.1, loopback", "::ffff:10.0.0.1, private", "::ffff:169.254.169.254, link_local",
            "::10.0.0.1, private", "2002:a00:1::1, private", "64:ff9b::7f00:1, loopback"})
    void refusedAddressesNameTheirKind(String literal, String reason) throws Exception {
        assertThat(TargetPolicy.forbiddenReason(InetAddress.getByName(literal))).isEqualTo(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "203.0.113.10", "172.32.0.1", "100.128.0.1", "11.0.0.1", "2001:4860:4860::8888",
            "::ffff:8.8.8.8", "2002:808:808::1"})
    void publicAddressesAreAccepted(String literal) throws Exception {
        assertThat(TargetPolicy.forbiddenReason(InetAddress.getByName(literal))).isNull();
    }
}
