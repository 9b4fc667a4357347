import nodemailer from 'nodemailer';
import { type ChannelSend, permanent, retryable, sent, unconfigured } from './types.js';

const RETRY_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/** nodemailer's error to a result: SMTP 4xx and connection trouble are retried, 5xx and the rest are not. */
export function classifySmtpError(err: unknown, secret?: string): ReturnType<typeof permanent> {
  const e = err as { code?: string; responseCode?: number; message?: string };
  let message = `SMTP: ${e.message ?? String(err)}`.slice(0, 500);
  if (secret) message = message.replaceAll(secret, '***');
  if (typeof e.responseCode === 'number') {
    return e.responseCode >= 400 && e.responseCode < 500 ? retryable(message) : permanent(message);
  }
  return e.code && RETRY_CODES.has(e.code) ? retryable(message) : permanent(message);
}

/**
 * Email over SMTP (SMTP_URL): subject with severity, number and title; text and HTML
 * bodies from the seeds' templates; `X-Klaxon-Incident` names the incident, and the
 * Message-ID is the notification's, so a resend after a crash mid-send is recognisable.
 */
export function emailChannel(smtpUrl: string | undefined, from: string, timeoutMs: number): ChannelSend {
  if (!smtpUrl) return async () => unconfigured('email is not configured (SMTP_URL is unset)');
  const password = passwordOf(smtpUrl);
  const transport = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as object);
  return async (message) => {
    try {
      await transport.sendMail({
        from,
        to: message.address,
        subject: message.rendered.subject,
        text: message.rendered.text,
        html: message.rendered.html,
        messageId: `<${message.notificationId}@klaxon>`,
        headers: { 'X-Klaxon-Incident': message.incident.id, 'X-Klaxon-Notification': message.notificationId },
      });
      return sent;
    } catch (err) {
      return classifySmtpError(err, password);
    }
  };
}

function passwordOf(url: string): string | undefined {
  try {
    const p = decodeURIComponent(new URL(url).password);
    return p.length > 0 ? p : undefined;
  } catch {
    return undefined;
  }
}
