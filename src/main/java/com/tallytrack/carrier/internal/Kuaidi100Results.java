package com.tallytrack.carrier.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import com.tallytrack.carrier.CarrierResult;
import com.tallytrack.carrier.CarrierTrack;

import tools.jackson.databind.JsonNode;

/**
 * Reads a Kuaidi100 trace object (a query success body, protocol §2.4, or the {@code lastResult} of a push, §4.3)
 * into a {@link CarrierResult}. Shared by the query client and the callback endpoint so both read one shape.
 */
public final class Kuaidi100Results {

    private Kuaidi100Results() {
    }

    /**
     * @param fallbackCompany the company asked for, used when the trace names none
     * @param fallbackName    its display name, or {@code null}
     */
    public static CarrierResult parse(JsonNode root, String fallbackCompany, String fallbackName) {
        String com = text(root.get("com"));
        String companyCode = com == null || com.isBlank() ? fallbackCompany : com.strip().toLowerCase(Locale.ROOT);
        String companyName = companyCode != null && companyCode.equals(fallbackCompany) && fallbackName != null
                ? fallbackName : CarrierCodes.companyName(companyCode);
        String rawState = text(root.get("state"));
        String state = CarrierCodes.baseState(rawState);
        String detailed = rawState != null && state != null && !rawState.strip().equals(state) ? rawState.strip()
                : null;
        List<Event> events = new ArrayList<>();
        JsonNode data = root.get("data");
        if (data != null && data.isArray()) {
            for (JsonNode item : data.values()) {
                if (!item.isObject()) {
                    continue;
                }
                String ftime = text(item.get("ftime"));
                String time = text(item.get("time"));
                String location = text(item.get("location"));
                if (location == null || location.isBlank()) {
                    location = text(item.get("areaName"));
                }
                events.add(new Event(ftime != null && !ftime.isBlank() ? ftime : time,
                        CarrierTrack.withCode(time != null ? time : ftime, blankToNull(location),
                                text(item.get("context")), text(item.get("statusCode")))));
            }
        }
        // "desc" was asked for; sort anyway (stable, by the formatted time) so newest-first never depends on it
        events.sort(Comparator.comparing(Event::sortKey, Comparator.nullsLast(Comparator.reverseOrder())));
        return new CarrierResult(companyCode, companyName, state, detailed, "3".equals(state),
                events.stream().map(Event::track).toList(), false);
    }

    private record Event(String sortKey, CarrierTrack track) {
    }

    static String text(JsonNode node) {
        if (node == null || node.isNull() || !node.isValueNode()) {
            return null;
        }
        return node.asString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
