package com.tallytrack.carrier;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local, protocol-faithful Kuaidi100 server (protocol doc §8) on a JDK HttpServer: it checks what the real
 * server checks — POST, form-encoded fields, the customer, the MD5 sign over the raw received {@code param},
 * {@code com}/{@code num}, the phone for SF/ZTO — and answers with the documented shapes. Tests script further
 * answers (return codes, HTTP errors, malformed bodies, latency) and read the counts.
 */
public class Kuaidi100Stub implements AutoCloseable {

    public static final String CUSTOMER = "0123456789ABCDEF0123456789ABCDEF";
    public static final String KEY = "abcdefgh12345678";
    private static final Set<String> KNOWN_COMPANIES = Set.of("yuantong", "zhongtong", "yunda", "shentong", "shunfeng",
            "jd", "ems", "jtexpress");

    /** A canned answer: HTTP status, body and delay before answering. */
    public record Reply(int status, String body, long delayMillis) {
        public static Reply returnCode(String code, String message) {
            return new Reply(200, "{\"result\":false,\"returnCode\":\"" + code + "\",\"message\":\"" + message + "\"}", 0);
        }

        public static Reply http(int status) {
            return new Reply(status, "<html>error</html>", 0);
        }
    }

    private final HttpServer server;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Deque<Reply> script = new ArrayDeque<>();
    private final Map<String, String> successBodies = new ConcurrentHashMap<>();
    private final List<Map<String, String>> queries = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger queryCalls = new AtomicInteger();
    private final AtomicInteger autonumberCalls = new AtomicInteger();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private volatile long delayMillis;
    private volatile String defaultBody;

    public Kuaidi100Stub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/poll/query.do", this::query);
        server.createContext("/autonumber/auto", this::autonumber);
        server.createContext("/poll", this::subscribe);
        server.start();
    }

    public URI queryUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/poll/query.do");
    }

    public URI subscribeUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/poll");
    }

    private final Deque<Reply> subscribeScript = new ArrayDeque<>();
    private final List<Map<String, String>> subscribes = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> subscribesByNumber = new ConcurrentHashMap<>();
    private final Set<String> polling = ConcurrentHashMap.newKeySet();

    /** The next valid subscribe requests are answered with these replies, in order. */
    public synchronized Kuaidi100Stub thenSubscribe(Reply... replies) {
        subscribeScript.addAll(List.of(replies));
        return this;
    }

    /** The decoded form fields of every subscribe request received, in order. */
    public List<Map<String, String>> subscribes() {
        synchronized (subscribes) {
            return List.copyOf(subscribes);
        }
    }

    /** Subscribe requests received per number (valid or not). */
    public Map<String, AtomicInteger> subscribesByNumber() {
        return subscribesByNumber;
    }

    /** Protocol §4.1/§4.2 and §8.5: schema, key (600), company and callback URL (700), duplicates (501). */
    private void subscribe(HttpExchange exchange) throws IOException {
        if (!"/poll".equals(exchange.getRequestURI().getPath())) {
            answer(exchange, Reply.http(404));
            return;
        }
        Map<String, String> form = form(exchange);
        subscribes.add(form);
        JsonNode p;
        try {
            p = json.readTree(form.getOrDefault("param", ""));
        } catch (RuntimeException e) {
            answer(exchange, Reply.returnCode("700", "POLL:参数错误"));
            return;
        }
        String number = p == null ? "" : p.path("number").asString("");
        subscribesByNumber.computeIfAbsent(number, k -> new AtomicInteger()).incrementAndGet();
        if (!"json".equals(form.get("schema")) || p == null) {
            answer(exchange, Reply.returnCode("700", "POLL:参数错误"));
            return;
        }
        if (!KEY.equals(p.path("key").asString(""))) {
            answer(exchange, Reply.returnCode("600", "POLL:您不是合法的订阅者"));
            return;
        }
        String company = p.path("company").asString("");
        boolean autoCom = "1".equals(p.path("parameters").path("autoCom").asString(""));
        if ((company.isEmpty() && !autoCom) || (!company.isEmpty() && !KNOWN_COMPANIES.contains(company))) {
            answer(exchange, Reply.returnCode("700", "POLL:不支持的快递公司：" + company));
            return;
        }
        if (number.isEmpty() || number.length() > 32
                || p.path("parameters").path("callbackurl").asString("").isEmpty()) {
            answer(exchange, Reply.returnCode("700", "POLL:参数错误"));
            return;
        }
        Reply scripted;
        synchronized (this) {
            scripted = subscribeScript.pollFirst();
        }
        if (scripted != null) {
            answer(exchange, scripted);
            return;
        }
        if (!polling.add(number)) {
            answer(exchange, Reply.returnCode("501", "POLL:重复订阅"));
            return;
        }
        answer(exchange, new Reply(200, "{\"result\":true,\"returnCode\":\"200\",\"message\":\"提交成功\"}", 0));
    }

    /** The answer of a push: HTTP status and body. */
    public record PushAnswer(int status, String body) {
    }

    /**
     * Sends a push like Kuaidi100 (protocol §4.3): a form POST of {@code param} and {@code sign} =
     * UPPER(MD5(param + salt)) over the exact text sent; {@code sign} omitted when {@code salt} is null.
     */
    public static PushAnswer push(URI callbackUrl, String param, String salt) throws IOException, InterruptedException {
        return pushSigned(callbackUrl, param, salt == null ? null : md5Upper(param + salt));
    }

    public static PushAnswer pushSigned(URI callbackUrl, String param, String sign)
            throws IOException, InterruptedException {
        String body = "param=" + java.net.URLEncoder.encode(param, StandardCharsets.UTF_8)
                + (sign == null ? "" : "&sign=" + sign);
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(callbackUrl).timeout(java.time.Duration.ofSeconds(20))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new PushAnswer(response.statusCode(), response.body());
    }

    /** Vector C1 of protocol §5.2 / §4.6 (number YT1234567890123, in transit, two events), salt testsalt. */
    public static final String C1 = "{\"status\":\"polling\",\"billstatus\":\"got\",\"message\":\"\",\"autoCheck\":\"0\","
            + "\"comOld\":\"\",\"comNew\":\"\",\"lastResult\":{\"message\":\"ok\",\"nu\":\"YT1234567890123\","
            + "\"ischeck\":\"0\",\"condition\":\"00\",\"com\":\"yuantong\",\"status\":\"200\",\"state\":\"0\","
            + "\"data\":[{\"time\":\"2024-05-02 08:15:00\",\"ftime\":\"2024-05-02 08:15:00\","
            + "\"context\":\"快件已到达【杭州转运中心】\",\"location\":\"\",\"areaCode\":\"CN330100000000\","
            + "\"areaName\":\"浙江,杭州市\",\"status\":\"在途\"},{\"time\":\"2024-05-01 18:30:00\","
            + "\"ftime\":\"2024-05-01 18:30:00\",\"context\":\"快件已揽收\",\"location\":\"\","
            + "\"areaCode\":\"CN310100000000\",\"areaName\":\"上海,上海市\",\"status\":\"揽收\"}]}}";

    /** Vector C2 of protocol §5.2 (abort, no records), salt testsalt. */
    public static final String C2 = "{\"status\":\"abort\",\"billstatus\":\"\",\"message\":\"3天查询无记录\","
            + "\"autoCheck\":\"0\",\"comOld\":\"\",\"comNew\":\"\",\"lastResult\":{\"message\":\"\","
            + "\"nu\":\"YT1234567890123\",\"ischeck\":\"0\",\"condition\":\"\",\"com\":\"yuantong\","
            + "\"status\":\"200\",\"state\":\"0\",\"data\":[]}}";

    public URI autonumberUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/autonumber/auto");
    }

    /** Every number is known, with this success body template ({@code %NUM%} and {@code %COM%} are replaced). */
    public Kuaidi100Stub knowsEveryNumber(String bodyTemplate) {
        this.defaultBody = bodyTemplate;
        return this;
    }

    public Kuaidi100Stub knows(String number, String body) {
        successBodies.put(number, body);
        return this;
    }

    /** The next valid queries are answered with these replies, in order, instead of the normal answer. */
    public synchronized Kuaidi100Stub then(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    public Kuaidi100Stub delay(long millis) {
        this.delayMillis = millis;
        return this;
    }

    public int queryCalls() {
        return queryCalls.get();
    }

    public int autonumberCalls() {
        return autonumberCalls.get();
    }

    public int maxConcurrent() {
        return maxConcurrent.get();
    }

    /** The decoded form fields of every query request received, in order. */
    public List<Map<String, String>> queries() {
        synchronized (queries) {
            return List.copyOf(queries);
        }
    }

    private void query(HttpExchange exchange) throws IOException {
        queryCalls.incrementAndGet();
        int now = concurrent.incrementAndGet();
        maxConcurrent.accumulateAndGet(now, Math::max);
        try {
            sleep(delayMillis);
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, Reply.returnCode("500", "查询失败，或没有POST提交"));
                return;
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            Map<String, String> form = form(exchange);
            queries.add(form);
            if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
                answer(exchange, Reply.returnCode("400", "找不到对应公司"));
                return;
            }
            String param = form.get("param");
            String sign = form.get("sign");
            if (!CUSTOMER.equals(form.get("customer")) || param == null || sign == null) {
                answer(exchange, Reply.returnCode("400", "找不到对应公司"));
                return;
            }
            // the real server signs the raw received text, never a re-serialised object; upper-case only
            if (!md5Upper(param + KEY + CUSTOMER).equals(sign)) {
                answer(exchange, Reply.returnCode("503", "验证签名失败"));
                return;
            }
            JsonNode p;
            try {
                p = json.readTree(param);
            } catch (RuntimeException e) {
                answer(exchange, Reply.returnCode("400", "找不到对应公司"));
                return;
            }
            String com = p.path("com").asString("");
            String num = p.path("num").asString("");
            if (com.isEmpty() || num.isEmpty() || !KNOWN_COMPANIES.contains(com)) {
                answer(exchange, Reply.returnCode("400", "找不到对应公司"));
                return;
            }
            if ((com.equals("shunfeng") || com.equals("zhongtong")) && p.path("phone").asString("").length() < 4) {
                answer(exchange, Reply.returnCode("408", "快递公司参数异常：验证码错误"));
                return;
            }
            Reply scripted;
            synchronized (this) {
                scripted = script.pollFirst();
            }
            if (scripted != null) {
                sleep(scripted.delayMillis());
                answer(exchange, scripted);
                return;
            }
            String body = successBodies.getOrDefault(num, defaultBody);
            if (body == null) {
                answer(exchange, Reply.returnCode("500", "查询无结果，请隔段时间再查"));
                return;
            }
            answer(exchange, new Reply(200, body.replace("%NUM%", num).replace("%COM%", com), 0));
        } finally {
            concurrent.decrementAndGet();
        }
    }

    private void autonumber(HttpExchange exchange) throws IOException {
        autonumberCalls.incrementAndGet();
        Map<String, String> form = form(exchange);
        String key = form.get("key");
        String num = form.get("num");
        if (key == null || key.isEmpty()) {
            answer(exchange, new Reply(200, "{\"returnCode\":\"701\",\"message\":\"key缺失\",\"result\":false}", 0));
        } else if (!KEY.equals(key)) {
            answer(exchange, new Reply(200, "{\"returnCode\":\"601\",\"message\":\"key过期\",\"result\":false}", 0));
        } else if (num == null || !num.matches("[A-Za-z0-9]{6,32}")) {
            answer(exchange, new Reply(200, "{\"returnCode\":\"201\",\"message\":\"单号错误\",\"result\":false}", 0));
        } else if (num.startsWith("SF")) {
            answer(exchange, new Reply(200, "[{\"lengthPre\":15,\"comCode\":\"shunfeng\",\"name\":\"顺丰速运\"}]", 0));
        } else if (num.startsWith("NONE")) {
            answer(exchange, new Reply(200, "[]", 0));
        } else {
            answer(exchange, new Reply(200, "[{\"lengthPre\":15,\"comCode\":\"yuantong\",\"name\":\"圆通速递\"},"
                    + "{\"lengthPre\":15,\"comCode\":\"huitongkuaidi\",\"name\":\"百世快递\"}]", 0));
        }
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.put(name, value);
        }
        return fields;
    }

    private static void answer(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        // like the real server, the content type is not something a client may rely on
        exchange.getResponseHeaders().set("Content-Type", "text/html;charset=UTF-8");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public static String md5Upper(String text) {
        try {
            return HexFormat.of().withUpperCase()
                    .formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** A success body of protocol doc §2.8 shape, resultv2=4, events deliberately oldest first. */
    public static final String SIGNED_BODY = """
            {"message":"ok","nu":"%NUM%","ischeck":"1","condition":"F00","com":"%COM%","status":"200","state":"301",
             "data":[
              {"time":"2024-05-01 18:30:00","ftime":"2024-05-01 18:30:00","context":"快件已揽收","location":"上海市浦东新区","areaCode":"CN310115000000","areaName":"上海,上海市,浦东新区","status":"已揽收","statusCode":"103"},
              {"time":"2024-05-03 14:20:11","ftime":"2024-05-03 14:20:11","context":"快件已签收，签收人：本人","location":"北京市朝阳区","areaCode":null,"areaName":null,"status":"本人签收","statusCode":"301"},
              {"time":"2024-05-02 21:10:02","ftime":"2024-05-02 21:10:02","context":"快件已到达【北京转运中心】","location":"","areaCode":"CN110100000000","areaName":"北京,北京市","status":"到达派件城市","statusCode":"1001"}
             ],
             "routeInfo":{"from":{"number":"CN310115000000","name":"上海,上海市,浦东新区"},"cur":null,"to":null},"isLoop":false}
            """;

    public static final String IN_TRANSIT_BODY = """
            {"message":"ok","nu":"%NUM%","ischeck":"0","condition":"00","com":"%COM%","status":"200","state":0,
             "data":[{"time":"2024-05-02 08:15:00","ftime":"2024-05-02 08:15:00","context":"快件已到达【杭州转运中心】","location":null},
                     {"time":"2024-05-01 18:30:00","ftime":"2024-05-01 18:30:00","context":"快件已揽收"}]}
            """;
}
