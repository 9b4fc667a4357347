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

/**
 * Checks Grafana Alerting's HMAC (`X-Grafana-Alerting-Signature`: hex HMAC-SHA256 of the body). When
 * the contact point sets a timestamp header (`X-Grafana-Alerting-Timestamp`, Unix seconds), the MAC
 * covers `<timestamp>:<body>`, the timestamp must be within the tolerance and a replay changes
 * nothing; without one Grafana signs the body alone, which cannot tell a replay from a re-send (a
 * re-sent alert is a duplicate anyway).
 */
export function verifyGrafanaSignature(
  header: string | undefined,
  timestamp: string | undefined,
  secret: string,
  body: string,
  now: Date,
): SignatureCheck | { ok: true; signature: undefined } {
  const mac = header?.trim().toLowerCase();
  if (!mac) return { ok: false, problem: 'X-Grafana-Alerting-Signature is required for this integration' };
  if (!/^[0-9a-f]{64}$/.test(mac)) return { ok: false, problem: 'X-Grafana-Alerting-Signature must be 64 hex characters' };
  let t: number | undefined;
  if (timestamp !== undefined) {
    if (!/^\d{1,12}$/.test(timestamp.trim())) return { ok: false, problem: 'X-Grafana-Alerting-Timestamp must be Unix seconds' };
    t = Number(timestamp.trim());
    if (Math.abs(now.getTime() / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS) {
      return { ok: false, problem: 'X-Grafana-Alerting-Timestamp is more than 5 minutes off' };
    }
  }
  const expected = createHmac('sha256', secret)
    .update(t === undefined ? body : `${t}:${body}`)
    .digest('hex');
  if (!timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) {
    return { ok: false, problem: 'X-Grafana-Alerting-Signature does not match the body' };
  }
  if (t === undefined) return { ok: true, signature: undefined };
  return { ok: true, signature: { mac: expected, expiresAt: new Date((t + SIGNATURE_TOLERANCE_SECONDS) * 1000) } };
}
