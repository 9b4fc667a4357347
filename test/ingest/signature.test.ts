import t from 'tap';
import { SIGNATURE_TOLERANCE_SECONDS, signBody, verifySignature } from '../../src/ingest/signature.js';

/** The reason a signature is refused, or undefined when it is accepted. */
const signatureProblem = (header: string, secret: string, body: string, at: Date) => {
  const check = verifySignature(header, secret, body, at);
  return check.ok ? undefined : check.problem;
};

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

t.test('an accepted signature names what a replay would repeat, and when it stops mattering', async (t) => {
  const plain = verifySignature(signBody('s', 'b', t0), 's', 'b', now);
  const rotated = verifySignature(`t=${t0},v1=${'0'.repeat(64)},${signBody('s', 'b', t0).split(',')[1]}`, 's', 'b', now);
  t.ok(plain.ok && rotated.ok);
  if (!plain.ok || !rotated.ok) return;
  t.equal(rotated.signature.mac, plain.signature.mac, 'the same delivery with a reshuffled header is the same replay key');
  t.equal(plain.signature.expiresAt.toISOString(), new Date((t0 + 300) * 1000).toISOString(), 'expires with the window');
  const other = verifySignature(signBody('s', 'b', t0 + 1), 's', 'b', now);
  t.ok(other.ok && other.signature.mac !== plain.signature.mac, 'a re-signed retry is a new delivery');
});
