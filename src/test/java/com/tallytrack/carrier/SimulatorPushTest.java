package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.ActiveProfiles;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;

import com.tallytrack.carrier.internal.CarrierResultStore;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedded default end to end with a fast time scale: a manifest links a package, the push module subscribes
 * it, the simulator accepts the subscription and pushes signed callbacks over HTTP to this node's own endpoint, one
 * step of the package's route per push interval; the public query shows the status advancing by itself.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallytrack.carrier.kuaidi100.push.enabled=true",
        "tallytrack.carrier.kuaidi100.push.worker-interval=200ms",
        "tallytrack.carrier.simulator.push-interval=400ms" })
@ActiveProfiles("test")
@Import(SimulatorPushTest.Recording.class)
class SimulatorPushTest {

    @TestConfiguration
    static class Recording {
        @Bean
        Changes simulatorPushChanges() {
            return new Changes();
        }

        @Bean
        Callbacks simulatorPushCallbacks() {
            return new Callbacks();
        }

        /** Records the protocol and upgrade headers of every callback request as the container received it. */
        @Bean
        FilterRegistrationBean<Filter> simulatorPushCallbackRecorder(Callbacks callbacks) {
            FilterRegistrationBean<Filter> bean = new FilterRegistrationBean<>((request, response, chain) -> {
                HttpServletRequest http = (HttpServletRequest) request;
                callbacks.seen.add(http.getProtocol() + " upgrade=" + http.getHeader("Upgrade") + " http2-settings="
                        + http.getHeader("HTTP2-Settings"));
                chain.doFilter(request, response);
            });
            bean.addUrlPatterns("/api/v1/carrier/kuaidi100/callback");
            return bean;
        }
    }

    static class Callbacks {
        final List<String> seen = new CopyOnWriteArrayList<>();
    }

    static class Changes {
        final List<MilestoneChanged> seen = new CopyOnWriteArrayList<>();

        @EventListener
        void on(MilestoneChanged e) {
            seen.add(e);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    ManifestService manifests;
    @Autowired
    CarrierSubscriptions subscriptions;
    @Autowired
    CarrierResultStore results;
    @Autowired
    Changes changes;
    @Autowired
    Callbacks callbacks;

    static void await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached within " + limit);
            }
            Thread.sleep(100);
        }
    }

    JsonNode query(String number) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tracking/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tracking_number\":\"" + number + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(r.body());
    }

    @Test
    void aLinkedPackageAdvancesByItselfThroughCustomsToDelivered() throws Exception {
        String suffix = Long.toString(System.nanoTime(), 36).toUpperCase();
        String tracking = "SIMT" + suffix;
        String pkg = "PKGSIM" + suffix;
        manifests.create(new ManifestInput(tracking, LocalDate.now(), "T1", "C1", "G1", pkg, null, null, null, null,
                null));

        await(Duration.ofSeconds(60), () -> subscriptions.find(pkg).map(s -> s.state().equals("active")).orElse(false));
        await(Duration.ofSeconds(60), () -> results.find(pkg).map(r -> r.result().tracks().size() >= 2).orElse(false));
        JsonNode early = query(tracking);
        assertThat(early.path("success").asBoolean()).isTrue();
        assertThat(early.path("query_tracking_number").asString()).isEqualTo(pkg);
        assertThat(early.path("source").asString()).isEqualTo("push");
        assertThat(early.path("simulated").asBoolean()).isTrue();
        int earlyTracks = early.path("tracking_info").path("tracks").size();

        await(Duration.ofSeconds(90), () -> subscriptions.find(pkg).map(s -> s.state().equals("shutdown"))
                .orElse(false));
        StoredCarrierResult done = results.find(pkg).orElseThrow();
        assertThat(done.result().milestone()).isEqualTo(Milestone.DELIVERED);
        assertThat(done.result().simulated()).isTrue();
        assertThat(done.source()).isEqualTo("push");

        List<Milestone> path = new ArrayList<>();
        changes.seen.stream().filter(c -> c.queryNumber().equals(pkg)).forEach(c -> path.add(c.current()));
        assertThat(path).startsWith(Milestone.INFO_RECEIVED).contains(Milestone.IN_TRANSIT, Milestone.CUSTOMS,
                Milestone.OUT_FOR_DELIVERY).endsWith(Milestone.DELIVERED);

        // the query sees the advance without asking any carrier in real time
        await(Duration.ofSeconds(30), () -> {
            try {
                return query(tracking).path("tracking_info").path("milestone").asString().equals("delivered");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonNode late = query(tracking);
        assertThat(late.path("tracking_info").path("tracks").size()).isGreaterThan(earlyTracks);
        assertThat(late.path("tracking_info").path("tracks").get(0).path("milestone").asString())
                .isEqualTo("delivered");

        // posted as Kuaidi100 posts, HTTP/1.1 without an h2c upgrade offer: the upgrade branch of Tomcat's request
        // parsing deoptimised the compiled path of every public query at the first push (docs/BENCHMARKS.md)
        assertThat(callbacks.seen).isNotEmpty()
                .allSatisfy(c -> assertThat(c).isEqualTo("HTTP/1.1 upgrade=null http2-settings=null"));
    }
}
