package com.tallytrack.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.tallytrack.carrier.CarrierService;
import com.tallytrack.carrier.Kuaidi100Stub;
import com.tallytrack.carrier.internal.CarrierProperties;
import com.tallytrack.carrier.internal.Kuaidi100Client;
import com.tallytrack.manifest.Manifest;

/**
 * PRODUCT §9 P2: 1,000 concurrent queries for 1,000 tracking numbers consolidated in 10 package numbers, with a
 * cold carrier cache, cost at most 10 carrier calls — the real Kuaidi100 client against the local stub.
 */
class ColdCacheConcurrencyTest {

    @Test
    void athousandConcurrentQueriesOverTenPackagesCostAtMostTenCarrierCalls() throws Exception {
        Map<String, Manifest> manifests = new HashMap<>();
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String number = String.format("YT9%011d", i);
            numbers.add(number);
            manifests.put(number, TrackingFixtures.manifest(i + 1, number, "PKGP2" + String.format("%05d", i % 10)));
        }
        try (Kuaidi100Stub stub = new Kuaidi100Stub().knowsEveryNumber(Kuaidi100Stub.SIGNED_BODY).delay(100);
                Kuaidi100Client client = new Kuaidi100Client(new CarrierProperties.Kuaidi100(Kuaidi100Stub.CUSTOMER,
                        Kuaidi100Stub.KEY, stub.queryUrl(), stub.autonumberUrl(), Duration.ofSeconds(2),
                        Duration.ofSeconds(5), "4"), TrackingFixtures.resilience())) {
            CarrierService carrier = TrackingFixtures.carrierService(client);
            TrackingQueryService service = TrackingFixtures.queryService(
                    cleaned -> Optional.ofNullable(manifests.get(cleaned)), carrier);
            ExecutorService pool = Executors.newFixedThreadPool(1000);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<TrackingQueryResult>> results = new ArrayList<>();
                for (String number : numbers) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return service.query(number, "auto", null);
                    }));
                }
                start.countDown();
                for (Future<TrackingQueryResult> result : results) {
                    TrackingQueryResult r = result.get();
                    assertThat(r.success()).as(r.errorCode() + " " + r.error()).isTrue();
                    assertThat(r.queryType()).isEqualTo("package");
                    assertThat(r.trackingInfo().tracks()).isNotEmpty();
                }
            } finally {
                pool.shutdownNow();
                service.destroy();
            }
            // the figure reported for P2 in docs/BENCHMARKS.md
            System.out.printf("P2: 1000 queries -> %d carrier query calls, %d auto-detection calls%n",
                    stub.queryCalls(), stub.autonumberCalls());
            assertThat(stub.queryCalls()).isLessThanOrEqualTo(10);
            assertThat(stub.autonumberCalls()).isLessThanOrEqualTo(10);
            assertThat(stub.queries()).extracting(q -> q.get("param"))
                    .allSatisfy(param -> assertThat(param).contains("PKGP2"));
        }
    }
}
