package com.tallytrack.carrier.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.function.SingletonSupplier;

import com.tallytrack.carrier.CarrierQuery;
import com.tallytrack.carrier.CarrierResult;
import com.tallytrack.carrier.CarrierSubscriptions.Subscription;
import com.tallytrack.carrier.CarrierTrack;
import com.tallytrack.carrier.Milestones;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulator's side of subscriptions (embedded default): it plays Kuaidi100. Subscribing always succeeds
 * (except for the simulator's "not found" numbers, ending in {@code 0000}, refused with 700), and every
 * {@code push-interval} each active subscription advances one step along its deterministic route
 * ({@link SimulatorCarrierClient#route}); each advance is POSTed as a signed Kuaidi100 push, over HTTP, to this
 * node's own callback endpoint — the same path a real push takes. The last step is pushed with status
 * {@code shutdown}.
 */
public class SimulatorPusher implements SubscribeChannel {

    private static final Logger log = LoggerFactory.getLogger(SimulatorPusher.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final SimulatorCarrierClient simulator;
    private final SubscriptionStore subscriptions;
    private final CarrierResultStore results;
    private final PushSecrets secrets;
    private final Duration interval;
    private final Clock clock;
    /**
     * HTTP/1.1 as Kuaidi100 posts: the client's default (HTTP/2) offers an {@code h2c} upgrade on every plain-http
     * request, a branch of Tomcat's request parsing no other request takes, which deoptimised the compiled request
     * path of every public query at the first push (a dip of about a quarter for a second or two after ready).
     * Built at the first push, not while the context starts: building one loads the default TLS context.
     */
    private final SingletonSupplier<HttpClient> http = SingletonSupplier.of(() -> HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build());
    private final ObjectMapper json = JsonMapper.builder().build();
    private volatile URI callback;
    private ScheduledExecutorService timer;

    public SimulatorPusher(SimulatorCarrierClient simulator, SubscriptionStore subscriptions,
            CarrierResultStore results, PushSecrets secrets, Duration interval, Clock clock) {
        this.simulator = simulator;
        this.subscriptions = subscriptions;
        this.results = results;
        this.secrets = secrets;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public Reply subscribe(String number, String companyCode) {
        if (number.endsWith("0000")) {
            return new Reply("700", "POLL:simulated: no such number");
        }
        return new Reply("200", "提交成功");
    }

    /** Starts pushing to this node's callback endpoint, once the web server's port is known. */
    public synchronized void start(int port) {
        if (timer != null) {
            return;
        }
        callback = URI.create("http://127.0.0.1:" + port + "/api/v1/carrier/kuaidi100/callback?token="
                + URLEncoder.encode(secrets.token(), StandardCharsets.UTF_8));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "carrier-simulator-push");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, interval.toMillis() / 2);
        timer.scheduleWithFixedDelay(() -> {
            try {
                pushDue();
            } catch (RuntimeException e) {
                log.warn("simulated push run failed: {}", e.toString());
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    /**
     * Pushes the next step of every active subscription whose last stored result is at least one push interval old
     * (or that has none yet). The route continues from what is stored — a number first answered by a simulated
     * query keeps its earlier events and their times — so a customer never sees a parcel go back; every milestone of
     * the route is seen (and announced) on the way, one step per interval, even after a node was down.
     */
    public int pushDue() {
        int pushed = 0;
        Instant now = clock.instant();
        for (Subscription s : subscriptions.active(500)) {
            SimulatorCarrierClient.Route route = simulator.route(new CarrierQuery(s.queryNumber(),
                    s.companyCode(), null));
            java.util.Optional<com.tallytrack.carrier.StoredCarrierResult> stored = results.find(s.queryNumber());
            int known = stored.map(r -> r.result().tracks().size()).orElse(0);
            if (known >= route.steps().size()
                    || stored.isPresent() && Duration.between(stored.get().receivedAt(), now).compareTo(interval) < 0) {
                continue;
            }
            List<String> times = new ArrayList<>();
            if (stored.isPresent()) {
                List<CarrierTrack> oldestFirst = new ArrayList<>(stored.get().result().tracks());
                java.util.Collections.reverse(oldestFirst);
                oldestFirst.forEach(t -> times.add(t.time()));
            }
            times.add(TIME.format(now.atZone(Milestones.CARRIER_ZONE)));
            if (push(s, route, known + 1, times)) {
                pushed++;
            }
        }
        return pushed;
    }

    private boolean push(Subscription s, SimulatorCarrierClient.Route route, int progress, List<String> times) {
        CarrierResult result = SimulatorCarrierClient.result(route, progress, times);
        String param = json.writeValueAsString(pushParam(s.queryNumber(), result,
                progress == route.steps().size() ? "shutdown" : "polling"));
        String body = "param=" + URLEncoder.encode(param, StandardCharsets.UTF_8) + "&sign="
                + PushSecrets.sign(param, secrets.salt());
        HttpRequest request = HttpRequest.newBuilder(callback).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> response = http.obtain().send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (java.io.IOException e) {
            log.debug("simulated push of {} failed: {}", s.queryNumber(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The push's {@code param} in Kuaidi100's shape (protocol §4.3, resultv2=4 fields of the events). */
    static Map<String, Object> pushParam(String number, CarrierResult result, String status) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (CarrierTrack t : result.tracks()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("time", t.time());
            e.put("ftime", t.time());
            e.put("context", t.description());
            e.put("location", t.location());
            e.put("statusCode", t.statusCode());
            data.add(e);
        }
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("message", "ok");
        last.put("nu", number);
        last.put("ischeck", result.signed() ? "1" : "0");
        last.put("com", result.companyCode());
        last.put("status", "200");
        last.put("state", result.detailedState() != null ? result.detailedState() : result.state());
        last.put("data", data);
        Map<String, Object> param = new LinkedHashMap<>();
        param.put("status", status);
        param.put("billstatus", "");
        param.put("message", "");
        param.put("autoCheck", "0");
        param.put("comOld", "");
        param.put("comNew", "");
        param.put("lastResult", last);
        return param;
    }
}
