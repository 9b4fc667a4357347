import { signBody } from '../../ingest/signature.js';
import { postJson } from './http.js';
import type { ChannelSend } from './types.js';

/** The outbound event: what a ticketing system or automation receives. */
export function webhookEvent(message: Parameters<ChannelSend>[0], now: Date): string {
  const { incident } = message;
  return JSON.stringify({
    id: message.notificationId,
    type: `incident.${message.purpose}`,
    createdAt: now.toISOString(),
    incident: {
      id: incident.id,
      number: incident.number,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      service: incident.service,
      openedAt: incident.openedAt.toISOString(),
      ...(message.link ? { url: message.link } : {}),
    },
    escalation: message.escalation,
    message: { subject: message.rendered.subject, text: message.rendered.text },
  });
}

/**
 * A JSON event POSTed to the target's URL, signed like Klaxon's inbound webhooks
 * (`X-Klaxon-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.body">`) when the target has a secret.
 */
export function webhookChannel(timeoutMs: number, clock: () => Date = () => new Date()): ChannelSend {
  return async (message) => {
    const now = clock();
    const body = webhookEvent(message, now);
    const headers: Record<string, string> = {
      'x-klaxon-event': `incident.${message.purpose}`,
      'idempotency-key': message.idempotencyKey,
    };
    if (message.webhookSecret) headers['x-klaxon-signature'] = signBody(message.webhookSecret, body, Math.floor(now.getTime() / 1000));
    return postJson(message.address, body, headers, timeoutMs, 'webhook');
  };
}
