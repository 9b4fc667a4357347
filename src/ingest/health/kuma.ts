/**
 * Uptime Kuma's webhook notification `{heartbeat, monitor, msg}`. Identity `kuma:<monitor.id>`.
 * heartbeat.status: 0 down, 1 up, 2 pending, 3 maintenance.
 */
import { checkText, isRecord, MAX_KEY_LENGTH, optionalText, pairsToLabels } from '../limits.js';
import { type Check, type HealthDecoder, type State, time } from './check.js';

const KUMA_STATES: Record<number, State | { skip: string }> = {
  0: 'down',
  1: 'up',
  2: { skip: 'status pending' },
  3: { skip: 'status maintenance' },
};

/** The "Test" button and certificate-expiry notices carry only `msg` (some versions drop the null keys). */
const isLoneMsg = (b: Record<string, unknown>) => typeof b['msg'] === 'string' && Object.keys(b).length === 1;

export const kuma: HealthDecoder = {
  format: 'uptime-kuma',
  recognise(b) {
    if ('heartbeat' in b && 'monitor' in b) return { signal: 'heartbeat and monitor' };
    if (isLoneMsg(b)) return { signal: 'a lone msg (its Test button)' };
    return { missing: 'no heartbeat and monitor' };
  },
  decode(b, issues): Check | string | null {
    const { heartbeat: hb, monitor: mon } = b;
    if (hb == null && mon == null) {
      if ('heartbeat' in b || 'monitor' in b || typeof b['msg'] === 'string') {
        return `Uptime Kuma message without heartbeat or monitor (test button or notice): ${String(b['msg'] ?? '')}`;
      }
      issues.push(
        { path: '/heartbeat', message: 'is required: Uptime Kuma sends {heartbeat, monitor, msg}' },
        { path: '/monitor', message: 'is required' },
      );
      return null;
    }
    const monId = isRecord(mon) ? mon['id'] : undefined;
    if (typeof monId !== 'number' && typeof monId !== 'string') issues.push({ path: '/monitor/id', message: 'is required' });
    const status = isRecord(hb) ? hb['status'] : undefined;
    if (typeof status !== 'number' || !(status in KUMA_STATES)) issues.push({ path: '/heartbeat/status', message: 'must be 0, 1, 2 or 3' });
    if (!isRecord(mon) || !isRecord(hb) || issues.length > 0) return null;
    const id = checkText(String(monId), '/monitor/id', issues, MAX_KEY_LENGTH) ?? '';
    const tags = Array.isArray(mon['tags']) ? mon['tags'].filter(isRecord) : [];
    const { labels } = pairsToLabels(tags.map((t) => [String(t['name'] ?? ''), String(t['value'] ?? '')] as const));
    const type = optionalText(mon['type'], '/monitor/type', issues, MAX_KEY_LENGTH);
    if (type) labels['monitor_type'] = type;
    const url = optionalText(mon['url'], '/monitor/url', issues);
    return {
      source: 'uptime kuma',
      identity: `kuma:${id}`,
      name: optionalText(mon['name'], '/monitor/name', issues) ?? `monitor ${id}`,
      state: KUMA_STATES[status as number] as Check['state'],
      labels: { ...labels, monitor_id: id },
      // Kuma's heartbeat.time is "YYYY-MM-DD HH:mm:ss.SSS" in UTC with no zone.
      observedAt: time(optionalText(hb['time'], '/heartbeat/time', issues, 64), '/heartbeat/time', issues, true),
      message: optionalText(hb['msg'], '/heartbeat/msg', issues),
      // Non-HTTP monitors keep the form's "https://" placeholder in `url`.
      target: url && url !== 'https://' ? url : optionalText(mon['hostname'], '/monitor/hostname', issues),
    };
  },
};
