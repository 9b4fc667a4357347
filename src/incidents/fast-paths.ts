/**
 * The coalesced paths a webhook delivery tries before the full path (deliveries.ts): decoded and
 * prepared once, it is a repeat of what this process remembers (repeats.ts → repeat-path.ts), or
 * new alerts opening new incidents (opens.ts → open-path.ts), or neither. Null sends it down the
 * full path, which decodes again (and answers a body it cannot decode).
 */
import type { Db } from '../db/client.js';
import type { AdapterSource } from '../ingest/index.js';
import type { AdapterResult } from '../ingest/types.js';
import { type DeliveryInput, type DeliveryResult, decode } from './deliveries.js';
import { prepareAlerts } from './engine.js';
import { tryOpen } from './open-path.js';
import { mayOpen } from './opens.js';
import { tryRepeat } from './repeat-path.js';
import { alertMemory, planRepeat } from './repeats.js';

/** `keyHash` is the key the sender authenticated with: each path re-checks it with the database. */
export async function tryFastPaths(
  db: Db,
  input: DeliveryInput & { source: AdapterSource },
  keyHash: string,
): Promise<DeliveryResult | null> {
  if (input.signature) return null;
  let result: AdapterResult;
  try {
    result = decode(input);
  } catch {
    return null;
  }
  if (result.actions?.length) return null;
  const memory = alertMemory(db);
  const known = (identity: string) => memory.get(input.integration.id, identity);
  const alerts = [...prepareAlerts(input.integration, result).values()];
  const plan = planRepeat(alerts, known);
  if (plan) return tryRepeat(db, input, result, plan, keyHash);
  if (mayOpen(alerts, known)) return tryOpen(db, input, result, alerts, keyHash);
  return null;
}
