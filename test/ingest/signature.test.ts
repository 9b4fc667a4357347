import t from 'tap';
import { SIGNATURE_TOLERANCE_SECONDS, signatureProblem, signBody } from '../../src/ingest/signature.js';

// The 5-minute bound, exactly, on a fixed clock.
const now = new Date('2026-11-22T12:00:00Z');
const t0 = now.getTime() / 1000;

t.test('signatures are accepted up to 5 minutes either way, not beyond', async (t) => {
  t.equal(SIGNATURE_TOLERANCE_SECONDS, 300);
  t.equal(signatureProblem(signBody('s', 'b', t0 - 300), 's', 'b', now), undefined);
  t.equal(signatureProblem(signBody('s', 'b', t0 + 300), 's', 'b', now), undefined);
  t.match(signatureProblem(signBody('s', 'b', t0 - 301), 's', 'b', now), /more than 5 minutes/);
  t.match(signatureProblem(signBody('s', 'b', t0 + 301), 's', 'b', now), /more than 5 minutes/);
});

t.test('a second v1 value is accepted (senders rotating secrets)', async (t) => {
  const good = signBody('s', 'b', t0);
  const header = `t=${t0},v1=${'0'.repeat(64)},${good.split(',')[1]}`;
  t.equal(signatureProblem(header, 's', 'b', now), undefined);
  t.match(signatureProblem(`t=${t0},v1=${'0'.repeat(64)}`, 's', 'b', now), /does not match/);
});
