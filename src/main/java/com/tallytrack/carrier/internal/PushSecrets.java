package com.tallytrack.carrier.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The salt pushes are signed with and the token the callback URL carries. With Kuaidi100 both come from the
 * configuration (validated at start-up); with the simulator, which pushes to its own node, they are configured or
 * generated per process.
 */
public record PushSecrets(String salt, String token) {

    public static PushSecrets of(CarrierProperties properties) {
        CarrierProperties.Push push = properties.kuaidi100().push();
        String salt = push.salt();
        String token = push.token();
        if (properties.provider() == CarrierProperties.Provider.SIMULATOR) {
            salt = salt == null || salt.isBlank() ? random() : salt;
            token = token == null || token.isBlank() ? random() : token;
        }
        return new PushSecrets(salt, token);
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** UPPER(HEX(MD5(UTF-8 bytes of param + salt))), protocol §4.3 / §5.2. */
    public static String sign(String param, String salt) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("MD5")
                    .digest((param + (salt == null ? "" : salt)).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    /** Constant-time comparison of two texts (a missing one never matches). */
    public static boolean same(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "PushSecrets[hidden]";
    }
}
