/** Post-mortems as pure functions: the draft from the incident, the seeds' Markdown, when one is due. */
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import {
  actionItemOverdue,
  dueState,
  postmortemDueAt,
  prefillPostmortem,
  renderPostmortemMarkdown,
} from '../../src/incidents/postmortems.js';

const opened = new Date('2025-12-09T14:23:00Z');
const resolved = new Date('2025-12-09T15:45:00Z');
const hours = (h: number) => new Date(resolved.getTime() + h * 3600_000);
const incident = {
  title: 'High Error Rate on Orders API',
  severity: 'SEV2' as const,
  summary: null,
  impact: '~30% of order requests failed',
  opened_at: opened,
  resolved_at: resolved,
  roles: {},
};

t.test('due 48 hours after resolution for SEV1/SEV2; a review for SEV3; nothing for SEV4', async (t) => {
  t.same(postmortemDueAt('SEV1', resolved), hours(48));
  t.equal(postmortemDueAt('SEV3', resolved), null);
  const at = (h: number, severity: 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4' = 'SEV2', published = false) =>
    dueState({ severity, resolvedAt: resolved, published }, hours(h));
  t.equal(at(1), 'due');
  t.equal(at(48), 'due', 'at exactly 48 hours: still due');
  t.equal(
    dueState({ severity: 'SEV1', resolvedAt: resolved, published: false }, new Date(hours(48).getTime() + 1)),
    'overdue',
    'a millisecond later: overdue',
  );
  t.equal(at(100, 'SEV2', true), null, 'published: nothing due');
  t.equal(at(100, 'SEV3'), 'review');
  t.equal(at(100, 'SEV4'), null);
  t.equal(dueState({ severity: 'SEV1', resolvedAt: null, published: false }, hours(1)), null, 'not resolved yet');
});

t.test('the draft is pre-filled from the incident, the analysis left empty', async (t) => {
  const pm = prefillPostmortem(incident, [
    { at: opened, message: 'First alert: High error rate on /api/orders' },
    { at: new Date('2025-12-09T14:25:00Z'), message: 'Declared SEV-2, @alice paged' },
  ]);
  t.equal(pm.summary, 'High Error Rate on Orders API. From 2025-12-09 14:23 UTC to 2025-12-09 15:45 UTC.');
  t.equal(pm.impact, '~30% of order requests failed');
  t.same(pm.timeline, [
    { at: '2025-12-09T14:23:00.000Z', event: 'First alert: High error rate on /api/orders' },
    { at: '2025-12-09T14:25:00.000Z', event: 'Declared SEV-2, @alice paged' },
  ]);
  t.same([pm.rootCause, pm.fiveWhys, pm.wentWell, pm.couldImprove, pm.lessons, pm.contributingFactors], ['', [], [], [], [], []]);
});

t.test("the Markdown follows the seeds' post-mortem template", async (t) => {
  const content = {
    ...prefillPostmortem(incident, [{ at: opened, message: 'First alert' }]),
    rootCause: 'Connection pool exhaustion',
    fiveWhys: [
      { question: 'Why did orders fail?', answer: 'No database connections were free' },
      { question: 'Why were none free?', answer: 'Queries held them longer' },
    ],
    wentWell: ['Alerts fired within 2 minutes'],
    couldImprove: ['Status page updated late'],
    lessons: ['Monitor pools'],
    prevention: ['Load test new features'],
  };
  const text = renderPostmortemMarkdown(
    { ...incident, commander: 'alice' },
    { status: 'draft', content },
    [{ title: 'Add pool alert', owner: 'bob', due_date: '2025-12-12', status: 'open', priority: 'high' }],
    resolved,
  );
  const seedHeadings = seedTemplateHeadings();
  const ours = [...text.matchAll(/^(#{1,2} [^:\n]+)/gm)].map((m) => m[1]!);
  t.ok(seedHeadings.length >= 9, `the seeds' headings were found: ${seedHeadings.join(', ')}`);
  t.same(
    ours.filter((h) => seedHeadings.includes(h)),
    seedHeadings,
    "every heading of the seeds' template, in its order",
  );
  for (const field of ['**Date**: 2025-12-09', '**Duration**: 1h 22m', '**Severity**: SEV-2', '**Incident Commander**: @alice']) {
    t.match(text, field);
  }
  t.match(text, '**14:23 UTC** - First alert');
  t.match(text, '1. **Why?** Why did orders fail?\n   **Because** No database connections were free');
  t.match(text, '| Action | Owner | Due Date | Priority | Status |');
  t.match(text, '| Add pool alert | @bob | 2025-12-12 | high | TODO |');
  t.notMatch(text, /undefined|null/);
});

t.test('an action item is overdue once its due day has passed, unless done', async (t) => {
  const now = new Date('2025-12-13T00:30:00Z');
  t.equal(actionItemOverdue({ status: 'open', due_date: '2025-12-12' }, now), true);
  t.equal(actionItemOverdue({ status: 'open', due_date: '2025-12-13' }, now), false, 'due today: not yet');
  t.equal(actionItemOverdue({ status: 'done', due_date: '2025-12-01' }, now), false);
});

/**
 * The headings of the seeds' post-mortem template (../shared/seeds/000_…txt, "Post-Mortem Template"),
 * in order. Written out here, because the seeds live outside the repository; when they are next to
 * it, the test checks this list against them too.
 */
const SEED_HEADINGS = [
  '# Post-Mortem',
  '## Summary',
  '## Impact',
  '## Timeline',
  '## Root Cause',
  '## What Went Well',
  '## What Went Poorly',
  '## Action Items',
  '## Lessons Learned',
  '## Prevention',
];

function seedTemplateHeadings(): string[] {
  const file = new URL('../../../shared/seeds/000_76e36c87573cc0e8.txt', import.meta.url);
  if (!existsSync(file)) return SEED_HEADINGS;
  const seeds = readFileSync(file, 'utf8');
  const template = seeds.slice(seeds.indexOf('# Post-Mortem:'), seeds.indexOf('### Incident Communication Templates'));
  const found = [...template.matchAll(/^(#{1,2} [^:\n]+)/gm)].map((m) => m[1]!);
  if (JSON.stringify(found) !== JSON.stringify(SEED_HEADINGS)) throw new Error(`the seeds' headings changed: ${found.join(', ')}`);
  return found;
}
