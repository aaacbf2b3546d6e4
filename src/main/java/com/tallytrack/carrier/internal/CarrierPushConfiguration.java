package com.tallytrack.carrier.internal;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

import com.tallytrack.carrier.CarrierClient;
import com.tallytrack.carrier.CarrierService;

/**
 * Wires subscriptions and pushes (issue 10): the subscription table, the channel (Kuaidi100's subscribe URL or the
 * simulator), the worker, the callback handling and, with the simulator, the loop that pushes to this node's own
 * callback endpoint once the web server is up. Needs the database, so it is apart from {@link CarrierConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
public class CarrierPushConfiguration {

    private final Clock clock = Clock.systemUTC();

    @Bean
    PushSecrets carrierPushSecrets(CarrierProperties properties) {
        return PushSecrets.of(properties);
    }

    @Bean
    SubscriptionStore carrierSubscriptions(JdbcClient jdbc, PlatformTransactionManager transactions,
            DataSource dataSource, CarrierProperties properties, CarrierMetrics metrics) {
        SubscriptionStore store = new SubscriptionStore(jdbc, transactions, dataSource,
                properties.kuaidi100().push().on(), clock);
        metrics.subscriptionGauges(store::count);
        return store;
    }

    @Bean
    SubscribeChannel carrierSubscribeChannel(CarrierProperties properties, CarrierClient client,
            SubscriptionStore subscriptions, CarrierResultStore results, PushSecrets secrets,
            SimulatorProperties simulator) {
        if (client instanceof SimulatorCarrierClient sim) {
            return new SimulatorPusher(sim, subscriptions, results, secrets, simulator.pushInterval(), clock);
        }
        return new Kuaidi100Subscriber(properties.kuaidi100());
    }

    @Bean
    SubscriptionWorker carrierSubscriptionWorker(SubscriptionStore store, SubscribeChannel channel,
            CarrierProperties properties, CarrierMetrics metrics) {
        CarrierProperties.Push push = properties.kuaidi100().push();
        SubscriptionWorker worker = new SubscriptionWorker(store, channel, push, metrics, clock,
                properties.provider() == CarrierProperties.Provider.KUAIDI100);
        return push.on() ? worker : null;
    }

    /** After-answer work of the callback (the node-local cache refresh): one thread, a bounded queue. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService carrierCallbackAfterwork() {
        return new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "carrier-callback-after");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
    }

    @Bean
    CallbackService carrierCallbacks(CarrierProperties properties, PushSecrets secrets, CarrierResultStore results,
            SubscriptionStore subscriptions, CarrierService carrier, CarrierMetrics metrics,
            PlatformTransactionManager transactions, ExecutorService carrierCallbackAfterwork) {
        return new CallbackService(properties.kuaidi100().push().on(), secrets, properties.kuaidi100().push(),
                results, subscriptions, carrier, metrics, transactions, carrierCallbackAfterwork);
    }

    /** The simulator pushes to this node's own port, known only once the web server has started. */
    @Bean
    ApplicationListener<WebServerInitializedEvent> carrierSimulatorPushStart(SubscribeChannel channel,
            CarrierProperties properties) {
        return event -> {
            if (channel instanceof SimulatorPusher pusher && properties.kuaidi100().push().on()
                    && "".equals(event.getApplicationContext().getServerNamespace() == null ? ""
                            : event.getApplicationContext().getServerNamespace())) {
                pusher.start(event.getWebServer().getPort());
            }
        };
    }

    @Bean
    SimulatorPusherStop carrierSimulatorPushStop(SubscribeChannel channel) {
        return new SimulatorPusherStop(channel);
    }

    /** Stops the simulator's push loop with the context. */
    static final class SimulatorPusherStop implements org.springframework.beans.factory.DisposableBean {
        private final SubscribeChannel channel;

        SimulatorPusherStop(SubscribeChannel channel) {
            this.channel = channel;
        }

        @Override
        public void destroy() {
            if (channel instanceof SimulatorPusher pusher) {
                pusher.stop();
            }
        }
    }
}
