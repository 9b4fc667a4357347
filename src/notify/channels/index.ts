import type { Channel } from '../outbox.js';
import { chatChannel } from './chat.js';
import { emailChannel } from './email.js';
import { pagerChannel } from './pager.js';
import type { ChannelSend } from './types.js';
import { webhookChannel } from './webhook.js';

export type { ChannelSend, OutboundMessage, SendResult } from './types.js';

export interface ChannelSettings {
  smtpUrl?: string;
  mailFrom: string;
  chatWebhooks: Record<string, string>;
  pagerUrl?: string;
  timeoutMs: number;
}

export type Channels = Record<Channel, ChannelSend>;

/** The four channels, configured once per process. */
export function createChannels(s: ChannelSettings): Channels {
  return {
    email: emailChannel(s.smtpUrl, s.mailFrom, s.timeoutMs),
    chat: chatChannel(s.chatWebhooks, s.timeoutMs),
    pager: pagerChannel(s.pagerUrl, s.timeoutMs),
    webhook: webhookChannel(s.timeoutMs),
  };
}
