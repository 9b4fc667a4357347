/**
 * healthchecks.io webhook bodies. The body is a template the user writes with
 * healthchecks' variables; it is recognised by what those variables produce:
 *
 * - `$JSON`, the check object (the API's "Get a Single Check"), at the top or
 *   nested under any key (`{"now": "$NOW", "check": $JSON}`): its uuid is in
 *   `uuid` or at the end of `ping_url`/`update_url`;
 * - or `$CODE` (a uuid) with `$STATUS` (`up`/`down`) at the top level, under
 *   the key names listed below; `$NAME_JSON`/`$NAME`, `$NOW` and `$TAGS` add to it.
 *
 * Identity `hc:<check uuid>`. A top-level `$STATUS` wins over the check object's
 * `status`, which is read at send time and can already have moved on.
 */
import { isRecord, optionalText, pointer, tagsToLabels } from '../limits.js';
import type { PayloadIssue } from '../types.js';
import { type Check, firstKey, type HealthDecoder, orList, type State, textAt, time } from './check.js';

export const HC_CODE_KEYS = ['code', 'uuid', 'check_uuid', 'check_code', 'id'] as const;
export const HC_STATUS_KEYS = ['status', 'state', 'event', 'check_status'] as const;
const NAME_KEYS = ['name', 'check_name'] as const;
const NOW_KEYS = ['now', 'time', 'timestamp', 'date'] as const;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const IS_UUID = new RegExp(`^${UUID.source}$`, 'i');
// A sender nests $JSON a level or two down; the bounds keep a hostile body from costing a walk of everything.
const MAX_DEPTH = 4;
const MAX_NODES = 256;

interface Located {
  obj: Record<string, unknown>;
  path: string;
}

/** Every $JSON check object in the body, shallowest first (one that has `ping_url` or `update_url`). */
function checkObjects(body: Record<string, unknown>): Located[] {
  const found: Located[] = [];
  const queue: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 0 }];
  for (let seen = 0; queue.length > 0 && seen < MAX_NODES; seen++) {
    const { value, path, depth } = queue.shift()!;
    if (isRecord(value) && (typeof value['ping_url'] === 'string' || typeof value['update_url'] === 'string')) {
      found.push({ obj: value, path });
      continue;
    }
    if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) continue;
    for (const [key, child] of Object.entries(value)) {
      if (typeof child === 'object' && child !== null) queue.push({ value: child, path: pointer(path, key), depth: depth + 1 });
    }
  }
  return found;
}

function uuidOf(check: Record<string, unknown>): string | undefined {
  const uuid = check['uuid'];
  if (typeof uuid === 'string' && IS_UUID.test(uuid)) return uuid.toLowerCase();
  for (const key of ['ping_url', 'update_url']) {
    const url = check[key];
    const m = typeof url === 'string' ? UUID.exec(url) : null;
    if (m) return m[0].toLowerCase();
  }
  return undefined;
}

const where = (path: string) => (path === '' ? 'at the top level' : `at ${path}`);

/** `$STATUS` as sent: `up` or `down` under one of the status keys. */
function templateStatus(b: Record<string, unknown>): { key: string; value: 'up' | 'down' } | undefined {
  const key = firstKey(b, HC_STATUS_KEYS);
  const value = key === undefined ? undefined : b[key];
  const s = typeof value === 'string' ? value.toLowerCase() : '';
  return key !== undefined && (s === 'up' || s === 'down') ? { key, value: s } : undefined;
}

function templateCode(b: Record<string, unknown>): string | undefined {
  const key = firstKey(b, HC_CODE_KEYS);
  const value = key === undefined ? undefined : b[key];
  return typeof value === 'string' && IS_UUID.test(value) ? key : undefined;
}

/** The check object's own status: `new`, `up`, `grace`, `down`, `paused` (v1 also `started`). */
function objectState(status: string | undefined): Check['state'] {
  return status === 'down' || status === 'up' ? status : { skip: `status ${status ?? 'missing'}` };
}

/** `$CODE` from the template keys and/or the check object's uuid; beside a check object, a key that holds no uuid is someone else's. */
function readCode(b: Record<string, unknown>, check: Located | undefined, issues: PayloadIssue[]): string {
  const key = firstKey(b, HC_CODE_KEYS);
  const path = pointer('', key ?? 'code');
  const value = key === undefined ? undefined : b[key];
  const sent = typeof value === 'string' && IS_UUID.test(value) ? value.toLowerCase() : undefined;
  const fromObject = check && uuidOf(check.obj);
  if (!check && key === undefined) {
    issues.push({ path, message: `is required: the check uuid ($CODE) under ${orList(HC_CODE_KEYS)}, or the $JSON check object` });
  } else if (!check && !sent) {
    issues.push({ path, message: 'must hold the check uuid ($CODE)' });
  } else if (check && !fromObject && !sent) {
    issues.push({ path: pointer(check.path, 'ping_url'), message: 'must hold the check uuid ($CODE)' });
  } else if (check && sent && fromObject && sent !== fromObject) {
    issues.push({ path, message: `is ${sent} but the $JSON check object ${where(check.path)} is ${fromObject}` });
  }
  return sent ?? fromObject ?? '';
}

function readState(b: Record<string, unknown>, check: Located | undefined, issues: PayloadIssue[]): Check['state'] {
  if (check?.path === '') return objectState(optionalText(check.obj['status'], '/status', issues, 32));
  const sent = templateStatus(b);
  if (sent) return sent.value as State;
  if (check) return objectState(optionalText(check.obj['status'], pointer(check.path, 'status'), issues, 32));
  const key = firstKey(b, HC_STATUS_KEYS);
  issues.push({ path: pointer('', key ?? 'status'), message: `must be up or down ($STATUS) under ${orList(HC_STATUS_KEYS)}` });
  return { skip: 'no status' };
}

export const healthchecks: HealthDecoder = {
  format: 'healthchecks',
  recognise(b) {
    if (b['source'] === 'healthchecks') return { signal: 'source "healthchecks"', marker: true };
    const [check] = checkObjects(b);
    if (check) return { signal: `the $JSON check object ${where(check.path)}` };
    const code = templateCode(b);
    const status = templateStatus(b);
    if (code && status) return { signal: `a check uuid at /${code} and $STATUS ${status.value} at /${status.key}` };
    if (code) return { missing: `a check uuid at /${code} but no $STATUS up/down under ${orList(HC_STATUS_KEYS)}` };
    const uuidHint = `no check uuid ($CODE) under ${orList(HC_CODE_KEYS)} and no $JSON check object`;
    return { missing: status ? `status ${status.value} but ${uuidHint}` : uuidHint };
  },
  decode(b, issues): Check {
    const checks = checkObjects(b);
    const check = checks[0];
    const other = checks.find((c) => uuidOf(c.obj) !== uuidOf(check!.obj));
    if (other)
      issues.push({
        path: other.path,
        message: `is a second $JSON check object (the first is ${where(check!.path)}): send one check per delivery`,
      });
    const code = readCode(b, check, issues);
    const state = readState(b, check, issues);
    const at = (keys: readonly string[]) => textAt(b, keys, '', issues)?.value;
    const objText = (key: string) => (check ? optionalText(check.obj[key], pointer(check.path, key), issues) : undefined);
    const tags = objText('tags') ?? at(['tags']) ?? '';
    const { labels } = tagsToLabels(tags.split(' '));
    const now = textAt(b, NOW_KEYS, '', issues, 64);
    return {
      source: 'healthchecks.io',
      identity: `hc:${code}`,
      name: objText('name') || at(NAME_KEYS) || code,
      state,
      labels,
      observedAt: check?.path === '' || !now ? null : time(now.value, now.path, issues),
      message: objText('desc'),
      // healthchecks.io tags are free words; a `service:x` tag names the service.
      service: labels['service'],
    };
  },
};
