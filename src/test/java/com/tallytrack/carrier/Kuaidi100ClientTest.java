package com.tallytrack.carrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.tallytrack.carrier.Kuaidi100Stub.Reply;
import com.tallytrack.carrier.internal.CarrierProperties;
import com.tallytrack.carrier.internal.Kuaidi100Client;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Kuaidi100 client against the protocol-faithful local stub. */
class Kuaidi100ClientTest {

    private Kuaidi100Stub stub;
    private final List<Kuaidi100Client> clients = new ArrayList<>();

    @BeforeEach
    void startStub() throws Exception {
        stub = new Kuaidi100Stub().knowsEveryNumber(Kuaidi100Stub.SIGNED_BODY);
    }

    @AfterEach
    void stop() {
        clients.forEach(Kuaidi100Client::close);
        stub.close();
    }

    static CarrierProperties.Kuaidi100 config(URI query, URI auto, String key, Duration readTimeout) {
        return new CarrierProperties.Kuaidi100(Kuaidi100Stub.CUSTOMER, key, query, auto, Duration.ofSeconds(2),
                readTimeout, "4");
    }

    static CarrierProperties.Resilience resilience(int attempts, int minimumCalls, Duration open, int concurrent,
            int queued) {
        return new CarrierProperties.Resilience(attempts, Duration.ofMillis(20), 2.0, 0.5, concurrent, queued, 50f,
                minimumCalls, minimumCalls, open, 1, Duration.ofSeconds(10));
    }

    private Kuaidi100Client client(int attempts) {
        return client(config(stub.queryUrl(), stub.autonumberUrl(), Kuaidi100Stub.KEY, Duration.ofSeconds(2)),
                resilience(attempts, 100, Duration.ofSeconds(30), 8, 100));
    }

    private Kuaidi100Client client(CarrierProperties.Kuaidi100 config, CarrierProperties.Resilience resilience) {
        Kuaidi100Client client = new Kuaidi100Client(config, resilience);
        clients.add(client);
        return client;
    }

    private static CarrierResult get(CompletableFuture<CarrierResult> future) {
        return future.orTimeout(20, TimeUnit.SECONDS).join();
    }

    private static CarrierException failure(CompletableFuture<CarrierResult> future) {
        try {
            future.orTimeout(20, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(CarrierException.class);
            return (CarrierException) e.getCause();
        }
        throw new AssertionError("expected the carrier call to fail");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"com":"yuantong","num":"YT1234567890123","resultv2":"4","show":"0","order":"desc"} | ACC5AD581133FB7D5846C85FA7D4B2A9
            {"com":"shunfeng","num":"SF1234567890123","phone":"5678","from":"广东省深圳市南山区","to":"北京市朝阳区","resultv2":"4"} | 41F598B9179FCC90EE5BEC5B58E1236C
            {"com":"shunfeng","num":"SF1234567890123","phone":"5678","from":"\\u5e7f\\u4e1c\\u7701\\u6df1\\u5733\\u5e02\\u5357\\u5c71\\u533a","to":"\\u5317\\u4eac\\u5e02\\u671d\\u9633\\u533a","resultv2":"4"} | F89AB8C467EEFE4CE11DA90374908807
            {"com":"yuantong","num":"YT1234567890123"} | 0CA9B3CFCCAF7D1529DB524DE75CDC9E
            """)
    void signMatchesTheProtocolTestVectors(String param, String sign) {
        assertThat(Kuaidi100Client.sign(param, Kuaidi100Stub.KEY, Kuaidi100Stub.CUSTOMER)).isEqualTo(sign);
    }

    @Test
    void signOfTheEmptyStringIsTheMd5SanityValue() {
        assertThat(Kuaidi100Client.sign("", "", "")).isEqualTo("D41D8CD98F00B204E9800998ECF8427E");
    }

    @Test
    void sendsASignedFormThatTheStubAcceptsAndParsesTracksNewestFirst() {
        CarrierResult result = get(client(1).query(new CarrierQuery("YT1234567890123", "yuantong", null),
                QueryBudget.UNLIMITED));

        assertThat(stub.queryCalls()).isEqualTo(1);
        Map<String, String> form = stub.queries().get(0);
        assertThat(form).containsOnlyKeys("customer", "sign", "param");
        assertThat(form.get("customer")).isEqualTo(Kuaidi100Stub.CUSTOMER);
        assertThat(form.get("sign")).isEqualTo(Kuaidi100Stub.md5Upper(form.get("param") + Kuaidi100Stub.KEY
                + Kuaidi100Stub.CUSTOMER));
        JsonNode param = JsonMapper.builder().build().readTree(form.get("param"));
        assertThat(param.get("com").asString()).isEqualTo("yuantong");
        assertThat(param.get("num").asString()).isEqualTo("YT1234567890123");
        assertThat(param.get("resultv2").asString()).isEqualTo("4");
        assertThat(param.get("show").asString()).isEqualTo("0");
        assertThat(param.get("order").asString()).isEqualTo("desc");

        assertThat(result.companyCode()).isEqualTo("yuantong");
        assertThat(result.companyName()).isEqualTo("圆通速递");
        assertThat(result.state()).isEqualTo("3");
        assertThat(result.detailedState()).isEqualTo("301");
        assertThat(result.signed()).isTrue();
        assertThat(result.simulated()).isFalse();
        assertThat(result.tracks()).extracting(CarrierTrack::time)
                .containsExactly("2024-05-03 14:20:11", "2024-05-02 21:10:02", "2024-05-01 18:30:00");
        assertThat(result.tracks().get(0).location()).isEqualTo("北京市朝阳区");
        // an empty location falls back to the area name
        assertThat(result.tracks().get(1).location()).isEqualTo("北京,北京市");
        assertThat(result.tracks().get(2).description()).isEqualTo("快件已揽收");
    }

    @Test
    void numericStateAndNullFieldsAreAccepted() {
        stub.knows("YT55555555", Kuaidi100Stub.IN_TRANSIT_BODY);
        CarrierResult result = get(client(1).query(new CarrierQuery("YT55555555", "yuantong", null),
                QueryBudget.UNLIMITED));
        assertThat(result.state()).isEqualTo("0");
        assertThat(result.signed()).isFalse();
        assertThat(result.tracks()).hasSize(2);
        assertThat(result.tracks().get(0).location()).isNull();
    }

    @Test
    void autoDetectsTheCompanyBeforeQuerying() {
        CarrierResult result = get(client(1).query(new CarrierQuery("SF1234567890123", "auto", "13812345678"),
                QueryBudget.UNLIMITED));
        assertThat(stub.autonumberCalls()).isEqualTo(1);
        assertThat(result.companyCode()).isEqualTo("shunfeng");
        assertThat(result.companyName()).isEqualTo("顺丰速运");
        assertThat(stub.queries().get(0).get("param")).contains("\"com\":\"shunfeng\"").contains("\"phone\"");
    }

    @Test
    void aPlusAndBlanksInsideTheParamSurviveFormEncodingSoTheSignStillMatches() {
        CarrierResult result = get(client(1).query(new CarrierQuery("SF1234567890123", "shunfeng", "+86 138-1234-5678"),
                QueryBudget.UNLIMITED));
        assertThat(result.companyCode()).isEqualTo("shunfeng");
        assertThat(stub.queries().get(0).get("param")).contains("\"phone\":\"+86 138-1234-5678\"");
    }

    @Test
    void autoDetectionThatFindsNothingIsNotFound() {
        CarrierException e = failure(client(1).query(new CarrierQuery("NONE123456", "auto", null),
                QueryBudget.UNLIMITED));
        assertThat(e.code()).isEqualTo(CarrierErrorCode.NOT_FOUND);
        assertThat(e.messageKey()).isEqualTo("carrier.error.UNKNOWN_COMPANY");
        assertThat(stub.queryCalls()).isZero();
    }

    @Test
    void autoDetectionWithARefusedKeyIsAConfigError() {
        Kuaidi100Client client = client(config(stub.queryUrl(), stub.autonumberUrl(), "wrongkey123", Duration.ofSeconds(2)),
                resilience(3, 100, Duration.ofSeconds(30), 8, 100));
        CarrierException e = failure(client.query(new CarrierQuery("YT1234567890", "auto", null),
                QueryBudget.UNLIMITED));
        assertThat(e.code()).isEqualTo(CarrierErrorCode.CARRIER_CONFIG_ERROR);
        assertThat(stub.autonumberCalls()).isEqualTo(1);
    }

    @Test
    void aWrongKeyFailsTheSignCheckAndIsNeverRetried() {
        Kuaidi100Client client = client(config(stub.queryUrl(), stub.autonumberUrl(), "wrongkey123", Duration.ofSeconds(2)),
                resilience(3, 100, Duration.ofSeconds(30), 8, 100));
        CarrierException e = failure(client.query(new CarrierQuery("YT1234567890", "yuantong", null),
                QueryBudget.UNLIMITED));
        assertThat(e.code()).isEqualTo(CarrierErrorCode.CARRIER_CONFIG_ERROR);
        assertThat(stub.queryCalls()).isEqualTo(1);
    }

    @Test
    void aMissingPhoneForSfIsReportedAsPhoneRequired() {
        CarrierException e = failure(client(3).query(new CarrierQuery("SF1234567890123", "shunfeng", null),
                QueryBudget.UNLIMITED));
        assertThat(e.code()).isEqualTo(CarrierErrorCode.NOT_FOUND);
        assertThat(e.messageKey()).isEqualTo("carrier.error.PHONE_REQUIRED");
        assertThat(stub.queryCalls()).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            400 | 找不到对应公司             | CARRIER_CONFIG_ERROR | 1 | auto
            400 | 不支持此快递公司           | NOT_FOUND            | 1 | yuantong
            408 | 快递公司参数异常：验证码错误 | NOT_FOUND            | 1 | yuantong
            500 | 查询无结果，请隔段时间再查   | NOT_FOUND            | 1 | yuantong
            501 | 服务器错误                 | CARRIER_UNAVAILABLE  | 3 | yuantong
            502 | 服务器繁忙                 | RATE_LIMITED         | 3 | yuantong
            503 | 验证签名失败               | CARRIER_CONFIG_ERROR | 1 | yuantong
            601 | POLL:KEY已过期             | CARRIER_CONFIG_ERROR | 1 | yuantong
            """)
    void everyDocumentedReturnCodeMapsToAnErrorCodeAndOnlyTransientOnesAreRetried(String returnCode, String message,
            CarrierErrorCode expected, int expectedCalls, String company) {
        for (int i = 0; i < 3; i++) {
            stub.then(Reply.returnCode(returnCode, message));
        }
        CarrierException e = failure(client(3).query(new CarrierQuery("YT1234567890", company, null),
                QueryBudget.UNLIMITED));
        assertThat(e.code()).isEqualTo(expected);
        assertThat(stub.queryCalls()).isEqualTo(expectedCalls);
    }

    @Test
    void aBurstOf5xxIsRetriedWithBackoffThenSucceeds() {
        stub.then(Reply.http(500), Reply.http(503), Reply.returnCode("502", "服务器繁忙"));
        Kuaidi100Client client = client(4);
        CarrierResult result = get(client.query(new CarrierQuery("YT1234567890", "yuantong", null),
                QueryBudget.UNLIMITED));
        assertThat(result.signed()).isTrue();
        assertThat(stub.queryCalls()).isEqualTo(4);
        assertThat(client.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(1);
    }

    @Test
    void aMalformedBodyIsATransportFailure() {
        stub.then(new Reply(200, "{\"message\":\"ok\",\"data\":[", 0), new Reply(200, "<html>维护中</html>", 0));
        CarrierException e = failure(client(2).query(new CarrierQuery("YT1234567890", "yuantong", null),
                QueryBudget.UNLIMITED));
        assertThat(e.code()).isEqualTo(CarrierErrorCode.CARRIER_UNAVAILABLE);
        assertThat(stub.queryCalls()).isEqualTo(2);
    }

    @Test
    void aReadTimeoutIsRetriedThenUnavailable() {
        // timings leave a loaded machine room: the future cannot finish before two 500 ms timeouts have passed
        stub.delay(2000);
        Kuaidi100Client client = client(config(stub.queryUrl(), stub.autonumberUrl(), Kuaidi100Stub.KEY,
                Duration.ofMillis(500)), resilience(2, 100, Duration.ofSeconds(30), 8, 100));
        CompletableFuture<CarrierResult> future = client.query(new CarrierQuery("YT1234567890", "yuantong", null),
                QueryBudget.UNLIMITED);
        // asynchronous: the caller's thread is back before the first attempt has timed out
        assertThat(future).isNotDone();
        CarrierException e = failure(future);
        assertThat(e.code()).isEqualTo(CarrierErrorCode.CARRIER_UNAVAILABLE);
        assertThat(e.transientFailure()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> stub.queryCalls() == 2);
    }

    @Test
    void theCircuitOpensOnRepeatedFailuresThenHalfOpensAndCloses() {
        Kuaidi100Client client = client(config(stub.queryUrl(), stub.autonumberUrl(), Kuaidi100Stub.KEY,
                Duration.ofSeconds(2)), resilience(1, 4, Duration.ofSeconds(2), 8, 100));
        // open for 2 s: long enough that the fast failure below is surely still inside it on a loaded machine
        stub.then(Reply.http(500), Reply.http(502), Reply.http(500), Reply.http(504));
        for (int i = 0; i < 4; i++) {
            assertThat(failure(client.query(new CarrierQuery("YT1234567890", "yuantong", null),
                    QueryBudget.UNLIMITED)).code()).isEqualTo(CarrierErrorCode.CARRIER_UNAVAILABLE);
        }
        assertThat(client.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

        CarrierException fastFailure = failure(client.query(new CarrierQuery("YT1234567890", "yuantong", null),
                QueryBudget.UNLIMITED));
        assertThat(fastFailure.code()).isEqualTo(CarrierErrorCode.CARRIER_UNAVAILABLE);
        assertThat(stub.queryCalls()).as("an open circuit sends nothing").isEqualTo(4);

        // after the open duration one trial call is let through; it succeeds and the circuit closes again
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            CompletableFuture<CarrierResult> f = client.query(new CarrierQuery("YT1234567890", "yuantong", null),
                    QueryBudget.UNLIMITED);
            return f.handle((r, e) -> r != null).join();
        });
        assertThat(stub.queryCalls()).isEqualTo(5);
        assertThat(client.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void notFoundAndRefusedSignsDoNotOpenTheCircuit() {
        Kuaidi100Client client = client(config(stub.queryUrl(), stub.autonumberUrl(), Kuaidi100Stub.KEY,
                Duration.ofSeconds(2)), resilience(1, 4, Duration.ofSeconds(30), 8, 100));
        for (int i = 0; i < 6; i++) {
            stub.then(Reply.returnCode(i % 2 == 0 ? "500" : "503", "x"));
        }
        for (int i = 0; i < 6; i++) {
            failure(client.query(new CarrierQuery("YT1234567890", "yuantong", null), QueryBudget.UNLIMITED));
        }
        assertThat(client.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(stub.queryCalls()).isEqualTo(6);
    }

    @Test
    void concurrentCarrierRequestsAreCappedByTheBulkhead() {
        // slow enough that no call finishes (and frees a slot) while the eight are being submitted
        stub.delay(1000);
        Kuaidi100Client client = client(config(stub.queryUrl(), stub.autonumberUrl(), Kuaidi100Stub.KEY,
                Duration.ofSeconds(2)), resilience(1, 100, Duration.ofSeconds(30), 2, 2));
        List<CompletableFuture<CarrierResult>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(client.query(new CarrierQuery("YT12345678" + i, "yuantong", null), QueryBudget.UNLIMITED));
        }
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        for (CompletableFuture<CarrierResult> f : futures) {
            f.handle((r, e) -> {
                if (r != null) {
                    ok.incrementAndGet();
                } else if (e.getCause() instanceof CarrierException c && c.code() == CarrierErrorCode.CARRIER_UNAVAILABLE) {
                    rejected.incrementAndGet();
                }
                return null;
            }).orTimeout(20, TimeUnit.SECONDS).join();
        }
        assertThat(stub.maxConcurrent()).isLessThanOrEqualTo(2);
        assertThat(ok.get()).isEqualTo(4);
        assertThat(rejected.get()).isEqualTo(4);
    }

    @Test
    void aRefusedBudgetSendsNothing() {
        CarrierException e = failure(client(3).query(new CarrierQuery("YT1234567890", "yuantong", null),
                () -> false));
        assertThat(e.code()).isEqualTo(CarrierErrorCode.RATE_LIMITED);
        assertThat(e.messageKey()).isEqualTo("carrier.error.DAILY_LIMIT");
        assertThat(stub.queryCalls()).isZero();
    }

    @Test
    void everyAttemptTakesOneSlotOfTheBudget() {
        stub.then(Reply.http(500), Reply.http(500));
        AtomicInteger taken = new AtomicInteger();
        get(client(3).query(new CarrierQuery("YT1234567890", "yuantong", null), () -> {
            taken.incrementAndGet();
            return true;
        }));
        assertThat(taken.get()).isEqualTo(3);
    }

    @Test
    void credentialsAreCheckedWhenTheClientIsBuilt() {
        assertThatThrownBy(() -> new Kuaidi100Client(new CarrierProperties.Kuaidi100("not-hex", Kuaidi100Stub.KEY,
                stub.queryUrl(), stub.autonumberUrl(), Duration.ofSeconds(1), Duration.ofSeconds(1), "4"),
                resilience(1, 4, Duration.ofSeconds(1), 1, 1)))
                .hasMessageContaining("tallytrack.carrier.kuaidi100.customer");
    }
}
