package com.tallytrack.admin;

import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import com.tallytrack.system.InvalidConfigurationException;

/**
 * On a start with no administrator, creates {@code admin} with {@code tallytrack.admin.password}, or with a
 * generated password printed once in the log: after that an administrator exists and this does nothing, so the
 * password is never printed again.
 */
@Component
@Order(10)
class FirstAdmin implements ApplicationRunner, InitializingBean {

    static final String USERNAME = "admin";
    private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);
    // No look-alikes (0/O, 1/l/I): the password is read off a console and typed by hand.
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AdminAuthService auth;
    private final AdminProperties properties;
    /** The first admin's password and its hash in the making; null when an administrator existed, and after run. */
    private Prepared prepared;

    private record Prepared(String password, CompletableFuture<String> hash) {
        @Override
        public String toString() {
            return "Prepared[password hidden]";
        }
    }

    FirstAdmin(AdminAuthService auth, AdminProperties properties) {
        this.auth = auth;
        this.properties = properties;
        String configured = properties.password();
        if (configured != null && !configured.isEmpty()
                && (configured.length() < AdminAuthService.PASSWORD_MIN_LENGTH
                        || AdminAuthService.tooLongForBcrypt(configured))) {
            throw new InvalidConfigurationException("tallytrack.admin.password",
                    "the first admin's password must have at least " + AdminAuthService.PASSWORD_MIN_LENGTH
                            + " characters and at most " + AdminAuthService.PASSWORD_MAX_BYTES
                            + " bytes in UTF-8 (BCrypt's limit)",
                    "Set TALLYTRACK_ADMIN_PASSWORD to a password within those limits, "
                            + "or unset it to have one generated.");
        }
    }

    /**
     * On a first start, the password and its BCrypt hash are made here, as the context is created, on a thread of
     * their own: the hash is the slowest single step of a first start (about 0.15 s of CPU in a cold JVM) and
     * {@link #run} would otherwise make it on the main thread between "Started" and ready (P5).
     */
    @Override
    public void afterPropertiesSet() {
        if (auth.anyAdmin()) {
            return;
        }
        String password = generated() ? generate(20) : properties.password();
        prepared = new Prepared(password, CompletableFuture.supplyAsync(() -> auth.hash(password), task -> {
            Thread thread = new Thread(task, "first-admin-hash");
            thread.setDaemon(true);
            thread.start();
        }));
    }

    @Override
    public void run(ApplicationArguments args) {
        Prepared first = prepared;
        prepared = null; // the password is not kept past the start
        if (first == null || auth.anyAdmin()) {
            return;
        }
        boolean generated = generated();
        String password = first.password();
        try {
            auth.createUserWithHash(USERNAME, hashOf(first), AdminUser.Role.ADMIN, false);
        } catch (com.tallytrack.common.ApiException taken) {
            if (auth.anyAdmin()) {
                log.info("another node created the first administrator at the same moment");
            } else {
                log.warn("no administrator exists, but the user name '{}' is taken by a VIEWER; an administrator "
                        + "must be created by hand", USERNAME);
            }
            return;
        }
        if (generated) {
            log.warn("\n\n    First administrator created: user '{}', password: {}\n"
                    + "    It is shown only this once. Sign in at /admin/ and change it, or set "
                    + "TALLYTRACK_ADMIN_PASSWORD before the first start.\n", USERNAME, password);
        } else {
            log.info("first administrator '{}' created with the password from tallytrack.admin.password", USERNAME);
        }
    }

    /** The hash made ahead; a failure of it fails the start with its own exception. */
    private static String hashOf(Prepared first) {
        try {
            return first.hash().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private boolean generated() {
        return properties.password() == null || properties.password().isEmpty();
    }

    private static String generate(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
