/**
 * The audit log: who did what, when, to which target, with a before/after summary.
 * Public API: {@link com.tallytrack.audit.AuditLog}.
 */
package com.tallytrack.audit;
