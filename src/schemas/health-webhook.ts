/**
 * The health webhook body as documented: the formats the health adapter recognises
 * (src/ingest/health/), described loosely — the adapter decides — with the key names
 * taken from the adapter itself so the two cannot drift apart.
 */
import { Type } from 'typebox';
import { GATUS_NAME_KEYS, GATUS_STATUS_KEYS } from '../ingest/health/gatus.js';
import { HC_CODE_KEYS, HC_STATUS_KEYS } from '../ingest/health/healthchecks.js';
import { HealthCheckSchema } from '../ingest/health/index.js';
import { MAX_KEY_LENGTH, MAX_VALUE_LENGTH } from '../ingest/limits.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T, description: string) =>
  Type.Optional(Type.Union([schema, Type.Null()], { description }));
const NullableText = (description: string, maxLength = MAX_VALUE_LENGTH) => nullable(Type.String({ maxLength }), description);
/** A field the adapter reads whatever it holds (or ignores when it is not what it expects): documented, not typed. */
const Described = (description: string) => Type.Optional(Type.Unknown({ description }));
/** "One of these keys is present": one branch per key name, the key's value checked as `value`. */
const oneOfKeys = (keys: readonly string[], value: () => unknown, description: string) => ({
  description,
  anyOf: keys.map((key) => ({ required: [key], properties: { [key]: value() } })),
});
const aliases = (keys: readonly string[]) => keys.map((k) => `\`${k}\``).join(', ');

// Key names as src/ingest/health/healthchecks.ts and gatus.ts read them, first-read first.

const KumaHeartbeat = Type.Object(
  {
    status: Type.Enum([0, 1, 2, 3], {
      type: 'integer',
      description: '0 down (fires), 1 up (resolves), 2 pending and 3 maintenance (change nothing)',
    }),
    time: NullableText('"YYYY-MM-DD HH:mm:ss.SSS", UTC without a zone; the observation time', 64),
    msg: NullableText('Becomes the alert message'),
  },
  { description: "Kuma's Heartbeat.toJSON(); other fields are ignored" },
);
const KumaMonitor = Type.Object(
  {
    id: Type.Union([Type.Number(), Type.String({ maxLength: MAX_KEY_LENGTH })], { description: 'The identity: kuma:<id>' }),
    name: NullableText('The alert title'),
    type: NullableText('Becomes the monitor_type label', MAX_KEY_LENGTH),
    url: NullableText('The target; the form\'s placeholder "https://", which non-HTTP monitors keep, gives way to hostname'),
    hostname: NullableText('The target when url is not a URL'),
    tags: Described('Array of {name, value}: they become labels (the service tag names the service); anything else is ignored'),
  },
  { description: "Kuma's Monitor.toJSON(); other fields are ignored" },
);

export const UptimeKumaWebhookSchema = Type.Union(
  [
    Type.Object(
      { heartbeat: KumaHeartbeat, monitor: KumaMonitor, msg: Described('The notification text; not read') },
      { title: 'Uptime Kuma monitor event', description: 'heartbeat and monitor are both required, as objects' },
    ),
    Type.Object(
      {
        heartbeat: Type.Optional(Type.Null()),
        monitor: Type.Optional(Type.Null()),
        msg: Described("The notice, kept in the delivery's note"),
      },
      {
        title: 'Uptime Kuma test or notice',
        description:
          'The Test button and certificate notices: heartbeat and monitor null, or left out with a lone msg string. ' +
          'Accepted with a note, no alert. Unless the integration pins uptime-kuma, the body must have both null keys or only msg.',
        anyOf: [
          { required: ['heartbeat'], properties: { heartbeat: Type.Null() } },
          { required: ['monitor'], properties: { monitor: Type.Null() } },
          { required: ['msg'], properties: { msg: Type.String() } },
        ],
      },
    ),
  ],
  {
    title: 'Uptime Kuma',
    description:
      'Uptime Kuma\'s webhook notification {heartbeat, monitor, msg} (Post Body "Preset - application/json"). Identity kuma:<monitor.id>.',
  },
);

const HcCheckFields = {
  name: NullableText("The check's name: the alert title (the uuid when empty)"),
  tags: NullableText('Space-separated words; key:value tags become labels, service:x names the service'),
  desc: NullableText('Becomes the alert message'),
  status: NullableText('new, up, grace, down, paused (v1 also started): down fires, up resolves, the others change nothing', 32),
  uuid: Described('The check uuid (v3); older versions have it only at the end of ping_url'),
};
/** What marks a check object: ping_url or update_url, a string. */
const hcCheckMarker = {
  anyOf: [
    { required: ['ping_url'], properties: { ping_url: Type.String() } },
    { required: ['update_url'], properties: { update_url: Type.String() } },
  ],
};
const HC_CHECK_REFUSED =
  'Refused when no uuid can be read from uuid, ping_url or update_url, or when a second check object with another uuid is present.';

export const HealthchecksWebhookSchema = Type.Union(
  [
    Type.Object(HcCheckFields, {
      title: 'healthchecks.io $JSON check object',
      description: `The body is $JSON, the check object ("Get a Single Check"). Required: ping_url or update_url. Its status is the state. ${HC_CHECK_REFUSED}`,
      ...hcCheckMarker,
    }),
    Type.Object(
      {
        now: NullableText('$NOW (RFC 3339): the observation time; also read under `time`, `timestamp` or `date`', 64),
        status: Described("$STATUS: up or down (any case) wins over the check object's own status, which is read otherwise"),
      },
      {
        title: 'healthchecks.io $JSON nested',
        description:
          'The check object nested under any key up to four levels down, e.g. healthchecks.io\'s {"now": "$NOW", "check": $JSON} ' +
          'or {"text": "$NAME is $STATUS", "data": $JSON}. The schema only says that some property holds an object or array; ' +
          `where the check object is, the adapter finds. ${HC_CHECK_REFUSED}`,
        not: { additionalProperties: { not: { type: ['object', 'array'] } } },
      },
    ),
    Type.Object(
      {
        source: Described('"healthchecks" (Klaxon\'s template) decides the format alone'),
        name: NullableText('$NAME_JSON: the alert title; also read under `check_name`'),
        now: NullableText('$NOW (RFC 3339): the observation time; also read under `time`, `timestamp` or `date`', 64),
        tags: NullableText('$TAGS: space-separated words; key:value tags become labels, service:x names the service'),
      },
      {
        title: 'healthchecks.io template',
        description:
          'A template with healthchecks.io\'s variables, like Klaxon\'s {"source": "healthchecks", "code": "$CODE", "name": $NAME_JSON, ' +
          '"status": "$STATUS", "now": "$NOW", "tags": "$TAGS"}. Required: the check uuid ($CODE) under one of ' +
          `${aliases(HC_CODE_KEYS)} and $STATUS (up or down, any case) under one of ${aliases(HC_STATUS_KEYS)}; ` +
          'the adapter reads the first of those keys present, so another value under an earlier key is refused.',
        allOf: [
          oneOfKeys(HC_CODE_KEYS, () => Type.String({ format: 'uuid' }), '$CODE: the check uuid, the identity hc:<uuid>'),
          oneOfKeys(HC_STATUS_KEYS, () => Type.String({ maxLength: 32, examples: ['down', 'up'] }), '$STATUS: down fires, up resolves'),
        ],
      },
    ),
  ],
  {
    title: 'healthchecks.io',
    description: 'A healthchecks.io webhook body (the Request Body you write in its Webhook integration). Identity hc:<check uuid>.',
  },
);

export const GatusWebhookSchema = Type.Object(
  {
    source: Described('"gatus" (Klaxon\'s template) decides the format alone, and lets the status be down, degraded or up too'),
    group: NullableText('[ENDPOINT_GROUP]; endpoint_group or endpointGroup, when present, are read instead', MAX_KEY_LENGTH),
    url: NullableText('[ENDPOINT_URL]: the target; endpoint_url or endpointUrl, when present, are read instead'),
    description: NullableText(
      '[ALERT_DESCRIPTION]: the alert message; alert_description or alertDescription, when present, are read instead',
    ),
    errors: NullableText('[RESULT_ERRORS]: kept as an annotation; result_errors or resultErrors, when present, are read instead'),
  },
  {
    title: 'Gatus',
    description:
      'A Gatus custom alert body, a template with Gatus\'s placeholders, like Klaxon\'s {"source":"gatus","group":"[ENDPOINT_GROUP]",' +
      '"name":"[ENDPOINT_NAME]","status":"[ALERT_TRIGGERED_OR_RESOLVED]","url":"[ENDPOINT_URL]","description":"[ALERT_DESCRIPTION]"}. ' +
      `Required: [ENDPOINT_NAME] under one of ${aliases(GATUS_NAME_KEYS)}, and [ALERT_TRIGGERED_OR_RESOLVED] under one of ` +
      `${aliases(GATUS_STATUS_KEYS)}: TRIGGERED fires, RESOLVED resolves (any case; with source "gatus" or a pinned format, down, ` +
      'degraded and up are read too). The adapter reads the first of those keys present; the schema does not check the status word. ' +
      'Identity gatus:<group>/<name>.',
    allOf: [
      oneOfKeys(GATUS_NAME_KEYS, () => Type.String({ minLength: 1, maxLength: MAX_KEY_LENGTH }), '[ENDPOINT_NAME]'),
      oneOfKeys(
        GATUS_STATUS_KEYS,
        () => Type.String({ maxLength: 32, examples: ['TRIGGERED', 'RESOLVED'] }),
        '[ALERT_TRIGGERED_OR_RESOLVED]',
      ),
    ],
  },
);

/** Klaxon's own format (HealthCheckSchema, from the adapter), described for its place among the others. */
const GenericHealthCheckSchema = {
  ...HealthCheckSchema,
  description:
    "Klaxon's generic format, for checkers that can send any JSON. Required: check_id and status (down, degraded, up, " +
    'maintenance or unknown). Identity check:<check_id>.',
};

/**
 * The health webhook body as application/json: one of the formats adaptHealth decodes
 * (src/ingest/health/). Loose where the adapter's rules are not schema-shaped; the adapter decides.
 */
export const HealthWebhookBodySchema = Type.Union(
  [GenericHealthCheckSchema, UptimeKumaWebhookSchema, HealthchecksWebhookSchema, GatusWebhookSchema],
  {
    title: 'HealthWebhookBody',
    description:
      'One of the formats below, recognised by shape: check_id (generic); heartbeat and monitor, or a lone msg (Uptime Kuma); ' +
      'a check uuid with up/down, or the $JSON check object (healthchecks.io); TRIGGERED/RESOLVED under a status key (Gatus). ' +
      'A "source" of "healthchecks" or "gatus" decides alone. A body with the signals of two formats is refused unless the ' +
      'integration pins its format (then only that format is read). Unknown fields are ignored. These schemas are looser than ' +
      'the adapter, which is the authority: its 400 names what is missing. See docs/integrations.md.',
  },
);

/** The health webhook request body by media type: JSON, or the same text sent as text/plain or with no Content-Type. */
export const HealthWebhookBodyContent = {
  content: {
    'application/json': { schema: HealthWebhookBodySchema },
    'text/plain': {
      schema: Type.String({
        description:
          'The same JSON text sent as text/plain, or with no Content-Type (healthchecks.io sends none unless told to): ' +
          'Klaxon reads every webhook body as text and parses it. A Gatus body made invalid JSON by an unescaped " or \\ ' +
          'in a value is still read when it is a flat object with "source":"gatus" or TRIGGERED/RESOLVED under a status key ' +
          '(any flat object when the integration pins gatus; never when it pins another format).',
      }),
    },
  },
};
