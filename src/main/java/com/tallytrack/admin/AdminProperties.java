package com.tallytrack.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code tallytrack.admin.*}: the first administrator.
 *
 * @param password password of the user {@code admin} created on first start when no administrator exists
 *                 (environment {@code TALLYTRACK_ADMIN_PASSWORD}); when unset a strong one is generated and
 *                 printed once
 */
@ConfigurationProperties("tallytrack.admin")
public record AdminProperties(String password) {
}
