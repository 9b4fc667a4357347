import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { generateKey, hashKey } from '../auth/api-keys.js';
import type { Db } from '../db/client.js';
import type { IntegrationKind, IntegrationRow } from '../db/schema.js';
import { Errors, type FieldError } from '../errors.js';
import { normalizeMatchers, validateMatchers } from '../incidents/matchers.js';
import type { CreateIntegrationBody, Integration, UpdateIntegrationBody } from '../schemas/integrations.js';

export const DEFAULT_OVERLAP_SECONDS = 86400;

/** Where a sender of this kind posts, relative to the public base URL. */
export function webhookPath(kind: IntegrationKind): string {
  // Drop-in senders keep their own paths: PagerDuty's Events API, Opsgenie's API base (senders append v2/alerts).
  if (kind === 'pagerduty') return '/v2/enqueue';
  if (kind === 'opsgenie') return '/';
  if (kind === 'pager') return '/v1/callbacks/pager';
  return kind === 'heartbeat' ? '/v1/heartbeats' : `/v1/webhooks/${kind}`;
}

/** Kinds whose key travels in the body or a vendor header, never as a path segment. */
const KEY_NOT_IN_PATH: ReadonlySet<IntegrationKind> = new Set(['pagerduty', 'opsgenie']);

function urlWithKey(baseUrl: string, kind: IntegrationKind, key: string): string {
  const url = baseUrl + webhookPath(kind);
  return KEY_NOT_IN_PATH.has(kind) ? url : `${url}/${key}`;
}

/**
 * A new integration key and the part of it listings show. PagerDuty senders may insist on
 * PagerDuty's format (32 lowercase hex characters, 128 random bits), so pagerduty keys take it
 * and show only 6 characters; the others are `klx_int_` and 256 bits, showing 16.
 */
export function newIntegrationKey(kind: IntegrationKind): { key: string; prefix: string } {
  if (kind === 'pagerduty') {
    const key = randomBytes(16).toString('hex');
    return { key, prefix: key.slice(0, 6) };
  }
  const key = generateKey('klx_int_');
  return { key, prefix: key.slice(0, 16) };
}

type KeyInfo = { key_prefix: string; created_at: Date; expires_at: Date | null };

export function rowToIntegration(row: IntegrationRow, keys: KeyInfo[], baseUrl: string): Integration {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    service: row.service,
    groupingLabels: row.grouping_labels,
    severityRules: row.severity_rules,
    promoteAfterAlerts: row.promote_after_alerts,
    reopenWindowSeconds: row.reopen_window_seconds,
    signed: row.signing_secret !== null,
    format: row.kind === 'health' ? row.format : null,
    heartbeat:
      row.kind === 'heartbeat'
        ? {
            intervalSeconds: row.heartbeat_interval_seconds!,
            graceSeconds: row.heartbeat_grace_seconds!,
            lastBeatAt: row.last_beat_at?.toISOString() ?? null,
          }
        : null,
    webhookUrl: baseUrl + webhookPath(row.kind),
    keys: keys.map((k) => ({
      prefix: k.key_prefix,
      createdAt: k.created_at.toISOString(),
      expiresAt: k.expires_at?.toISOString() ?? null,
    })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function checkSettings(body: Partial<CreateIntegrationBody>, kind: IntegrationKind): void {
  const errors: FieldError[] = [];
  for (const [i, rule] of (body.severityRules ?? []).entries()) {
    errors.push(...validateMatchers(normalizeMatchers(rule.matchers), `/body/severityRules/${i}/matchers`));
  }
  if (kind === 'heartbeat' && body.heartbeat === undefined && 'kind' in body) {
    errors.push({ path: '/body/heartbeat', message: 'a heartbeat integration needs heartbeat.intervalSeconds and heartbeat.graceSeconds' });
  }
  if (kind !== 'heartbeat' && body.heartbeat !== undefined) {
    errors.push({ path: '/body/heartbeat', message: `only heartbeat integrations take heartbeat settings, not ${kind}` });
  }
  if ((kind === 'pagerduty' || kind === 'opsgenie') && body.signed) {
    errors.push({ path: '/body/signed', message: `${kind} senders cannot sign requests: the key in the request is the credential` });
  }
  if (kind === 'pager' && 'kind' in body && body.signed !== true) {
    errors.push({ path: '/body/signed', message: 'a pager integration must be signed (signed: true): its callbacks act on incidents' });
  }
  if (kind !== 'health' && body.format !== undefined) {
    errors.push({ path: '/body/format', message: `only health integrations take a body format, not ${kind}` });
  }
  if (errors.length) throw Errors.validation(errors.map((e) => `${e.path} ${e.message}`).join('; '), errors);
}

type RuleInput = NonNullable<CreateIntegrationBody['severityRules']>;
const storedRules = (rules: RuleInput) =>
  JSON.stringify(
    rules.map((r) => ({ ...(r.name ? { name: r.name } : {}), matchers: normalizeMatchers(r.matchers), severity: r.severity })),
  );

const newSigningSecret = () => `klx_sig_${randomBytes(32).toString('base64url')}`;

/** The working keys (never their hashes) of these integrations, in one query. */
async function keysByIntegration(db: Db, ids: string[]): Promise<Map<string, KeyInfo[]>> {
  const byId = new Map<string, KeyInfo[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byId;
  const rows = await db
    .selectFrom('integration_keys')
    .select(['integration_id', 'key_prefix', 'created_at', 'expires_at'])
    .where('integration_id', 'in', ids)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .orderBy('created_at')
    .execute();
  for (const { integration_id, ...key } of rows) byId.get(integration_id)?.push(key);
  return byId;
}

async function keysOf(db: Db, id: string): Promise<KeyInfo[]> {
  return (await keysByIntegration(db, [id])).get(id)!;
}

export async function createIntegration(db: Db, body: CreateIntegrationBody, baseUrl: string) {
  checkSettings(body, body.kind);
  const { key, prefix } = newIntegrationKey(body.kind);
  const signingSecret = body.signed ? newSigningSecret() : null;
  const row = await db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('integrations')
      .values({
        name: body.name,
        kind: body.kind,
        service: body.service ?? null,
        grouping_labels: body.groupingLabels ?? [],
        severity_rules: storedRules(body.severityRules ?? []),
        promote_after_alerts: body.promoteAfterAlerts ?? null,
        reopen_window_seconds: body.reopenWindowSeconds ?? 300,
        signing_secret: signingSecret,
        heartbeat_interval_seconds: body.heartbeat?.intervalSeconds ?? null,
        heartbeat_grace_seconds: body.heartbeat?.graceSeconds ?? null,
        format: body.format ?? 'auto',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('integration_keys')
      .values({ integration_id: created.id, key_hash: hashKey(key), key_prefix: prefix })
      .execute();
    return created;
  });
  const integration = rowToIntegration(row, await keysOf(db, row.id), baseUrl);
  return {
    ...integration,
    key,
    webhookUrlWithKey: urlWithKey(baseUrl, row.kind, key),
    ...(signingSecret ? { signingSecret } : {}),
  };
}

async function findRow(db: Db, id: string): Promise<IntegrationRow> {
  const row = await db.selectFrom('integrations').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw Errors.integrationNotFound(`Integration ${id} does not exist`);
  return row;
}

export async function getIntegration(db: Db, id: string, baseUrl: string): Promise<Integration> {
  return rowToIntegration(await findRow(db, id), await keysOf(db, id), baseUrl);
}

export async function listIntegrations(db: Db, baseUrl: string): Promise<Integration[]> {
  const rows = await db
    .selectFrom('integrations')
    .selectAll()
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const keys = await keysByIntegration(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => rowToIntegration(r, keys.get(r.id)!, baseUrl));
}

export async function updateIntegration(db: Db, id: string, body: UpdateIntegrationBody, baseUrl: string) {
  const existing = await findRow(db, id);
  checkSettings(body, existing.kind);
  const signingSecret = body.signed && !existing.signing_secret ? newSigningSecret() : undefined;
  const row = await db
    .updateTable('integrations')
    .set({
      ...(body.name !== undefined && { name: body.name }),
      ...(body.service !== undefined && { service: body.service }),
      ...(body.groupingLabels !== undefined && { grouping_labels: body.groupingLabels }),
      ...(body.severityRules !== undefined && { severity_rules: storedRules(body.severityRules) }),
      ...(body.promoteAfterAlerts !== undefined && { promote_after_alerts: body.promoteAfterAlerts }),
      ...(body.reopenWindowSeconds !== undefined && { reopen_window_seconds: body.reopenWindowSeconds }),
      ...(body.signed === false && { signing_secret: null }),
      ...(signingSecret && { signing_secret: signingSecret }),
      ...(body.heartbeat && {
        heartbeat_interval_seconds: body.heartbeat.intervalSeconds,
        heartbeat_grace_seconds: body.heartbeat.graceSeconds,
      }),
      ...(body.format !== undefined && { format: body.format }),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw Errors.integrationNotFound(`Integration ${id} does not exist`);
  return { ...rowToIntegration(row, await keysOf(db, id), baseUrl), ...(signingSecret ? { signingSecret } : {}) };
}

/** Soft delete: its keys stop working at once; its incidents and alerts stay for the record. */
export async function deleteIntegration(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('integrations')
      .set({ deleted_at: new Date() })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw Errors.integrationNotFound(`Integration ${id} does not exist`);
    await trx.deleteFrom('integration_keys').where('integration_id', '=', id).execute();
  });
}

/** A new key; the current ones keep working for `overlapSeconds` so senders can switch without losing alerts. */
export async function rotateKey(db: Db, id: string, overlapSeconds: number, baseUrl: string) {
  const row = await findRow(db, id);
  const { key, prefix } = newIntegrationKey(row.kind);
  const expiresAt = new Date(Date.now() + overlapSeconds * 1000);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('integration_keys')
      .set({ expires_at: expiresAt })
      .where('integration_id', '=', id)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', expiresAt)]))
      .execute();
    await trx
      .insertInto('integration_keys')
      .values({ integration_id: id, key_hash: hashKey(key), key_prefix: prefix })
      .execute();
  });
  return { key, webhookUrlWithKey: urlWithKey(baseUrl, row.kind, key), previousKeysExpireAt: expiresAt.toISOString() };
}
