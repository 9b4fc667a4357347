import { postJson } from './http.js';
import { type ChannelSend, unconfigured } from './types.js';

const EMOJI: Record<string, string> = {
  SEV1: ':rotating_light:',
  SEV2: ':red_circle:',
  SEV3: ':large_orange_circle:',
  SEV4: ':white_circle:',
};

/**
 * Text from senders (an alert's title) as Slack shows it literally: `&`, `<` and `>` escaped as
 * Slack asks, so a title cannot ping (`<!channel>`) or link (`<https://…|…>`), and no run of three
 * backticks, so it cannot close the code block.
 */
export function chatEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('```', '`\u200b``');
}

/** Slack-compatible incoming-webhook JSON (also accepted by Mattermost, Rocket.Chat, Discord's /slack). */
export function chatBody(message: Parameters<ChannelSend>[0]): string {
  const { incident } = message;
  const rendered = { summary: chatEscape(message.rendered.summary), text: chatEscape(message.rendered.text) };
  const text = `${EMOJI[incident.severity] ?? ''} ${rendered.summary}`.trim();
  return JSON.stringify({
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${text}*\n\`\`\`${rendered.text.trim()}\`\`\`` } },
      ...(message.link ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `<${message.link}|Open in Klaxon>` }] }] : []),
    ],
  });
}

/** Chat: one incoming-webhook URL per channel name (KLAXON_CHAT_WEBHOOKS). */
export function chatChannel(webhooks: Record<string, string>, timeoutMs: number): ChannelSend {
  return async (message) => {
    const url = webhooks[message.address];
    if (!url) return unconfigured(`no incoming-webhook URL is configured for chat channel ${message.address} (KLAXON_CHAT_WEBHOOKS)`);
    return postJson(url, chatBody(message), {}, timeoutMs, `chat webhook for ${message.address}`);
  };
}
