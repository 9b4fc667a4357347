import { readFileSync } from 'node:fs';
import t from 'tap';
import { isFingerprint, labelsFingerprint } from '../../src/ingest/fingerprint.js';

const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`../fixtures/ingest/alertmanager/${name}`, import.meta.url), 'utf8'));

const hex = (n: bigint): string => n.toString(16).padStart(16, '0');

// Straightforward BigInt FNV-1a 64, sorting names by UTF-8 bytes as Go does.
function reference(labels: Record<string, string>, order: 'utf8' | 'utf16' = 'utf8'): string {
  const enc = new TextEncoder();
  const names = Object.keys(labels).sort((a, b) =>
    order === 'utf8' ? Buffer.compare(Buffer.from(enc.encode(a)), Buffer.from(enc.encode(b))) : a < b ? -1 : a > b ? 1 : 0,
  );
  let h = 0xcbf29ce484222325n;
  const add = (b: number): void => {
    h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  for (const n of names) {
    enc.encode(n).forEach(add);
    add(0xff);
    enc.encode(labels[n] as string).forEach(add);
    add(0xff);
  }
  return hex(h);
}

t.test('prometheus/common signature vectors', async (t) => {
  // model/signature_test.go: LabelsToSignature / labelSetToFingerprint
  t.equal(labelsFingerprint({}), hex(14695981039346656037n), 'empty label set is the FNV offset basis');
  t.equal(labelsFingerprint({ name: 'garland, briggs', fear: 'love is not enough' }), hex(5799056148416392346n));
  t.equal(labelsFingerprint({ 'first-label': 'first-label-value' }), hex(5146282821936882169n));
  t.equal(labelsFingerprint({ 'first-label': 'first-label-value', 'second-label': 'second-label-value' }), hex(3195800080984914717n));
  t.equal(
    labelsFingerprint({
      'first-label': 'first-label-value',
      'second-label': 'second-label-value',
      'third-label': 'third-label-value',
    }),
    hex(13843036195897128121n),
  );
});

t.test('matches fingerprints sent by real Alertmanager 0.25', async (t) => {
  t.equal(
    labelsFingerprint({
      alertname: 'DiskFull',
      fingerprint: 'not-a-fingerprint',
      instance: 'db-1:9100',
      job: 'node',
      service: 'postgres',
      severity: 'critical',
      status: 'weird',
    }),
    '24778873862a37b7',
  );
  t.equal(
    labelsFingerprint({ alertname: 'DiskFull', instance: 'nœud-東京-🚀:9100', job: 'node', severity: 'warning' }),
    'fcba5988856ede2b',
    'UTF-8 multi-byte and astral label values',
  );
  for (const file of ['am025-firing.json', 'am025-one-resolved.json', 'am025-resolved.json', 'am025-truncated.json']) {
    for (const alert of fixture(file).alerts) {
      t.equal(labelsFingerprint(alert.labels), alert.fingerprint, `${file} ${alert.fingerprint}`);
    }
  }
});

t.test('zero-pads to 16 lowercase hex digits', async (t) => {
  // Search a few label sets until one hashes with a leading zero nibble.
  let found: string | undefined;
  for (let i = 0; i < 5000 && !found; i++) {
    const fp = labelsFingerprint({ n: String(i) });
    if (fp.startsWith('0')) found = fp;
    t.equal(fp, reference({ n: String(i) }));
  }
  t.ok(found, 'a fingerprint with a leading zero exists in the sample');
  t.match(found, /^[0-9a-f]{16}$/);
});

t.test('sorts names by UTF-8 bytes, like Go', async (t) => {
  // U+FF21 sorts before U+1F680 in UTF-8 (EF… < F0…) but after it in UTF-16 (FF21 > D83D).
  const labels = { '\uFF21': 'a', '\u{1F680}': 'b' };
  t.equal(labelsFingerprint(labels), reference(labels, 'utf8'));
  t.not(reference(labels, 'utf8'), reference(labels, 'utf16'), 'the two orders really differ here');
  t.equal(labelsFingerprint({ b: '1', a: '2' }), labelsFingerprint({ a: '2', b: '1' }), 'insertion order is irrelevant');
});

t.test('agrees with a BigInt reference on random UTF-8 label sets', async (t) => {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const alphabet = ['a', 'Z', '_', '0', 'é', 'ß', '東', '🚀', '\u0000', ' ', '"', '\uFFFF', '\uD800'];
  const word = (): string => Array.from({ length: rand(12) }, () => alphabet[rand(alphabet.length)]).join('');
  const mismatches: string[] = [];
  for (let i = 0; i < 300; i++) {
    const labels: Record<string, string> = {};
    for (let j = rand(8); j > 0; j--) labels[word()] = word();
    if (labelsFingerprint(labels) !== reference(labels)) mismatches.push(JSON.stringify(labels));
  }
  t.strictSame(mismatches, [], '300 random label sets agree');
});

t.test('isFingerprint', async (t) => {
  t.ok(isFingerprint('24778873862a37b7'));
  t.ok(isFingerprint('24778873862A37B7'));
  t.notOk(isFingerprint('24778873862a37b'));
  t.notOk(isFingerprint('not-a-fingerprint'));
  t.notOk(isFingerprint(1234567890123456));
});
