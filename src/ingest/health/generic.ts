/** Klaxon's own health-check result, for checkers that can send any JSON. Identity `check:<check_id>`. */
import { type Static, Type } from 'typebox';
import { MAX_KEY_LENGTH, MAX_VALUE_LENGTH, optionalText, readStringMap } from '../limits.js';
import { type Check, type HealthDecoder, type State, time } from './check.js';

const Text = (description: string) => Type.Optional(Type.String({ maxLength: MAX_VALUE_LENGTH, description }));
const STATUSES = ['down', 'degraded', 'up', 'maintenance', 'unknown'] as const;

export const HealthCheckSchema = Type.Object(
  {
    check_id: Type.String({ minLength: 1, maxLength: MAX_KEY_LENGTH, description: 'Stable id of the check; the incident identity' }),
    check_name: Text('Human name, used in the incident title'),
    status: Type.Union(
      [Type.Literal('down'), Type.Literal('degraded'), Type.Literal('up'), Type.Literal('maintenance'), Type.Literal('unknown')],
      { description: 'down/degraded open or keep an incident, up resolves it, maintenance/unknown change nothing' },
    ),
    service: Text('Affected service'),
    target: Text('What was checked (URL, host:port, …)'),
    message: Text('Check output, shown in the incident'),
    observed_at: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; defaults to the receive time' })),
    tags: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: MAX_VALUE_LENGTH }), { description: 'Become alert labels' })),
  },
  { $id: 'HealthCheck', title: 'Health check result' },
);
export type HealthCheck = Static<typeof HealthCheckSchema>;

export const generic: HealthDecoder = {
  format: 'generic',
  recognise: (b) => ('check_id' in b ? { signal: 'check_id' } : { missing: 'no check_id' }),
  decode(b, issues): Check {
    const id = optionalText(b['check_id'], '/check_id', issues, MAX_KEY_LENGTH);
    if (b['check_id'] == null || id === '') issues.push({ path: '/check_id', message: 'is required: a stable id of the check' });
    const status = optionalText(b['status'], '/status', issues, 32);
    if (!status || !(STATUSES as readonly string[]).includes(status)) {
      issues.push({ path: '/status', message: `must be one of ${STATUSES.join(', ')}` });
    }
    const labels = b['tags'] == null ? {} : readStringMap(b['tags'], '/tags', issues);
    const checkId = id ?? '';
    return {
      source: 'health check',
      identity: `check:${checkId}`,
      name: optionalText(b['check_name'], '/check_name', issues) ?? checkId,
      state: status === 'maintenance' || status === 'unknown' ? { skip: `status ${status}` } : (status as State),
      labels: { ...labels, check_id: checkId },
      observedAt: time(optionalText(b['observed_at'], '/observed_at', issues, 64), '/observed_at', issues),
      message: optionalText(b['message'], '/message', issues),
      target: optionalText(b['target'], '/target', issues),
      service: optionalText(b['service'], '/service', issues),
    };
  },
};
