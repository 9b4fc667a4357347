import type { PreparedAlert } from '../../src/incidents/incident-store.js';

/** A prepared alert (engine.ts prepareAlerts' output) for pure tests: firing, SEV3, group `g`, named by its identity. */
export const prepared = (identity: string, over: Partial<PreparedAlert> = {}): PreparedAlert => ({
  identity,
  groupKey: 'g',
  status: 'firing',
  title: `title ${identity}`,
  labels: { alertname: identity },
  annotations: {},
  startsAt: null,
  endsAt: null,
  severity: { severity: 'SEV3', reason: 'default' },
  decided: { severity: 'SEV3', reason: 'default' },
  ...over,
});
