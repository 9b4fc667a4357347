import { type Config, parseChatWebhooks } from '../config.js';
import { type IncidentPolicy, incidentPolicyFrom } from '../incidents/policy.js';
import type { ChannelSettings } from './channels/index.js';
import type { ThrottleSettings } from './throttle.js';

/** How notifications are sent: channels, retries, throttle. Built from Config once per process. */
export interface NotifySettings extends ChannelSettings {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  throttle: ThrottleSettings;
  /**
   * A send claimed longer ago than this is taken to have died with its process and is retried
   * (a send is bounded by KLAXON_NOTIFY_TIMEOUT_MS per network phase, so 3× that and 2 s more).
   */
  claimTimeoutMs: number;
  /** Base of links to incidents in messages (KLAXON_PUBLIC_URL). */
  publicUrl?: string;
  /** The acknowledgement targets and update cadence messages state. */
  policy: IncidentPolicy;
}

export function notifySettings(config: Partial<Config>): NotifySettings {
  const chat = config.KLAXON_CHAT_WEBHOOKS ? parseChatWebhooks(config.KLAXON_CHAT_WEBHOOKS) : {};
  const timeoutMs = config.KLAXON_NOTIFY_TIMEOUT_MS ?? 10_000;
  return {
    smtpUrl: config.SMTP_URL,
    mailFrom: config.KLAXON_MAIL_FROM ?? 'Klaxon <klaxon@localhost>',
    chatWebhooks: typeof chat === 'string' ? {} : chat,
    pagerUrl: config.KLAXON_PAGER_URL,
    timeoutMs,
    maxAttempts: config.KLAXON_NOTIFY_MAX_ATTEMPTS ?? 6,
    retryBaseMs: config.KLAXON_NOTIFY_RETRY_BASE_MS ?? 5000,
    retryMaxMs: config.KLAXON_NOTIFY_RETRY_MAX_MS ?? 300_000,
    throttle: { limit: config.KLAXON_THROTTLE_LIMIT ?? 10, windowSeconds: config.KLAXON_THROTTLE_WINDOW_SECONDS ?? 900 },
    claimTimeoutMs: timeoutMs * 3 + 2000,
    publicUrl: config.KLAXON_PUBLIC_URL,
    policy: incidentPolicyFrom(config),
  };
}

/** Exponential backoff: base, 2×base, 4×base … capped. `attempt` is the attempt that just failed (1-based). */
export function retryDelayMs(attempt: number, s: Pick<NotifySettings, 'retryBaseMs' | 'retryMaxMs'>): number {
  return Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}
