package com.tallytrack.carrier.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/carrier/kuaidi100/callback}: Kuaidi100's pushes (protocol §4.3–4.4). Public (Kuaidi100 holds no
 * account here) but authenticated by the deployment token in the callback URL and the MD5 sign over param + salt.
 * The reply is Kuaidi100's shape: {@code {"result":true,"returnCode":"200","message":"成功"}} once stored; on a
 * refusal {@code result:false} with the HTTP status as {@code returnCode} and the reason, and a 4xx status.
 */
@RestController
class Kuaidi100CallbackController {

    private final CallbackService callbacks;

    Kuaidi100CallbackController(CallbackService callbacks) {
        this.callbacks = callbacks;
    }

    @PostMapping(path = "/api/v1/carrier/kuaidi100/callback", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> callback(@RequestParam(name = "param", required = false) String param,
            @RequestParam(name = "sign", required = false) String sign,
            @RequestParam(name = "token", required = false) String token) {
        CallbackService.Outcome outcome = callbacks.receive(param, sign, token);
        Map<String, Object> body = new LinkedHashMap<>();
        if (outcome.accepted()) {
            body.put("result", true);
            body.put("returnCode", "200");
            body.put("message", "成功");
            return ResponseEntity.ok(body);
        }
        body.put("result", false);
        body.put("returnCode", Integer.toString(outcome.rejection().status()));
        body.put("message", outcome.rejection().reason());
        return ResponseEntity.status(outcome.rejection().status()).body(body);
    }
}
