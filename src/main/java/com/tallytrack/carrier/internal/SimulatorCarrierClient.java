package com.tallytrack.carrier.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import com.tallytrack.carrier.CarrierClient;
import com.tallytrack.carrier.CarrierErrorCode;
import com.tallytrack.carrier.CarrierException;
import com.tallytrack.carrier.CarrierQuery;
import com.tallytrack.carrier.CarrierResult;
import com.tallytrack.carrier.CarrierTrack;
import com.tallytrack.carrier.QueryBudget;

/**
 * The embedded default carrier: invents a plausible route for any number, so the product runs without
 * credentials. Everything is derived from a hash of the number (and the current day, so that the route's
 * dates stay recent): the same number always gets the same company, cities, progress and events that day.
 *
 * <p>Rule for the error path: a number ending in {@code 0000} is "not found" ({@code NOT_FOUND}), like a
 * number the carrier has no record of.
 */
public class SimulatorCarrierClient implements CarrierClient {

    private static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final List<String> COMPANIES = List.of("yuantong", "zhongtong", "yunda", "shentong",
            "jtexpress", "ems", "jd", "shunfeng");
    private static final List<String> CITIES = List.of("上海市浦东新区", "杭州市余杭区", "广州市白云区",
            "深圳市南山区", "北京市朝阳区", "成都市武侯区", "武汉市洪山区", "南京市江宁区", "西安市雁塔区",
            "厦门市湖里区", "义乌市", "郑州市金水区");

    private final Clock clock;

    public SimulatorCarrierClient(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String provider() {
        return "simulator";
    }

    @Override
    public boolean simulated() {
        return true;
    }

    @Override
    public CompletableFuture<CarrierResult> query(CarrierQuery query, QueryBudget budget) {
        if (!budget.tryAcquire()) {
            return CompletableFuture.failedFuture(new CarrierException(CarrierErrorCode.RATE_LIMITED, false,
                    "carrier.error.DAILY_LIMIT", "daily query budget of the number is used up", null));
        }
        if (query.number().endsWith("0000")) {
            return CompletableFuture.failedFuture(
                    new CarrierException(CarrierErrorCode.NOT_FOUND, false, "simulated: number ends in 0000"));
        }
        return CompletableFuture.completedFuture(simulate(query));
    }

    CarrierResult simulate(CarrierQuery query) {
        SplittableRandom random = new SplittableRandom(seed(query.number()));
        String company = query.autoDetect() ? COMPANIES.get(random.nextInt(COMPANIES.size())) : query.companyCode();
        String from = CITIES.get(random.nextInt(CITIES.size()));
        String to = CITIES.get(random.nextInt(CITIES.size()));
        if (from.equals(to)) {
            to = CITIES.get((CITIES.indexOf(from) + 1) % CITIES.size());
        }
        String fromHub = hub(from);
        String toHub = hub(to);
        // progress 1..6: picked up, origin hub, in transit, destination hub, out for delivery, signed
        int progress = 1 + random.nextInt(6);
        LocalDate today = LocalDate.now(clock.withZone(CHINA));
        LocalDateTime time = today.minusDays(1 + progress).atTime(8 + random.nextInt(10), random.nextInt(60),
                random.nextInt(60));
        List<CarrierTrack> events = new ArrayList<>();
        String[][] steps = {
                {from, "【" + from + "】快件已揽收，揽收员：" + courier(random)},
                {fromHub, "快件已到达【" + fromHub + "】"},
                {fromHub, "快件已从【" + fromHub + "】发出，下一站【" + toHub + "】"},
                {toHub, "快件已到达【" + toHub + "】"},
                {to, "【" + to + "】快件正在派送中，派件员：" + courier(random) + "，电话：1" + (3 + random.nextInt(7))
                        + String.format("%09d", random.nextInt(1_000_000_000))},
                {to, "快件已签收，签收人：本人，如有疑问请联系派件员"}};
        for (int i = 0; i < progress; i++) {
            events.add(new CarrierTrack(time.format(TIME), steps[i][0], steps[i][1]));
            time = time.plusHours(5 + random.nextInt(19)).plusMinutes(random.nextInt(60));
        }
        List<CarrierTrack> newestFirst = new ArrayList<>(events);
        java.util.Collections.reverse(newestFirst);
        String state = switch (progress) {
            case 1 -> "1";
            case 5 -> "5";
            case 6 -> "3";
            default -> "0";
        };
        return new CarrierResult(company, CarrierCodes.companyName(company), state, null, "3".equals(state),
                newestFirst, true);
    }

    private static String hub(String city) {
        return city.substring(0, city.indexOf('市') > 0 ? city.indexOf('市') : city.length()) + "转运中心";
    }

    private static String courier(SplittableRandom random) {
        String[] surnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄"};
        return surnames[random.nextInt(surnames.length)] + "师傅";
    }

    private static long seed(String number) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(number.getBytes(StandardCharsets.UTF_8));
            long seed = 0;
            for (int i = 0; i < 8; i++) {
                seed = (seed << 8) | (digest[i] & 0xff);
            }
            return seed;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
