import { postJson } from './http.js';
import { type ChannelSend, unconfigured } from './types.js';

const PD_SEVERITY: Record<string, string> = { SEV1: 'critical', SEV2: 'error', SEV3: 'warning', SEV4: 'info' };

/**
 * A PagerDuty Events API v2 trigger: the person's pager address is the routing key and
 * the incident id the dedup key, so a pager provider folds repeats into one page.
 */
export function pagerBody(message: Parameters<ChannelSend>[0]): string {
  const { incident } = message;
  return JSON.stringify({
    routing_key: message.address,
    event_action: 'trigger',
    dedup_key: incident.id,
    payload: {
      summary: message.rendered.summary.slice(0, 1024),
      source: 'klaxon',
      severity: PD_SEVERITY[incident.severity] ?? 'error',
      component: incident.service ?? undefined,
      custom_details: {
        incidentId: incident.id,
        incidentNumber: incident.number,
        status: incident.status,
        purpose: message.purpose,
        notificationId: message.notificationId,
      },
    },
    ...(message.link ? { links: [{ href: message.link, text: `Incident #${incident.number}` }] } : {}),
  });
}

/** Pager: an outbound call to the configured endpoint (KLAXON_PAGER_URL). */
export function pagerChannel(url: string | undefined, timeoutMs: number): ChannelSend {
  return async (message) => {
    if (!url) return unconfigured('no pager endpoint is configured (KLAXON_PAGER_URL)');
    return postJson(url, pagerBody(message), { 'idempotency-key': message.idempotencyKey }, timeoutMs, 'pager endpoint');
  };
}
