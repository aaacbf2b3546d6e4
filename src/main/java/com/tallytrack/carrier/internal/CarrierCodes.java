package com.tallytrack.carrier.internal;

import java.util.Map;

/**
 * Kuaidi100's tables (protocol doc §2.6 and §6): advanced state codes → base state codes, and company codes →
 * Chinese company names (the common domestic and international carriers; an unknown code shows as itself).
 */
public final class CarrierCodes {

    private static final Map<String, String> COMPANY_NAMES = Map.ofEntries(
            Map.entry("shunfeng", "顺丰速运"), Map.entry("shunfengkuaiyun", "顺丰快运"),
            Map.entry("shunfenglengyun", "顺丰冷链"), Map.entry("fengwang", "丰网速运"),
            Map.entry("yuantong", "圆通速递"), Map.entry("zhongtong", "中通快递"),
            Map.entry("zhongtongkuaiyun", "中通快运"), Map.entry("yunda", "韵达快递"),
            Map.entry("yundakuaiyun", "韵达快运"), Map.entry("shentong", "申通快递"),
            Map.entry("jtexpress", "极兔速递"), Map.entry("jd", "京东物流"),
            Map.entry("jingdongkuaiyun", "京东快运"), Map.entry("ems", "EMS"),
            Map.entry("youzhengguonei", "邮政快递包裹"), Map.entry("youzhengbk", "邮政标准快递"),
            Map.entry("debangkuaidi", "德邦快递"), Map.entry("debangwuliu", "德邦物流"),
            Map.entry("huitongkuaidi", "百世快递"), Map.entry("baishiwuliu", "百世快运"),
            Map.entry("zhaijisong", "宅急送"), Map.entry("tiantian", "天天快递"),
            Map.entry("kuayue", "跨越速运"), Map.entry("annengwuliu", "安能快运"),
            Map.entry("danniao", "丹鸟"), Map.entry("youshuwuliu", "优速"),
            Map.entry("suning", "苏宁物流"), Map.entry("sxjdfreight", "顺心捷达"),
            Map.entry("yimidida", "壹米滴答"), Map.entry("zhongyouex", "众邮快递"),
            Map.entry("ztky", "中铁快运"), Map.entry("emsguoji", "EMS-国际件"),
            Map.entry("youzhengguoji", "国际包裹"), Map.entry("dhl", "DHL-中国件"),
            Map.entry("dhlen", "DHL-全球件"), Map.entry("fedex", "FedEx-国际件"),
            Map.entry("ups", "UPS"), Map.entry("upsen", "UPS-全球件"),
            Map.entry("usps", "USPS"), Map.entry("tnt", "TNT"));

    private CarrierCodes() {
    }

    public static String companyName(String code) {
        return code == null ? null : COMPANY_NAMES.getOrDefault(code, code);
    }

    /** Carriers that answer only with the sender's or recipient's phone (protocol doc §2.2). */
    public static boolean needsPhone(String code) {
        return "shunfeng".equals(code) || "shunfengkuaiyun".equals(code) || "zhongtong".equals(code)
                || "fengwang".equals(code);
    }

    /**
     * The base state of a state code as Kuaidi100 sends it (base or advanced), or {@code null} for a code the
     * tables do not know: 101–103 → 1; 1001–1003 → 0; 501 → 5; 301–304 → 3; 401 → 4; 201–210 → 2; 10–13 → 8;
     * 0–8 and 14 map to themselves.
     */
    public static String baseState(String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        int value;
        try {
            value = Integer.parseInt(code.strip());
        } catch (NumberFormatException e) {
            return null;
        }
        if ((value >= 0 && value <= 8) || value == 14) {
            return Integer.toString(value);
        }
        if (value >= 101 && value <= 103) {
            return "1";
        }
        if (value >= 1001 && value <= 1003) {
            return "0";
        }
        if (value == 501) {
            return "5";
        }
        if (value >= 301 && value <= 304) {
            return "3";
        }
        if (value == 401) {
            return "4";
        }
        if (value >= 201 && value <= 210) {
            return "2";
        }
        if (value >= 10 && value <= 13) {
            return "8";
        }
        return null;
    }
}
