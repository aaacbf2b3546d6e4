package com.tallytrack.carrier;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The mapping from Kuaidi100's state codes (protocol reference §2.6: base states and every advanced sub-code) to
 * the one {@link Milestone} set. The full table with the reasons for each choice is in {@code docs/carrier.md}.
 */
public final class Milestones {

    /** Kuaidi100 event times are Beijing wall-clock times without a zone. */
    public static final ZoneId CARRIER_ZONE = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Milestones() {
    }

    /**
     * The milestone of one Kuaidi100 state code, base or advanced, or {@code null} for a code the reference does
     * not document (never an exception: the carrier may add codes).
     */
    public static Milestone ofCode(String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        return switch (code.strip()) {
            // 揽收 family: an order placed / waiting for pickup is only information; once picked up it moves
            case "101", "102" -> Milestone.INFO_RECEIVED;
            case "1", "103" -> Milestone.IN_TRANSIT;
            // 在途 family and 转投 (handed to another carrier: still moving, under a new carrier)
            case "0", "1001", "1002", "1003", "7" -> Milestone.IN_TRANSIT;
            // 清关: waiting, in progress and cleared are customs; a customs problem is an exception
            case "8", "10", "11", "12" -> Milestone.CUSTOMS;
            case "13" -> Milestone.EXCEPTION;
            case "5" -> Milestone.OUT_FOR_DELIVERY;
            // in a locker or pickup station: the recipient must fetch it
            case "501" -> Milestone.AVAILABLE_FOR_PICKUP;
            case "3", "301", "302", "303", "304" -> Milestone.DELIVERED;
            // 疑难 sub-codes that describe a delivery attempt that did not reach the recipient
            case "201", "204", "206" -> Milestone.ATTEMPT_FAIL;
            // still waiting in the locker / station past its time: the parcel is there, the recipient must act
            case "205" -> Milestone.AVAILABLE_FOR_PICKUP;
            // 疑难 in general, no update, refusal awaiting the shipper's decision, out of area, held, damaged,
            // cancelled by the sender: someone has to look at it
            case "2", "202", "203", "207", "208", "209", "210" -> Milestone.EXCEPTION;
            case "6" -> Milestone.RETURNING;
            // 退签 / 已销单 / 拒签: the parcel's journey to the recipient has ended without delivery (all final)
            case "4", "401", "14" -> Milestone.RETURNED;
            default -> null;
        };
    }

    /**
     * The milestone of a whole result: {@code pending} without events; else the carrier's advanced state, else its
     * base state, else the newest event's own milestone, else {@code in_transit} (there are events, so it moves).
     */
    public static Milestone of(String state, String detailedState, List<CarrierTrack> tracks) {
        if (tracks == null || tracks.isEmpty()) {
            return Milestone.PENDING;
        }
        Milestone m = ofCode(detailedState);
        if (m == null) {
            m = ofCode(state);
        }
        if (m == null) {
            m = tracks.stream().map(CarrierTrack::milestone).filter(x -> x != null).findFirst().orElse(null);
        }
        return m == null ? Milestone.IN_TRANSIT : m;
    }

    /**
     * {@code expired} replaces a non-final milestone when the newest event is older than {@code expireAfter}; a
     * delivered or returned parcel never expires, and a result without events stays {@code pending}.
     */
    public static Milestone withExpiry(Milestone milestone, Instant newestEvent, Instant now, Duration expireAfter) {
        if (milestone == null || newestEvent == null || expireAfter == null
                || milestone == Milestone.DELIVERED || milestone == Milestone.RETURNED
                || milestone == Milestone.PENDING) {
            return milestone;
        }
        return newestEvent.isBefore(now.minus(expireAfter)) ? Milestone.EXPIRED : milestone;
    }

    /** The newest parseable event time of a route ({@code yyyy-MM-dd HH:mm:ss}, Beijing time), or {@code null}. */
    public static Instant newestEventTime(List<CarrierTrack> tracks) {
        Instant newest = null;
        if (tracks != null) {
            for (CarrierTrack t : tracks) {
                Instant at = parseTime(t.time());
                if (at != null && (newest == null || at.isAfter(newest))) {
                    newest = at;
                }
            }
        }
        return newest;
    }

    public static Instant parseTime(String time) {
        if (time == null || time.length() < 19) {
            return null;
        }
        try {
            return LocalDateTime.parse(time.substring(0, 19), TIME).atZone(CARRIER_ZONE).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
