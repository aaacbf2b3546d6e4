package com.tallytrack.audit;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.tallytrack.common.PageResult;

/** {@code GET /api/v1/admin/audit}: the audit log, newest first, paged like the manifest search. */
@RestController
@RequestMapping("/api/v1/admin/audit")
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping
    Map<String, Object> search(@RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String username) {
        PageResult<AuditEntry> result = audit.search(action, username, page, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", result.data());
        body.put("pagination", result.pagination());
        return body;
    }
}
