import sjson from 'secure-json-parse';
import { PayloadError } from './types.js';

/** Real senders nest a few levels; anything deeper is hostile, and recursive code downstream would overflow. */
export const MAX_JSON_DEPTH = 32;

/** Nesting depth of a JSON text, counted without parsing (brackets inside strings ignored). */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parses a webhook body. Depth is bounded; `__proto__`/`constructor.prototype`
 * keys are dropped; duplicate keys keep the last value (as JSON.parse does).
 * Returns { ok: false } for text that is not JSON, so lenient sources can still look at it.
 */
export function parseWebhookBody(text: string): ParsedBody {
  if (text.trim() === '') return { ok: false, reason: 'body is empty' };
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new PayloadError([{ path: '', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  try {
    return { ok: true, value: sjson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' }) };
  } catch (err) {
    return { ok: false, reason: `not valid JSON: ${(err as Error).message}` };
  }
}
