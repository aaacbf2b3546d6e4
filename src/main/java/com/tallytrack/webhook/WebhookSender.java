package com.tallytrack.webhook;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * One HTTP POST of a signed event. Redirects are never followed (a redirect could point anywhere, past the target
 * check); the connect, the wait for the response headers and the whole call are each bounded; only the first
 * {@code response-log-limit} bytes of the answer are read, the rest is dropped with the connection.
 */
@Component
class WebhookSender {

    /** What one call did: {@code statusCode} is null when no answer arrived; {@code error} is null on a 2xx. */
    record Outcome(boolean delivered, Integer statusCode, String error, String responseBody) {
    }

    private final WebhookProperties properties;
    // Built at the first post: a JDK HttpClient loads the default TLS context (the trust store) as it is built, and a
    // node without webhooks never needs it; it was about 4 % of the main thread's start-up (P5).
    private final SingletonSupplier<HttpClient> http;

    @Autowired
    WebhookSender(WebhookProperties properties) {
        this(properties, () -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    /** With the client made by {@code client} at the first post (tests give one that fails). */
    WebhookSender(WebhookProperties properties, Supplier<HttpClient> client) {
        this.properties = properties;
        this.http = SingletonSupplier.of(client);
    }

    Outcome post(URI target, byte[] body, String eventId, String signature) {
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(properties.readTimeout())
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "TallyTrack-Webhooks/1")
                .header(WebhookSignature.EVENT_ID_HEADER, eventId)
                .header(WebhookSignature.HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpClient client;
        try {
            client = http.obtain();
        } catch (RuntimeException e) {
            // built at the first post: a trust store it cannot read, or no file descriptors left; tried again next time
            return new Outcome(false, null, "the HTTP client could not be built: " + e.getMessage(), null);
        }
        CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request,
                info -> new BoundedBody(properties.responseLogLimit()));
        HttpResponse<byte[]> response;
        try {
            response = call.get(properties.overallTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            return new Outcome(false, null, "no complete answer within " + properties.overallTimeout()
                    + " (tallytrack.webhooks.overall-timeout)", null);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return new Outcome(false, null, "interrupted (node shutting down)", null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String error = cause instanceof HttpTimeoutException
                    ? "timed out (tallytrack.webhooks.connect-timeout / read-timeout): " + cause.getMessage()
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            return new Outcome(false, null, error, null);
        }
        int status = response.statusCode();
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (status >= 200 && status < 300) {
            return new Outcome(true, status, null, text);
        }
        String error = status >= 300 && status < 400 ? "redirect not followed (HTTP " + status + ")"
                : "HTTP " + status;
        return new Outcome(false, status, error, text);
    }

    /** Keeps the first {@code limit} bytes of the body, then cancels, so a huge or endless answer costs nothing. */
    static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (limit == 0) {
                result.complete(new byte[0]);
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int take = Math.min(item.remaining(), limit - kept.size());
                byte[] chunk = new byte[take];
                item.get(chunk);
                kept.write(chunk, 0, take);
            }
            if (kept.size() >= limit) {
                result.complete(kept.toByteArray());
                subscription.cancel();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(kept.toByteArray());
        }
    }
}
