import { type Logger, type LoggerOptions, pino } from 'pino';

const REDACTED = '<redacted>';

/** A path segment as the router may read it: percent-decoded (when it decodes) and lower-cased. */
function canonical(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/**
 * The URL with path-borne keys masked and the query string elided, for logs and
 * problem bodies. Keys travel as the segment after `/v1/webhooks/<source>/` or
 * `/v1/heartbeats/`; that position is found whatever form the URL takes (double
 * slashes, other letter case, percent-encoding, routes that do not exist), and
 * any segment that looks like a Klaxon key (`klx_…`) is masked wherever it is.
 */
export function redactRequestUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 || q === url.length - 1 ? '' : '?…';
  const segments = path.split('/');
  const words = segments.map(canonical);
  // The first meaningful segments, ignoring empty ones from repeated slashes.
  const named = words.map((w, i) => [w, i] as const).filter(([w]) => w !== '' && w !== '.');
  const at = (n: number) => named[n]?.[0];
  let secretFrom = Infinity;
  if (at(0) === 'v1' && at(1) === 'webhooks' && named[3]) secretFrom = named[3][1];
  if (at(0) === 'v1' && at(1) === 'heartbeats' && named[2]) secretFrom = named[2][1];
  const masked = segments.map((s, i) => ((i >= secretFrom && s !== '') || words[i]!.includes('klx_') ? REDACTED : s));
  return masked.join('/') + query;
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
