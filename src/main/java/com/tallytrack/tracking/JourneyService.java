package com.tallytrack.tracking;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Service;

import com.tallytrack.carrier.CarrierLookup;
import com.tallytrack.carrier.CarrierQuery;
import com.tallytrack.carrier.CarrierResult;
import com.tallytrack.carrier.Milestone;
import com.tallytrack.carrier.CarrierService;
import com.tallytrack.common.Messages;
import com.tallytrack.tracking.StoredCarrierResults.StoredCarrierResult;

/**
 * The two-leg journey of one number (issue 11.2). The package leg is the plain intelligent query, unchanged; the
 * domestic leg of a linked number costs at most what the carrier rules allow: a stored final result answers it
 * without a call (it cannot change any more), otherwise {@link CarrierService} serves it from the carrier-result
 * cache (one carrier call per 30 minutes at most) with single flight and the daily guard. Only a single-number
 * query asks for a journey, never a batch, so the batch and default query cost exactly what they did.
 */
@Service
public class JourneyService {

    static final String SOURCE_CARRIER = "carrier";
    static final String SOURCE_STORED = "stored";

    private final TrackingQueryService queries;
    private final CarrierService carrier;
    private final StoredCarrierResults stored;
    private final Messages messages;

    JourneyService(TrackingQueryService queries, CarrierService carrier, StoredCarrierResults stored,
            Messages messages) {
        this.queries = queries;
        this.carrier = carrier;
        this.stored = stored;
        this.messages = messages;
    }

    /** The plain answer plus its journey; invalid input is refused exactly like the plain query. */
    public JourneyQueryResult query(String trackingNumber, String companyCode, String phone) {
        TrackingQueryResult result = queries.query(trackingNumber, companyCode, phone);
        Locale locale = LocaleContextHolder.getLocale();
        Journey.Leg mainLeg = legOf(result, locale);
        // the service answers with the full record; the controller narrows what the customer is shown
        if (!result.hasPackageAssociation()
                || !(result.manifestInfo() instanceof TrackingQueryResult.ManifestInfo manifest)) {
            return new JourneyQueryResult(result, new Journey(List.of(mainLeg), null));
        }
        Journey.Leg original = originalLeg(result.cleanedTrackingNumber(), phone, locale);
        return new JourneyQueryResult(result, new Journey(List.of(original, mainLeg),
                new Journey.Warehouse(manifest.packageNumber(), manifest.manifestDate(), manifest.createdAt())));
    }

    /** The domestic leg of a linked number: the stored final result if there is one, else the carrier's answer. */
    private Journey.Leg originalLeg(String number, String phone, Locale locale) {
        Optional<StoredCarrierResult> kept = stored.find(number);
        if (kept.isPresent() && kept.get().isFinal()) {
            return storedLeg(Journey.ROLE_ORIGINAL, kept.get());
        }
        CarrierLookup lookup = carrier.track(new CarrierQuery(number, CarrierQuery.AUTO, phone));
        if (!lookup.success()) {
            return new Journey.Leg(Journey.ROLE_ORIGINAL, number, null, null, null, null, false, false,
                    lookup.errorCode() == null ? null : lookup.errorCode().name(),
                    messages.get(locale, lookup.errorMessageKey()), SOURCE_CARRIER, List.of());
        }
        CarrierResult r = lookup.result();
        List<Journey.Track> tracks = r.tracks().stream()
                .map(t -> new Journey.Track(t.time(), t.location(), t.description(), wire(t.milestone()))).toList();
        return new Journey.Leg(Journey.ROLE_ORIGINAL, number, r.companyCode(), r.companyName(),
                wire(r.milestone()), r.state(), r.isFinal(), true, null, null, SOURCE_CARRIER, tracks);
    }

    /** The leg the plain query answered: the package leg of a linked number, the only leg of an unlinked one. */
    private Journey.Leg legOf(TrackingQueryResult result, Locale locale) {
        String role = result.hasPackageAssociation() ? Journey.ROLE_PACKAGE : Journey.ROLE_ORIGINAL;
        TrackingQueryResult.TrackingInfo info = result.trackingInfo();
        if (info == null) {
            return new Journey.Leg(role, result.queryTrackingNumber(), null, null, null, null, false, false,
                    result.errorCode(), result.error(), SOURCE_CARRIER, List.of());
        }
        List<Journey.Track> tracks = info.tracks().stream()
                .map(t -> new Journey.Track(t.time(), t.location(), t.description(), wire(t.milestone()))).toList();
        // the finality rule lives in CarrierResult; the plain answer only carries the raw state code
        boolean isFinal = CarrierResult.isFinalState(info.state());
        return new Journey.Leg(role, result.queryTrackingNumber(), info.companyCode(), info.companyName(),
                wire(info.milestone()), info.state(), isFinal, true, null, null,
                SOURCE_CARRIER, tracks);
    }

    private Journey.Leg storedLeg(String role, StoredCarrierResult s) {
        List<Journey.Track> tracks = s.tracks().stream()
                .map(t -> new Journey.Track(t.time(), t.location(), t.description(), t.milestone())).toList();
        return new Journey.Leg(role, s.queryNumber(), s.companyCode(), s.companyName(), s.milestone(), s.state(),
                s.isFinal(), true, null, null, SOURCE_STORED, tracks);
    }

    private static String wire(Milestone milestone) {
        return milestone == null ? null : milestone.wireName();
    }
}
