package com.tallytrack.admin;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code tallytrack.security.*}: admin sign-in.
 *
 * @param jwtSecret                  HS256 key shared by every node (≥ 32 bytes); generated and kept in
 *                                   {@code ./data} on the embedded default, required on PostgreSQL
 * @param sessionTimeout             how long a token is valid (its expiry)
 * @param maxFailedLogins            failed logins in a row that lock an account
 * @param lockoutDuration            how long a locked account stays locked
 * @param loginFailuresPerIpPerMinute failed logins one client IP may make per minute before further attempts
 *                                   from it are refused (brute-force guard across all accounts)
 * @param accountFailureCeiling      failed logins in a row on one name from all addresses after which each further
 *                                   attempt waits a doubling delay (distributed guessing); not from the account's
 *                                   last sign-in address
 * @param maxLoginDelay              the longest such delay
 * @param maxSessionLifetime         absolute lifetime of a sign-in: refreshing never extends a session past it
 */
@Validated
@ConfigurationProperties("tallytrack.security")
public record SecurityProperties(
        String jwtSecret,
        @DefaultValue("30m") Duration sessionTimeout,
        @DefaultValue("5") @Min(1) @Max(1000) int maxFailedLogins,
        @DefaultValue("15m") Duration lockoutDuration,
        @DefaultValue("20") @Min(1) @Max(100000) int loginFailuresPerIpPerMinute,
        @DefaultValue("20") @Min(1) @Max(100000) int accountFailureCeiling,
        @DefaultValue("60s") @NotNull Duration maxLoginDelay,
        @DefaultValue("12h") @NotNull Duration maxSessionLifetime) {
}
