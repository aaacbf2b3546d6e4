package com.tallytrack.webhook;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local webhook receiver on 127.0.0.1 (a JDK HttpServer): records every request it gets (headers and raw body)
 * and answers with scripted statuses, then with the default status.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One received request. */
    record Received(String path, String eventId, String signature, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final List<Received> received = new ArrayList<>();
    private final Deque<Integer> script = new ArrayDeque<>();
    private volatile int defaultStatus = 200;
    private volatile String responseBody = "ok";
    private volatile long delayMillis;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    synchronized WebhookReceiver then(Integer... statuses) {
        script.addAll(List.of(statuses));
        return this;
    }

    WebhookReceiver answer(int status) {
        defaultStatus = status;
        return this;
    }

    WebhookReceiver body(String body) {
        responseBody = body;
        return this;
    }

    WebhookReceiver delay(long millis) {
        delayMillis = millis;
        return this;
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String path) {
        return received().stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits until at least {@code count} requests arrived on this path; fails after the timeout. */
    List<Received> await(String path, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received(path).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " requests on " + path + " within " + timeout
                        + ", got " + received(path).size());
            }
            Thread.sleep(20);
        }
        return received(path);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        int status;
        synchronized (this) {
            received.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("TallyTrack-Event-Id"),
                    exchange.getRequestHeaders().getFirst("TallyTrack-Signature"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Integer next = script.poll();
            status = next == null ? defaultStatus : next;
        }
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (status >= 300 && status < 400) {
            exchange.getResponseHeaders().add("Location", url("/redirected"));
        }
        byte[] answer = responseBody.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
