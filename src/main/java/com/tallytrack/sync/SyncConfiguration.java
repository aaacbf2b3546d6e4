package com.tallytrack.sync;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.transaction.PlatformTransactionManager;

import com.tallytrack.carrier.CarrierCache;
import com.tallytrack.common.Messages;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.sync.cache.ManifestCache;
import com.tallytrack.sync.listen.ListenerBeanRegistrar;
import com.tallytrack.sync.listen.ListenerRegistry;
import com.tallytrack.sync.log.ChangeLog;
import com.tallytrack.sync.log.NodeIdentity;
import com.tallytrack.sync.tail.ChangeLogTailer;
import com.tallytrack.sync.tail.CommitCatchUp;
import com.tallytrack.sync.tail.SyncLifecycle;
import com.tallytrack.sync.wakeup.PostgresWakeup;
import com.tallytrack.sync.wakeup.RedisWakeup;
import com.tallytrack.sync.wakeup.WakeupChannel;
import com.tallytrack.sync.wakeup.WakeupChannelProperties;
import com.tallytrack.sync.wakeup.WakeupChannels;
import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.MeterRegistry;

/** Wires the sync mechanism; the beans' lifecycle is driven by {@link SyncLifecycle}. */
@Configuration(proxyBeanMethods = false)
class SyncConfiguration {

    @Bean
    static NodeIdentity syncNodeIdentity(Environment environment) {
        return NodeIdentity.from(environment);
    }

    /**
     * Node id on PostgreSQL: every pooled connection of this node carries it as {@code application_name}, which
     * the triggers record, so the change log shows which node — or which external program, under its own
     * application_name — made each change. Set as a Hikari data-source property unless the operator set one.
     */
    @Bean
    static BeanPostProcessor syncApplicationName(ObjectProvider<NodeIdentity> node) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null
                        && hikari.getJdbcUrl().startsWith("jdbc:postgresql:")
                        && !hikari.getJdbcUrl().contains("ApplicationName=")
                        && !hikari.getDataSourceProperties().containsKey("ApplicationName")) {
                    hikari.addDataSourceProperty("ApplicationName", node.getObject().id());
                }
                return bean;
            }
        };
    }

    @Bean
    static ListenerBeanRegistrar syncListenerBeanRegistrar(ObjectProvider<SyncService> sync) {
        return new ListenerBeanRegistrar(sync);
    }

    @Bean
    ManifestCache syncManifestCache(ManifestService manifests, SyncProperties properties, Optional<Clock> clock) {
        return new ManifestCache(manifests, properties, clock.orElse(Clock.systemUTC()));
    }

    @Bean
    ChangeLog syncChangeLog(PlatformTransactionManager transactionManager, DataSource dataSource,
            SyncTailerProperties tailerProperties) {
        return new ChangeLog(transactionManager, dataSource, tailerProperties);
    }

    @Bean(destroyMethod = "shutdown")
    ListenerRegistry syncListenerRegistry(SyncProperties properties, Optional<Clock> clock, NodeIdentity node) {
        return new ListenerRegistry(properties, clock.orElse(Clock.systemUTC()), node.id());
    }

    @Bean
    ChangeLogTailer syncChangeLogTailer(ChangeLog changeLog, ManifestCache cache, CarrierCache carrierCache,
            ListenerRegistry listeners, SyncProperties properties, SyncTailerProperties tailerProperties,
            Optional<Clock> clock, NodeIdentity node, MeterRegistry meters) {
        return new ChangeLogTailer(changeLog, cache, carrierCache, listeners, properties, tailerProperties,
                clock.orElse(Clock.systemUTC()), node.id(), meters);
    }

    /**
     * The wake-up channels of {@code tallytrack.sync.wakeup}: {@code auto} uses every channel available — LISTEN/NOTIFY
     * on PostgreSQL (it also sees external SQL writes) and Redis pub/sub when {@code spring.data.redis.host} (or
     * {@code .url}) is set; on H2 (a single in-process node) the writer's own catch-up is the wake-up.
     */
    @Bean
    WakeupChannels syncWakeupChannels(SyncProperties properties, ChangeLog changeLog, Environment environment,
            DataSource dataSource, ObjectProvider<RedisConnectionFactory> redis, NodeIdentity node,
            ObjectProvider<WakeupChannelProperties> listenBounds) {
        WakeupChannelProperties listen = listenBounds.getIfAvailable(() -> WakeupChannelProperties.DEFAULTS);
        // the carrier module's rule too (CarrierConfiguration.redisConfigured): a blank value configures nothing
        boolean redisConfigured = org.springframework.util.StringUtils.hasText(
                environment.getProperty("spring.data.redis.host"))
                || org.springframework.util.StringUtils.hasText(environment.getProperty("spring.data.redis.url"));
        List<WakeupChannel> channels = new ArrayList<>();
        switch (properties.wakeup()) {
            case NONE -> {
            }
            case POSTGRES -> {
                if (!changeLog.postgres()) {
                    throw new IllegalStateException("tallytrack.sync.wakeup=postgres needs a PostgreSQL datasource; "
                            + "use auto, redis or none");
                }
                channels.add(postgres(dataSource, environment, node, listen));
            }
            case REDIS -> {
                if (!redisConfigured) {
                    throw new IllegalStateException("tallytrack.sync.wakeup=redis needs spring.data.redis.host "
                            + "(SPRING_DATA_REDIS_HOST) or spring.data.redis.url; use auto, postgres or none");
                }
                channels.add(new RedisWakeup(redis.getObject(), node.id()));
            }
            case AUTO -> {
                if (changeLog.postgres()) {
                    channels.add(postgres(dataSource, environment, node, listen));
                }
                if (redisConfigured) {
                    channels.add(new RedisWakeup(redis.getObject(), node.id()));
                }
            }
        }
        return new WakeupChannels(List.copyOf(channels));
    }

    private static PostgresWakeup postgres(DataSource dataSource, Environment environment, NodeIdentity node,
            WakeupChannelProperties listen) {
        String url = environment.getProperty("spring.datasource.url");
        String username = environment.getProperty("spring.datasource.username");
        String password = environment.getProperty("spring.datasource.password");
        try {
            HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
            url = hikari.getJdbcUrl();
            username = hikari.getUsername();
            password = hikari.getPassword();
        } catch (Exception notHikari) {
            // the spring.datasource.* properties above
        }
        return new PostgresWakeup(url, username, password, node.id(), listen);
    }

    @Bean
    SyncService syncService(ManifestCache cache, ChangeLog changeLog, ChangeLogTailer tailer,
            ListenerRegistry listeners, WakeupChannels syncWakeupChannels, CarrierCache carrierCache,
            SyncProperties properties, SyncTailerProperties tailerProperties, Messages messages,
            Optional<Clock> clock, NodeIdentity node, CommitCatchUp commitCatchUp) {
        return new SyncService(cache, changeLog, tailer, listeners, syncWakeupChannels.all(), carrierCache, properties,
                tailerProperties, messages, clock.orElse(Clock.systemUTC()), node.id(), commitCatchUp);
    }
}
