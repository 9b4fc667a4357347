import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';

/**
 * Every environment variable Klaxon reads, with its default. This module is the
 * only reader of process.env; the README's configuration table mirrors it.
 */
// `SEV1=5m,SEV3=2h`: a positive number of seconds, minutes or hours per severity. Zero is refused: a
// status update due every 0 s would re-arm its reminder at once, forever.
const TARGETS_PATTERN = '^SEV[1-4]=[1-9][0-9]{0,5}[smh](,SEV[1-4]=[1-9][0-9]{0,5}[smh])*$';

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'HTTP port' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to listen on (0.0.0.0 for all)' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
    description: 'pino log level',
  }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; unset = embedded PostgreSQL' })),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'pg pool size' }),
  KLAXON_DATA_DIR: Type.String({ minLength: 1, default: './.klaxon', description: 'Embedded PostgreSQL data' }),
  KLAXON_EMBEDDED_PG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 54329, description: 'Embedded PostgreSQL port' }),
  KLAXON_BODY_LIMIT: Type.Integer({
    minimum: 1024,
    maximum: 64 * 1024 * 1024,
    default: 1024 * 1024,
    description: 'Max request body bytes',
  }),
  KLAXON_ADMIN_KEY: Type.Optional(
    Type.String({ minLength: 24, maxLength: 256, pattern: '^[\\x21-\\x7e]+$', description: 'Ensures an admin API key with this secret' }),
  ),
  KLAXON_MIGRATE_ON_START: Type.Boolean({ default: true, description: 'Run migrations when the server starts' }),
  KLAXON_WORKER_CONCURRENCY: Type.Integer({
    minimum: 0,
    maximum: 64,
    default: 4,
    description: 'Job runner concurrency; 0 disables the runner',
  }),
  KLAXON_HEAP_GROWTH_PERCENT: Type.Integer({
    minimum: 0,
    maximum: 1000,
    default: 50,
    description: "How far the JS heap may grow past what a full GC kept before the next one (V8's heap growing percent); 0 = V8's own",
  }),
  KLAXON_SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000, description: 'Grace period on SIGTERM' }),
  KLAXON_PUBLIC_URL: Type.Optional(
    Type.String({ pattern: '^https?://[^\\s]+$', description: 'Base URL senders use; unset = from the request' }),
  ),
  KLAXON_DELIVERY_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 7, description: 'Days webhook deliveries are kept' }),
  KLAXON_DELIVERY_BODY_MAX: Type.Integer({
    minimum: 0,
    maximum: 1024 * 1024,
    default: 8192,
    description: 'Bytes of each delivery body kept for audit',
  }),
  KLAXON_REVOKED_KEY_RETENTION_DAYS: Type.Integer({
    minimum: 1,
    maximum: 3650,
    default: 30,
    description: 'Days revoked API keys are kept',
  }),
  KLAXON_ACK_TARGETS: Type.String({
    pattern: TARGETS_PATTERN,
    default: 'SEV1=5m,SEV2=15m,SEV3=1h,SEV4=4h',
    description: 'Acknowledgement target per severity (the seeds); severities left out keep theirs',
  }),
  KLAXON_UPDATE_CADENCE: Type.String({
    pattern: TARGETS_PATTERN,
    default: 'SEV1=15m,SEV2=30m,SEV3=2h,SEV4=24h',
    description: 'How often a status update is due per severity (the seeds); severities left out keep theirs',
  }),
  KLAXON_DEPLOY_HINT_MINUTES: Type.Integer({
    minimum: 0,
    maximum: 1440,
    default: 30,
    description: 'A deploy this many minutes before an incident opened is hinted as a rollback candidate',
  }),
  KLAXON_CHANGE_LOOKBACK_HOURS: Type.Integer({
    minimum: 1,
    maximum: 168,
    default: 6,
    description: 'Hours before an incident opened whose changes to its service it shows',
  }),
  KLAXON_METRICS_PUBLIC: Type.Boolean({ default: false, description: 'Serve /metrics without an API key' }),
  SMTP_URL: Type.Optional(
    Type.String({
      pattern: '^smtps?://',
      description: 'SMTP server for email notifications (smtp[s]://user:pass@host:port); unset = no email',
    }),
  ),
  KLAXON_MAIL_FROM: Type.String({ minLength: 3, default: 'Klaxon <klaxon@localhost>', description: 'From address of notification email' }),
  KLAXON_CHAT_WEBHOOKS: Type.Optional(
    Type.String({ minLength: 2, description: 'JSON object from chat channel name to its incoming-webhook URL' }),
  ),
  KLAXON_PAGER_URL: Type.Optional(
    Type.String({ pattern: '^https?://[^\\s]+$', description: 'Pager endpoint (PagerDuty Events API v2 compatible); unset = no pager' }),
  ),
  KLAXON_NOTIFY_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 50, default: 6, description: 'Attempts before a notification fails' }),
  KLAXON_NOTIFY_RETRY_BASE_MS: Type.Integer({
    minimum: 1,
    maximum: 3_600_000,
    default: 5000,
    description: 'First retry delay; doubles per attempt',
  }),
  KLAXON_NOTIFY_RETRY_MAX_MS: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 300_000, description: 'Longest retry delay' }),
  KLAXON_NOTIFY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Time limit of one send' }),
  KLAXON_THROTTLE_LIMIT: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    default: 10,
    description: 'Notifications one person receives per throttle window before the rest are folded into a digest',
  }),
  KLAXON_THROTTLE_WINDOW_SECONDS: Type.Integer({ minimum: 10, maximum: 86_400, default: 900, description: 'Throttle window' }),
});

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads, converts and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(ConfigSchema.properties)) {
    const raw = env[name];
    // An empty variable means "not set", as in most shells' `FOO= cmd`.
    if (raw === undefined || raw === '') {
      if ('default' in schema) out[name] = schema.default;
      continue;
    }
    // TypeBox converts `12.5` to 12 and `0x10` to 16: an integer must be written as one.
    const numeral = (schema as { type?: unknown }).type !== 'integer' || /^-?\d+$/.test(raw.trim());
    const value = Value.Convert(schema, raw);
    if (numeral && Value.Check(schema, value)) {
      out[name] = value;
      continue;
    }
    const shown = SECRET.has(name) ? '<redacted>' : JSON.stringify(raw);
    problems.push(`${name}=${shown}: ${explain(schema)}`);
  }
  if (typeof out.KLAXON_CHAT_WEBHOOKS === 'string') {
    const parsed = parseChatWebhooks(out.KLAXON_CHAT_WEBHOOKS);
    if (typeof parsed === 'string') problems.push(`KLAXON_CHAT_WEBHOOKS=<redacted>: ${parsed}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}

/** Variables whose values are credentials: never echoed in an error. */
const SECRET = new Set(['KLAXON_ADMIN_KEY', 'SMTP_URL', 'KLAXON_CHAT_WEBHOOKS']);

/**
 * KLAXON_CHAT_WEBHOOKS as a map from channel name (`#incidents`) to incoming-webhook URL,
 * or a sentence saying what is wrong with it (the URLs are credentials: never quoted).
 */
export function parseChatWebhooks(raw: string): Record<string, string> | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'must be a JSON object like {"#incidents": "https://hooks.example.com/…"}';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object of channel → URL';
  const out: Record<string, string> = {};
  for (const [channel, url] of Object.entries(value)) {
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) return `the URL of ${JSON.stringify(channel)} must be an http(s) URL`;
    out[channel] = url;
  }
  return out;
}

/** A readable expectation for a variable's schema ("an integer from 0 to 65535"). */
function explain(schema: {
  enum?: unknown[];
  type?: string;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
}): string {
  if (schema.enum) return `must be one of ${schema.enum.join(', ')}`;
  if (schema.type === 'integer') return `must be an integer from ${schema.minimum} to ${schema.maximum}`;
  if (schema.type === 'boolean') return 'must be true or false';
  if (schema.pattern) return `must match ${schema.pattern}${schema.minLength ? ` and be at least ${schema.minLength} characters` : ''}`;
  return `must be a string of at least ${schema.minLength ?? 0} characters`;
}
