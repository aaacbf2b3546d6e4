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
 * dates stay recent): the same number always gets the same company, cities, route, progress and events that day.
 * Every event carries a Kuaidi100 state code, so the route passes through realistic milestones (info received, in
 * transit, customs for international packages, out for delivery, available for pickup, delivered). The same
 * {@link #route} drives the simulated subscription pushes ({@code SimulatorPusher}), one step per push interval.
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

    /** One event of a simulated route: where, what, and the Kuaidi100 state code it carries. */
    record Step(String location, String description, String code) {
    }

    /** The whole route a number will take, from the order to the delivery; deterministic per number and company. */
    public record Route(String company, List<Step> steps) {
    }

    /**
     * The route of a number: order placed, picked up, origin hub, line haul, — for an international package (a
     * number starting with {@code PKG}, or one in three others) — customs waiting, clearance and release, then the
     * destination hub, out for delivery and either signed by the recipient or placed in a locker and collected.
     */
    public Route route(CarrierQuery query) {
        SplittableRandom random = new SplittableRandom(seed(query.number()));
        // the detected company is drawn even when one is given, so the route is the same either way
        String detected = COMPANIES.get(random.nextInt(COMPANIES.size()));
        String company = query.autoDetect() ? detected : query.companyCode();
        String from = CITIES.get(random.nextInt(CITIES.size()));
        String to = CITIES.get(random.nextInt(CITIES.size()));
        if (from.equals(to)) {
            to = CITIES.get((CITIES.indexOf(from) + 1) % CITIES.size());
        }
        String fromHub = hub(from);
        String toHub = hub(to);
        String pickup = courier(random);
        String delivery = courier(random);
        String phone = "1" + (3 + random.nextInt(7)) + String.format("%09d", random.nextInt(1_000_000_000));
        boolean international = query.number().startsWith("PKG") || random.nextInt(3) == 0;
        boolean locker = random.nextInt(4) == 0;
        List<Step> steps = new ArrayList<>();
        steps.add(new Step(from, "商家已下单，等待揽收", "101"));
        steps.add(new Step(from, "【" + from + "】快件已揽收，揽收员：" + pickup, "103"));
        steps.add(new Step(fromHub, "快件已到达【" + fromHub + "】", "0"));
        steps.add(new Step(fromHub, "快件已从【" + fromHub + "】发出，下一站【" + toHub + "】", "1002"));
        if (international) {
            steps.add(new Step(toHub, "快件已到达口岸，等待清关", "10"));
            steps.add(new Step(toHub, "快件清关中", "11"));
            steps.add(new Step(toHub, "快件已清关放行", "12"));
        }
        steps.add(new Step(toHub, "快件已到达【" + toHub + "】", "1001"));
        steps.add(new Step(to, "【" + to + "】快件正在派送中，派件员：" + delivery + "，电话：" + phone, "5"));
        if (locker) {
            steps.add(new Step(to, "快件已投递至【" + to + "】智能快递柜，请凭取件码取件", "501"));
            steps.add(new Step(to, "快件已从智能快递柜取出签收，如有疑问请联系派件员", "304"));
        } else {
            steps.add(new Step(to, "快件已签收，签收人：本人，如有疑问请联系派件员", "301"));
        }
        return new Route(company, steps);
    }

    /**
     * The result after the first {@code progress} steps of the route, with the given event times (oldest first).
     */
    public static CarrierResult result(Route route, int progress, List<String> times) {
        List<CarrierTrack> events = new ArrayList<>();
        for (int i = 0; i < progress; i++) {
            Step step = route.steps().get(i);
            events.add(CarrierTrack.withCode(times.get(i), step.location(), step.description(), step.code()));
        }
        java.util.Collections.reverse(events);
        String code = progress == 0 ? null : route.steps().get(progress - 1).code();
        String state = CarrierCodes.baseState(code);
        String detailed = code != null && !code.equals(state) ? code : null;
        return new CarrierResult(route.company(), CarrierCodes.companyName(route.company()), state, detailed,
                "3".equals(state), events, true);
    }

    CarrierResult simulate(CarrierQuery query) {
        Route route = route(query);
        SplittableRandom random = new SplittableRandom(seed(query.number()) ^ 0x5DEECE66DL);
        int progress = 1 + random.nextInt(route.steps().size());
        LocalDate today = LocalDate.now(clock.withZone(CHINA));
        LocalDateTime time = today.minusDays(1 + progress / 2).atTime(8 + random.nextInt(10), random.nextInt(60),
                random.nextInt(60));
        List<String> times = new ArrayList<>();
        for (int i = 0; i < progress; i++) {
            times.add(time.format(TIME));
            time = time.plusHours(2 + random.nextInt(6)).plusMinutes(random.nextInt(60));
        }
        return result(route, progress, times);
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
