import type { Channel } from '../outbox.js';
import type { IncidentFacts, Rendered } from '../render.js';

/** What one send came to: the job runner owns retries, a channel only says which kind of failure. */
export type SendResult = { outcome: 'sent' } | { outcome: 'retryable'; error: string } | { outcome: 'permanent'; error: string };

/** Everything a channel needs to deliver one notification. */
export interface OutboundMessage {
  notificationId: string;
  idempotencyKey: string;
  channel: Channel;
  address: string;
  purpose: string;
  /** The incident the notification is about (a digest's newest one). */
  incident: IncidentFacts;
  rendered: Rendered;
  /** Channel webhook only: the HMAC secret (never logged). */
  webhookSecret?: string;
  escalation: { cycle: number; step: number };
  link?: string;
}

/** The one narrow channel contract: deliver, and never throw for a delivery problem. */
export type ChannelSend = (message: OutboundMessage) => Promise<SendResult>;

export const sent: SendResult = { outcome: 'sent' };
export const retryable = (error: string): SendResult => ({ outcome: 'retryable', error });
export const permanent = (error: string): SendResult => ({ outcome: 'permanent', error });
