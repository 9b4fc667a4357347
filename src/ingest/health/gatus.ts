/**
 * Gatus custom alerts. The body is a template the user writes with Gatus's
 * placeholders; it is recognised by `[ALERT_TRIGGERED_OR_RESOLVED]`, which Gatus
 * replaces with `TRIGGERED` or `RESOLVED`, under one of the status keys below.
 * `[ENDPOINT_NAME]` is required, `[ENDPOINT_GROUP]`, `[ENDPOINT_URL]`,
 * `[ALERT_DESCRIPTION]` and `[RESULT_ERRORS]` are read when present.
 * Identity `gatus:<group>/<name>`.
 */
import { clip, MAX_KEY_LENGTH } from '../limits.js';
import { type Check, firstKey, type HealthDecoder, orList, type State, textAt } from './check.js';

// Key names seen in Klaxon's template, Gatus guides and receivers' docs (snake_case, camelCase, short).
export const GATUS_STATUS_KEYS = ['status', 'state', 'alert', 'alert_state', 'alertState', 'event'] as const;
export const GATUS_NAME_KEYS = ['endpoint_name', 'endpointName', 'name', 'endpoint'] as const;
const GROUP_KEYS = ['endpoint_group', 'endpointGroup', 'group'] as const;
const URL_KEYS = ['endpoint_url', 'endpointUrl', 'url'] as const;
const DESCRIPTION_KEYS = ['alert_description', 'alertDescription', 'description'] as const;
const ERRORS_KEYS = ['result_errors', 'resultErrors', 'errors'] as const;

// Also down/degraded/up, for a `placeholders:` override that maps TRIGGERED/RESOLVED to those words.
const STATES: Record<string, State> = { triggered: 'down', resolved: 'up', down: 'down', degraded: 'degraded', up: 'up' };

/** The status key's value, and how a refusal shows it. */
function sentStatus(b: Record<string, unknown>): { key: string; value: string; shown: string } | undefined {
  const key = firstKey(b, GATUS_STATUS_KEYS);
  if (key === undefined) return undefined;
  const value = b[key];
  if (typeof value === 'string') return { key, value, shown: JSON.stringify(clip(value, 64)) };
  return { key, value: '', shown: Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}` };
}

/** The README's Slack example puts the state inside free text: "TRIGGERED: group - name - …". */
function stateInText(b: Record<string, unknown>): string | undefined {
  return ['text', 'message', 'content'].find((k) => typeof b[k] === 'string' && /^\s*(TRIGGERED|RESOLVED)\b/.test(b[k] as string));
}

export const gatus: HealthDecoder = {
  format: 'gatus',
  recognise(b) {
    if (b['source'] === 'gatus') return { signal: 'source "gatus"', marker: true };
    const status = sentStatus(b);
    if (status && /^(TRIGGERED|RESOLVED)$/i.test(status.value)) return { signal: `${status.key} ${status.value}` };
    const inText = stateInText(b);
    if (inText) {
      return {
        missing: `[ALERT_TRIGGERED_OR_RESOLVED] only inside the free text of /${inText}: send it and [ENDPOINT_NAME] under their own keys`,
      };
    }
    const expected = `TRIGGERED or RESOLVED ([ALERT_TRIGGERED_OR_RESOLVED])`;
    return {
      missing: status ? `/${status.key} is ${status.shown}, not ${expected}` : `no ${expected} under ${orList(GATUS_STATUS_KEYS)}`,
    };
  },
  decode(b, issues): Check {
    const name = textAt(b, GATUS_NAME_KEYS, '', issues, MAX_KEY_LENGTH);
    if (!name?.value) {
      issues.push({
        path: name?.path ?? '/name',
        message: `is required: the endpoint name ([ENDPOINT_NAME]) under ${orList(GATUS_NAME_KEYS)}`,
      });
    }
    const status = textAt(b, GATUS_STATUS_KEYS, '', issues, 32);
    const word = status?.value?.toLowerCase() ?? '';
    const state = Object.hasOwn(STATES, word) ? STATES[word] : undefined;
    if (!state) {
      issues.push({
        path: status?.path ?? '/status',
        message: `must be TRIGGERED or RESOLVED ([ALERT_TRIGGERED_OR_RESOLVED], default placeholder values), under ${orList(GATUS_STATUS_KEYS)}`,
      });
    }
    const group = textAt(b, GROUP_KEYS, '', issues, MAX_KEY_LENGTH)?.value ?? '';
    const endpoint = name?.value ?? '';
    const description = textAt(b, DESCRIPTION_KEYS, '', issues)?.value;
    const errors = textAt(b, ERRORS_KEYS, '', issues)?.value;
    return {
      source: 'gatus',
      identity: `gatus:${group}/${endpoint}`,
      name: group ? `${group}/${endpoint}` : endpoint,
      state: state ?? { skip: 'no status' },
      labels: group ? { group, endpoint } : { endpoint },
      observedAt: null,
      message: description || errors || undefined,
      target: textAt(b, URL_KEYS, '', issues)?.value,
      ...(errors ? { details: { errors } } : {}),
    };
  },
};

const KEY = /(?:^\{|,)\s*"([A-Za-z_][\w-]*)"\s*:\s*/g;
const MARKED = /"source"\s*:\s*"gatus"/;
const STATE_VALUE = new RegExp(`"(?:${GATUS_STATUS_KEYS.join('|')})"\\s*:\\s*"(?:TRIGGERED|RESOLVED)"`, 'i');

/**
 * Gatus substitutes placeholders without JSON escaping, so a `"` or `\` in a
 * name or description breaks the JSON. A flat object body that is Gatus's
 * (marked `"source":"gatus"`, or carrying TRIGGERED/RESOLVED under a status
 * key, or any body when the integration pins `gatus`) is read key by key: each
 * value is taken verbatim up to the next `, "key":` (or the closing brace). A
 * value that itself contains text like `, "name":` is cut short there; nothing
 * else is guessed.
 */
export function parseGatusLeniently(text: string, opts: { pinned?: boolean } = {}): Record<string, string> | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  if (!opts.pinned && !MARKED.test(t) && !STATE_VALUE.test(t)) return undefined;
  const marks = [...t.matchAll(KEY)];
  const values = new Map<string, string>();
  marks.forEach((m, i) => {
    const raw = t.slice((m.index ?? 0) + m[0].length, marks[i + 1]?.index ?? t.length - 1).trim();
    const key = m[1] as string;
    if (!values.has(key)) values.set(key, raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw);
  });
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return values.size > 0 ? Object.fromEntries(values) : undefined;
}
