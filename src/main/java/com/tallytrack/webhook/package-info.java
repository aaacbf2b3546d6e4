/**
 * Outgoing webhooks (PRODUCT §6a): the consolidator's own systems (shop, ERP, notifier) register an HTTPS endpoint and
 * receive signed {@code milestone.changed} and {@code package.flagged} events. Events are written to a persisted
 * outbox in the transaction that produced them and delivered at least once by a worker on every node; targets on
 * loopback, private or link-local addresses are refused. Admin API: {@code /api/v1/admin/webhooks}. No other module
 * depends on this one: it listens to {@link com.tallytrack.carrier.MilestoneChanged} and
 * {@link com.tallytrack.packages.PackageFlagged}.
 */
package com.tallytrack.webhook;
