import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signatures older (or further in the future) than this are refused, bounding replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as a sender computes it. */
export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * A good signature: the MAC it proved (what a replay would repeat) and when it
 * stops being accepted, so the record of having seen it can be pruned then.
 */
export interface VerifiedSignature {
  mac: string;
  expiresAt: Date;
}

export type SignatureCheck = { ok: true; signature: VerifiedSignature } | { ok: false; problem: string };

/**
 * Checks an X-Klaxon-Signature header against the raw body. Several v1= values
 * are allowed (a sender rotating secrets may send two). Whether this signature
 * was already accepted is the caller's question (see incidents/deliveries.ts).
 */
export function verifySignature(header: string | undefined, secret: string, body: string, now: Date): SignatureCheck {
  if (!header) return { ok: false, problem: 'X-Klaxon-Signature is required for this integration' };
  let t: number | undefined;
  const macs: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v);
    if (k === 'v1' && v && /^[0-9a-f]{64}$/i.test(v)) macs.push(v.toLowerCase());
  }
  if (t === undefined || macs.length === 0) return { ok: false, problem: 'X-Klaxon-Signature must look like t=<unix seconds>,v1=<hex>' };
  if (Math.abs(now.getTime() / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, problem: 'X-Klaxon-Signature timestamp is more than 5 minutes off' };
  }
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  if (!macs.some((m) => timingSafeEqual(Buffer.from(m), Buffer.from(expected)))) {
    return { ok: false, problem: 'X-Klaxon-Signature does not match the body' };
  }
  return { ok: true, signature: { mac: expected, expiresAt: new Date((t + SIGNATURE_TOLERANCE_SECONDS) * 1000) } };
}
