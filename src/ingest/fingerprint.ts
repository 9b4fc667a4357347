/**
 * Alertmanager's label-set fingerprint (prometheus/common `labelSetToFingerprint`),
 * for senders that predate the webhook's own `fingerprint` field.
 *
 * FNV-1a 64 over the labels sorted by name, each written as
 * `name 0xff value 0xff` in UTF-8. The empty set hashes to the FNV offset basis.
 */

// FNV-1a 64 state is kept as two unsigned 32-bit halves: BigInt per byte is
// ~20x slower, and a delivery can carry 1000 alerts × 128 labels × 16 KiB.
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const SEPARATOR = 0xff;
const TWO_32 = 4294967296;

const utf8 = new TextEncoder();

interface Fnv {
  hi: number;
  lo: number;
}

/** Multiplies by the FNV prime 2^40 + 0x1b3, mod 2^64. */
function addByte(h: Fnv, byte: number): void {
  const lo = (h.lo ^ byte) >>> 0;
  const t = lo * 0x1b3; // < 2^41: exact in a double
  h.lo = t >>> 0;
  h.hi = (Math.imul(h.hi, 0x1b3) + Math.floor(t / TWO_32) + (lo << 8)) >>> 0;
}

function addBytes(h: Fnv, bytes: Uint8Array): void {
  for (const b of bytes) addByte(h, b);
}

/** Adds the string's UTF-8 bytes: ASCII code units as they are, the rest through the encoder. */
function addString(h: Fnv, s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      addBytes(h, utf8.encode(s.slice(i))); // what precedes i is ASCII: no pair is split
      return;
    }
    addByte(h, c);
  }
}

// Go's sort.Strings orders by bytes; JS's default sort orders by UTF-16 code units, which
// agrees for ASCII but not for astral vs. U+E000–U+FFFF characters.
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

const NON_ASCII = /[\u0080-\uffff]/; // any UTF-16 code unit past ASCII, surrogates included
const byUtf8 = (a: string, b: string): number => compareBytes(utf8.encode(a), utf8.encode(b));

/**
 * The 16-lowercase-hex-digit fingerprint Alertmanager gives an alert with these labels.
 * Lone surrogates encode as U+FFFD, as Go's JSON decoder would have replaced them.
 * Label sets are mostly ASCII: those are hashed without encoding (it was 4% of a storm's CPU).
 */
export function labelsFingerprint(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels);
  if (names.some((name) => NON_ASCII.test(name))) names.sort(byUtf8);
  else names.sort();
  const h: Fnv = { hi: OFFSET_HI, lo: OFFSET_LO };
  for (const name of names) {
    addString(h, name);
    addByte(h, SEPARATOR);
    addString(h, labels[name] as string);
    addByte(h, SEPARATOR);
  }
  return h.hi.toString(16).padStart(8, '0') + h.lo.toString(16).padStart(8, '0');
}

const FINGERPRINT = /^[0-9a-f]{16}$/i;

/** True when `value` is a 16-hex-digit fingerprint as Alertmanager sends it. */
export function isFingerprint(value: unknown): value is string {
  return typeof value === 'string' && FINGERPRINT.test(value);
}
