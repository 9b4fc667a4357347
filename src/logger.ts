import { pino, type Logger, type LoggerOptions } from 'pino';

/** Paths whose last segment is a secret: webhook and heartbeat keys may travel in the URL. */
const SECRET_PATH = /^(\/v1\/(?:webhooks\/[^/?]+|heartbeats))\/[^/?]+/;

/** The URL with path-borne keys masked and the query string elided, for logs and problem bodies. */
export function redactRequestUrl(url: string): string {
  const noQuery = url.replace(/\?.*$/, (q) => (q.length > 1 ? '?…' : ''));
  return noQuery.replace(SECRET_PATH, '$1/<redacted>');
}

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-klaxon-signature"]',
  'req.headers.cookie',
  'headers.authorization',
  'key',
  '*.key',
  'secret',
  '*.secret',
  'password',
  '*.password',
];

/** pino options: secrets redacted, request URLs masked, pretty output only on a TTY. */
export function loggerOptions(level: string, pretty = process.stdout.isTTY === true): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req(req: { method: string; url: string; ip?: string; headers: Record<string, unknown> }) {
        return {
          method: req.method,
          url: redactRequestUrl(req.url),
          remoteAddress: req.ip,
          userAgent: req.headers['user-agent'],
        };
      },
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level, false), destination) : pino(loggerOptions(level));
}
