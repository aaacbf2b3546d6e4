package com.tallytrack.carrier.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kuaidi100's subscribe request (protocol §4.1): a form POST of {@code schema=json} and {@code param} = {@code
 * {company, number, from, to, key, parameters: {callbackurl, salt, resultv2[, autoCom]}}}, no sign, with the
 * configured connect and read timeouts. Redirects are not followed.
 */
public class Kuaidi100Subscriber implements SubscribeChannel {

    private final CarrierProperties.Kuaidi100 config;
    private final HttpClient http;
    private final ObjectMapper json = JsonMapper.builder().build();

    public Kuaidi100Subscriber(CarrierProperties.Kuaidi100 config) {
        this.config = config;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The exact {@code param} text sent for a number (kept separate so tests can compare it field by field). */
    String param(String number, String companyCode) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("callbackurl", config.push().callbackUrl().toString());
        parameters.put("salt", config.push().salt());
        parameters.put("resultv2", config.resultv2() == null || config.resultv2().isBlank() ? "4" : config.resultv2());
        if (companyCode == null) {
            // Kuaidi100 detects the carrier itself; company must then be empty (protocol §4.1)
            parameters.put("autoCom", "1");
        }
        Map<String, Object> param = new LinkedHashMap<>();
        param.put("company", companyCode == null ? "" : companyCode);
        param.put("number", number);
        param.put("from", "");
        param.put("to", "");
        param.put("key", config.key());
        param.put("parameters", parameters);
        return json.writeValueAsString(param);
    }

    @Override
    public Reply subscribe(String number, String companyCode) {
        String body = "schema=json&param=" + URLEncoder.encode(param(number, companyCode), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(config.subscribeUrl()).timeout(config.readTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> response = http.send(request,
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                return new Reply(Reply.TRANSPORT, "HTTP " + response.statusCode());
            }
            JsonNode root = json.readTree(response.body());
            String code = Kuaidi100Results.text(root.get("returnCode"));
            if (code == null || code.isBlank()) {
                return new Reply(Reply.TRANSPORT, "reply without returnCode");
            }
            return new Reply(code.strip(), Kuaidi100Results.text(root.get("message")));
        } catch (IOException | RuntimeException e) {
            return new Reply(Reply.TRANSPORT, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(Reply.TRANSPORT, "interrupted");
        }
    }
}
