/**
 * The PagerDuty Events API, received: authenticate the routing key found in the body, decode with
 * the pure adapters (ingest/pagerduty.ts), and apply through the ingestion pipeline, which records the
 * delivery and applies the alerts in one transaction. Errors are KlaxonErrors; the route renders them
 * in PagerDuty's shape.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { IntegrationRow } from '../db/schema.js';
import { Errors, KlaxonError } from '../errors.js';
import { type IngestSettings, ingestWith, recordDelivery } from '../incidents/deliveries.js';
import { parseWebhookBody } from '../ingest/json.js';
import { storable } from '../ingest/limits.js';
import { adaptPagerDutyV1, adaptPagerDutyV2, routingKeyOf } from '../ingest/pagerduty.js';
import { adaptPagerDutyChange } from '../ingest/pagerduty-change.js';
import { PayloadError } from '../ingest/types.js';
import { integrationForKey } from './authenticate.js';
import { ingestContext } from './ingest-context.js';

export type PagerDutyApi = 'v2' | 'v1';

export interface PagerDutyRequest extends IngestSettings {
  rawBody: string;
  now: Date;
}

/** Parses the body and finds the integration its key names; every refusal is a 400 in PagerDuty's terms. */
async function authenticate(db: Db, rawBody: string, field: 'routing_key' | 'service_key') {
  let parsed: ReturnType<typeof parseWebhookBody>;
  try {
    parsed = parseWebhookBody(rawBody);
  } catch (err) {
    if (err instanceof PayloadError) throw Errors.malformedBody(err.message, [{ path: '/body', message: err.message }]);
    throw err;
  }
  if (!parsed.ok)
    throw Errors.malformedBody(`Body is not JSON: ${storable(parsed.reason)}`, [{ path: '/body', message: 'JSON parse error' }]);
  const key = routingKeyOf(parsed.value, field);
  if (key === undefined) {
    throw Errors.validation(`'${field}' is missing or not a string`, [{ path: `/body/${field}`, message: 'is required (a string)' }]);
  }
  let row: IntegrationRow;
  try {
    row = await integrationForKey(db, 'pagerduty', key);
  } catch (err) {
    if (!(err instanceof KlaxonError) || err.code !== Errors.unauthenticated.code) throw err;
    // PagerDuty answers an unusable key with 400 "invalid event"; senders treat it as final, as they should.
    throw Errors.validation(`'${field}' is not a Klaxon PagerDuty integration key`, [
      { path: `/body/${field}`, message: 'is unknown, revoked or belongs to another kind of integration' },
    ]);
  }
  // The audit copy of the body must not hold the credential: the delivery listing shows bodies. It is
  // the parsed body with the key cut out of every string and name, so a copy the sender JSON-escaped
  // (`\u0061bc…`), in any field, goes too; the raw text could hold it in forms no search would find.
  return { row, body: parsed.value, auditBody: JSON.stringify(redacted(parsed.value, key)) };
}

/** `value` with every occurrence of `secret` in its strings and property names replaced. */
function redacted(value: unknown, secret: string): unknown {
  if (typeof value === 'string') return value.replaceAll(secret, '[redacted]');
  if (Array.isArray(value)) return value.map((v) => redacted(v, secret));
  if (value && typeof value === 'object') {
    // fromEntries defines own properties: a "__proto__" name stays a plain name.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replaceAll(secret, '[redacted]'), redacted(v, secret)]));
  }
  return value;
}

/** A PagerDuty-style generated key: 32 lowercase hex characters, as random as a UUID. */
const newDedupKey = () => randomUUID().replaceAll('-', '');

/**
 * One Events API alert event (v2 `/v2/enqueue` or v1 `create_event.json`): trigger, acknowledge or
 * resolve. Returns the dedup key the sender should use from now on (generated when it sent none).
 */
export async function receivePagerDutyEvent(db: Db, api: PagerDutyApi, req: PagerDutyRequest): Promise<{ dedupKey: string }> {
  const { row, body, auditBody } = await authenticate(db, req.rawBody, api === 'v2' ? 'routing_key' : 'service_key');
  const newKey = newDedupKey();
  const adapt = api === 'v2' ? adaptPagerDutyV2 : adaptPagerDutyV1;
  const result = await ingestWith(
    db,
    {
      integration: ingestContext(row),
      source: api === 'v2' ? 'pagerduty' : 'pagerduty_v1',
      rawBody: auditBody,
      now: req.now,
      bodyMax: req.bodyMax,
      policy: req.policy,
    },
    () => adapt(body, { receivedAt: req.now, rawBody: auditBody, newKey }),
  );
  return { dedupKey: result.alerts[0]?.identity ?? newKey };
}

/** One change event: recorded as a change of the integration's service, and the delivery audited, in one transaction. */
export async function receivePagerDutyChange(db: Db, req: PagerDutyRequest): Promise<{ changeId: string }> {
  const { row, body, auditBody } = await authenticate(db, req.rawBody, 'routing_key');
  const input = {
    integration: ingestContext(row),
    source: 'pagerduty_change' as const,
    rawBody: auditBody,
    now: req.now,
    bodyMax: req.bodyMax,
    policy: req.policy,
  };
  let change: ReturnType<typeof adaptPagerDutyChange>;
  try {
    change = adaptPagerDutyChange(body, req.now);
  } catch (err) {
    if (!(err instanceof PayloadError)) throw err;
    const errors = err.issues.map((i) => ({ path: `/body${storable(i.path)}`, message: storable(i.message) }));
    await recordDelivery(db, input, 400, { errors });
    throw Errors.payloadNotUnderstood(`The change event was not understood: ${storable(err.message)}`, errors);
  }
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('changes')
      .values({
        kind: 'deploy',
        // A change belongs to a service; an integration without one names it by its own name.
        service: row.service ?? row.name,
        summary: change.summary,
        link: change.link,
        author: change.source,
        at: change.happenedAt,
        recorded_by: row.name,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordDelivery(trx, input, 202, { changeId: inserted.id });
    return { changeId: inserted.id };
  });
}
