import fp from 'fastify-plugin';
import sjson from 'secure-json-parse';
import { Errors } from '../errors.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../ingest/json.js';
import { wellFormed } from '../ingest/limits.js';

/**
 * The API's JSON parser. Besides what Fastify's does (prototype-poisoning
 * protection), it makes every string storable: lone surrogates become U+FFFD
 * (jsonb refuses them) and NUL characters are refused (text columns cannot hold
 * them), so no request body can turn into a database error. Webhook routes have
 * their own parser (routes/webhooks) and decode through the adapters instead.
 */
export function parseApiJson(text: string): unknown {
  if (text.trim() === '') throw Errors.malformedBody('Body is empty but Content-Type is application/json');
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw Errors.malformedBody(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    throw Errors.malformedBody(`Body is not valid JSON: ${(err as Error).message}`);
  }
  return clean(value, '/body');
}

function clean(value: unknown, path: string): unknown {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      throw Errors.validation(`${path} must not contain NUL characters`, [{ path, message: 'must not contain NUL characters' }]);
    return wellFormed(value);
  }
  if (Array.isArray(value)) return value.map((v, i) => clean(v, `${path}/${i}`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = clean(k, path) as string;
      out[key] = clean(v, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
    return out;
  }
  return value;
}

export default fp(
  async (app) => {
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parseApiJson(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
  },
  { name: 'json-body' },
);
