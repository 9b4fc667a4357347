import t from 'tap';
import { choosePolicy, type Policy } from '../../src/escalation/policies.js';

let n = 0;
function policy(name: string, match: Partial<Policy['match']>, createdAt = new Date(2026, 0, 1, 0, n++)): Policy {
  return {
    id: name,
    name,
    match: { severities: [], services: [], integrations: [], ...match },
    steps: [{ delaySeconds: 0, targets: [] }],
    repeat: 0,
    repeatDelaySeconds: 300,
    createdAt,
  };
}
const facts = (severity: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4', service: string | null = null, integrationId: string | null = null) => ({
  severity,
  service,
  integrationId,
});

t.test('the most specific match wins: integration > service > severity > any', async (t) => {
  const catchAll = policy('any', {});
  const sev1 = policy('sev1', { severities: ['SEV1'] });
  const checkout = policy('checkout', { services: ['checkout'] });
  const checkoutSev1 = policy('checkout-sev1', { severities: ['SEV1'], services: ['checkout'] });
  const viaInt = policy('int', { integrations: ['int-1'] });
  const all = [catchAll, sev1, checkout, checkoutSev1, viaInt];
  t.equal(choosePolicy(all, facts('SEV3'))?.id, 'any');
  t.equal(choosePolicy(all, facts('SEV1'))?.id, 'sev1');
  t.equal(choosePolicy(all, facts('SEV2', 'checkout'))?.id, 'checkout');
  t.equal(choosePolicy(all, facts('SEV1', 'checkout'))?.id, 'checkout-sev1', 'service and severity beat service alone');
  t.equal(choosePolicy(all, facts('SEV1', 'checkout', 'int-1'))?.id, 'int', 'an integration beats a service');
  t.equal(choosePolicy([sev1, checkout], facts('SEV3', 'search')), undefined, 'nothing matches');
});

t.test('narrower lists win; then the older policy', async (t) => {
  const wide = policy('wide', { severities: ['SEV1', 'SEV2'] });
  const narrow = policy('narrow', { severities: ['SEV2'] });
  t.equal(choosePolicy([wide, narrow], facts('SEV2'))?.id, 'narrow');
  const older = policy('older', { severities: ['SEV3'] }, new Date('2026-01-01'));
  const newer = policy('newer', { severities: ['SEV3'] }, new Date('2026-02-01'));
  t.equal(choosePolicy([newer, older], facts('SEV3'))?.id, 'older');
});

t.test('a policy naming a service does not match an incident without one', async (t) => {
  t.equal(choosePolicy([policy('s', { services: ['checkout'] })], facts('SEV1')), undefined);
});
