package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import com.tallytrack.TallyTrackApplication;
import com.tallytrack.carrier.internal.CarrierConfiguration;
import com.tallytrack.carrier.internal.CarrierProperties;
import com.tallytrack.carrier.internal.Kuaidi100Client;
import com.tallytrack.carrier.internal.MilestoneProperties;
import com.tallytrack.carrier.internal.SimulatorCarrierClient;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Carrier configuration at start-up: the provider switch, and a clear refusal of missing or bad settings. */
class CarrierStartupTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({ CarrierProperties.class, MilestoneProperties.class })
    static class Props {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Props.class, CarrierConfiguration.class)
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Test
    void theSimulatorIsTheDefaultAndNeedsNoCredentials() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CarrierClient.class)).isInstanceOf(SimulatorCarrierClient.class);
            assertThat(context.getBean(CarrierService.class).simulated()).isTrue();
        });
    }

    @Test
    void withoutARedisHostTheCacheIsNodeLocalAndWithOneItIsShared() {
        runner.run(context -> assertThat(context.getBean(
                com.tallytrack.carrier.internal.TieredCarrierCache.class).shared()).isFalse());
        runner.withPropertyValues("spring.data.redis.host=127.0.0.1")
                .withBean(org.springframework.data.redis.core.StringRedisTemplate.class,
                        () -> new org.springframework.data.redis.core.StringRedisTemplate(
                                new org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory()))
                .run(context -> assertThat(context.getBean(
                        com.tallytrack.carrier.internal.TieredCarrierCache.class).shared()).isTrue());
    }

    @Test
    void kuaidi100WithCredentialsIsTheRealClient() {
        runner.withPropertyValues("tallytrack.carrier.provider=kuaidi100",
                "tallytrack.carrier.kuaidi100.customer=" + Kuaidi100Stub.CUSTOMER,
                "tallytrack.carrier.kuaidi100.key=" + Kuaidi100Stub.KEY).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(CarrierClient.class)).isInstanceOf(Kuaidi100Client.class);
                    CarrierProperties properties = context.getBean(CarrierProperties.class);
                    assertThat(properties.kuaidi100().queryUrl())
                            .hasToString("https://poll.kuaidi100.com/poll/query.do");
                    assertThat(properties.kuaidi100().autonumberUrl())
                            .hasToString("http://www.kuaidi100.com/autonumber/auto");
                });
    }

    @Test
    void kuaidi100WithoutCustomerFailsNamingTheProperty() {
        runner.withPropertyValues("tallytrack.carrier.provider=kuaidi100",
                "tallytrack.carrier.kuaidi100.key=" + Kuaidi100Stub.KEY).run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootCause(context.getStartupFailure()))
                            .hasMessageContaining("tallytrack.carrier.kuaidi100.customer is required");
                });
    }

    @Test
    void kuaidi100WithAMalformedKeyFailsNamingTheProperty() {
        runner.withPropertyValues("tallytrack.carrier.provider=kuaidi100",
                "tallytrack.carrier.kuaidi100.customer=" + Kuaidi100Stub.CUSTOMER,
                "tallytrack.carrier.kuaidi100.key=has spaces!").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootCause(context.getStartupFailure()))
                            .hasMessageContaining("tallytrack.carrier.kuaidi100.key is malformed");
                });
    }

    @Test
    void aCacheLifeBelowTheCarriersIntervalFailsNamingTheProperty() {
        runner.withPropertyValues("tallytrack.carrier.cache.in-transit-ttl=10m").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure()))
                    .hasMessageContaining("tallytrack.carrier.cache.in-transit-ttl must be at least 30m");
        });
    }

    @Test
    void theApplicationDoesNotStartWithKuaidi100AndNoCredentials() {
        SpringApplication app = new SpringApplication(TallyTrackApplication.class);
        assertThatThrownBy(() -> app.run("--spring.profiles.active=test", "--server.port=0",
                "--tallytrack.carrier.provider=kuaidi100"))
                .satisfies(e -> assertThat(rootCause(e))
                        .hasMessageContaining("tallytrack.carrier.kuaidi100.customer")
                        .hasMessageContaining("TALLYTRACK_CARRIER_KUAIDI100_CUSTOMER"));
    }

    private static final String[] KUAIDI100 = { "tallytrack.carrier.provider=kuaidi100",
            "tallytrack.carrier.kuaidi100.customer=" + Kuaidi100Stub.CUSTOMER,
            "tallytrack.carrier.kuaidi100.key=" + Kuaidi100Stub.KEY };

    @Test
    void pushIsOnForTheSimulatorAndOffForKuaidi100UnlessAskedFor() {
        runner.run(context -> assertThat(context.getBean(CarrierProperties.class).kuaidi100().push().on()).isTrue());
        runner.withPropertyValues(KUAIDI100).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CarrierProperties.class).kuaidi100().push().on()).isFalse();
        });
    }

    @Test
    void kuaidi100PushWithoutCallbackUrlTokenOrSaltFailsNamingTheProperty() {
        runner.withPropertyValues(KUAIDI100).withPropertyValues("tallytrack.carrier.kuaidi100.push.enabled=true")
                .run(context -> assertThat(rootCause(context.getStartupFailure()))
                        .hasMessageContaining("tallytrack.carrier.kuaidi100.push.callback-url is required")
                        .hasMessageContaining("TALLYTRACK_CARRIER_KUAIDI100_PUSH_CALLBACKURL"));
        runner.withPropertyValues(KUAIDI100).withPropertyValues("tallytrack.carrier.kuaidi100.push.enabled=true",
                "tallytrack.carrier.kuaidi100.push.callback-url=https://t.example.com/api/v1/carrier/kuaidi100/callback")
                .run(context -> assertThat(rootCause(context.getStartupFailure()))
                        .hasMessageContaining("tallytrack.carrier.kuaidi100.push.callback-url must carry the "
                                + "deployment's token"));
        runner.withPropertyValues(KUAIDI100).withPropertyValues("tallytrack.carrier.kuaidi100.push.enabled=true",
                "tallytrack.carrier.kuaidi100.push.callback-url=https://t.example.com/cb?token=0123456789abcdef01")
                .run(context -> assertThat(rootCause(context.getStartupFailure()))
                        .hasMessageContaining("tallytrack.carrier.kuaidi100.push.salt is required"));
        runner.withPropertyValues(KUAIDI100).withPropertyValues("tallytrack.carrier.kuaidi100.push.enabled=true",
                "tallytrack.carrier.kuaidi100.push.callback-url=https://t.example.com/cb?token=0123456789abcdef01",
                "tallytrack.carrier.kuaidi100.push.salt=testsalt").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void pushLimitsAreValidatedNamingTheProperty() {
        runner.withPropertyValues("tallytrack.carrier.kuaidi100.push.resubscribe-delay=10m")
                .run(context -> assertThat(rootCause(context.getStartupFailure()))
                        .hasMessageContaining("tallytrack.carrier.kuaidi100.push.resubscribe-delay must be at least 30m"));
        runner.withPropertyValues("tallytrack.carrier.kuaidi100.push.max-resubscribes=9")
                .run(context -> assertThat(rootCause(context.getStartupFailure()))
                        .hasMessageContaining("tallytrack.carrier.kuaidi100.push.max-resubscribes"));
        runner.withPropertyValues("tallytrack.carrier.expire-after=0d")
                .run(context -> assertThat(rootCause(context.getStartupFailure()))
                        .hasMessageContaining("tallytrack.carrier.expire-after"));
    }
}
