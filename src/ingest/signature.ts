import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signatures older (or further in the future) than this are refused, bounding replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as a sender computes it. */
export function signBody(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Checks an X-Klaxon-Signature header against the raw body. Returns the reason
 * it is refused, or undefined when it is good. Several v1= values are allowed
 * (a sender rotating secrets may send two).
 */
export function signatureProblem(header: string | undefined, secret: string, body: string, now: Date): string | undefined {
  if (!header) return 'X-Klaxon-Signature is required for this integration';
  let t: number | undefined;
  const macs: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v);
    if (k === 'v1' && v && /^[0-9a-f]{64}$/i.test(v)) macs.push(v.toLowerCase());
  }
  if (t === undefined || macs.length === 0) return 'X-Klaxon-Signature must look like t=<unix seconds>,v1=<hex>';
  if (Math.abs(now.getTime() / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS) return 'X-Klaxon-Signature timestamp is more than 5 minutes off';
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const ok = macs.some((m) => timingSafeEqual(Buffer.from(m), expected));
  return ok ? undefined : 'X-Klaxon-Signature does not match the body';
}
