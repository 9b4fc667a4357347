import type { Channel } from '../outbox.js';
import type { IncidentFacts, Rendered } from '../render.js';

/** What one send came to: the job runner owns retries, a channel only says which kind of failure. */
export type SendResult =
  | { outcome: 'sent' }
  | { outcome: 'retryable'; error: string }
  /** `unconfigured`: Klaxon has no address for this channel at all (no SMTP_URL, no chat webhook, no pager URL). */
  | { outcome: 'permanent'; error: string; unconfigured?: true };

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
/**
 * A permanent failure that is a configuration gap, not a delivery failure: recorded as failed, but
 * it does not fire the next step at once — that cannot fix the configuration, and it would re-page
 * people the step already reached (the shipped SEV1 policy posts to #incidents beside its page).
 */
export const unconfigured = (error: string): SendResult => ({ outcome: 'permanent', error, unconfigured: true });
