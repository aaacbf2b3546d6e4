package com.tallytrack.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import com.tallytrack.carrier.CarrierClient;
import com.tallytrack.carrier.CarrierQuery;
import com.tallytrack.carrier.CarrierResult;
import com.tallytrack.carrier.QueryBudget;
import com.tallytrack.manifest.Manifest;

/**
 * The intelligent query (PRODUCT §2): for any set of manifests and any queried number, the carrier is asked about
 * the package number exactly when the number's manifest has one, and {@code query_type} and
 * {@code has_package_association} say so.
 */
class IntelligentQueryPropertyTest {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private static Gen<String> numbers(int min, int max) {
        return lists().of(integers().between(0, ALPHABET.length() - 1)).ofSizeBetween(min, max)
                .map(indexes -> {
                    StringBuilder s = new StringBuilder();
                    indexes.forEach(i -> s.append(ALPHABET.charAt(i)));
                    return s.toString();
                });
    }

    /** A manifest row as generated: its tracking number and, when non-empty, its package number. */
    record Row(String trackingNumber, String packageNumber) {
    }

    private static Gen<List<Row>> manifestSets() {
        Gen<String> packages = numbers(0, 3).zip(numbers(0, 12), (flag, p) -> flag.isEmpty() ? "" : "P-" + p);
        return lists().of(numbers(6, 14).zip(packages, Row::new)).ofSizeBetween(0, 12);
    }

    @Test
    void theCarrierIsAskedAboutThePackageNumberExactlyWhenTheManifestHasOne() {
        qt().withExamples(300)
                .forAll(manifestSets(), integers().between(-3, 11), numbers(6, 20), booleans().all())
                .checkAssert((rows, pick, fresh, sloppy) -> {
                    Map<String, Manifest> manifests = new HashMap<>();
                    long id = 1;
                    for (Row row : rows) {
                        manifests.putIfAbsent(row.trackingNumber(), TrackingFixtures.manifest(id++,
                                row.trackingNumber(), row.packageNumber().isEmpty() ? null : row.packageNumber()));
                    }
                    List<String> known = new ArrayList<>(manifests.keySet());
                    String number = pick >= 0 && pick < known.size() ? known.get(pick) : fresh;
                    // what a customer types: any case, surrounding blanks
                    String typed = sloppy ? "  " + number.toLowerCase(Locale.ROOT) + " " : number;

                    List<String> asked = new ArrayList<>();
                    CarrierClient recording = new RecordingClient(asked);
                    TrackingQueryService service = TrackingFixtures.queryService(
                            cleaned -> Optional.ofNullable(manifests.get(cleaned)),
                            TrackingFixtures.carrierService(recording));
                    try {
                        TrackingQueryResult result = service.query(typed, null, null);

                        Manifest manifest = manifests.get(number);
                        boolean hasPackage = manifest != null && manifest.packageNumber() != null;
                        String expected = hasPackage ? manifest.packageNumber() : number;
                        assertThat(asked).containsExactly(expected);
                        assertThat(result.cleanedTrackingNumber()).isEqualTo(number);
                        assertThat(result.queryTrackingNumber()).isEqualTo(expected);
                        assertThat(result.queryType()).isEqualTo(hasPackage ? "package" : "original");
                        assertThat(result.hasPackageAssociation()).isEqualTo(hasPackage);
                        assertThat(result.manifestInfo() != null).isEqualTo(manifest != null);
                    } finally {
                        service.destroy();
                    }
                });
    }

    private record RecordingClient(List<String> asked) implements CarrierClient {
        @Override
        public CompletableFuture<CarrierResult> query(CarrierQuery query, QueryBudget budget) {
            asked.add(query.number());
            return CompletableFuture.completedFuture(new CarrierResult("yuantong", "圆通速递", "0", null, false,
                    List.of(), false));
        }

        @Override
        public String provider() {
            return "recording";
        }

        @Override
        public boolean simulated() {
            return false;
        }
    }
}
