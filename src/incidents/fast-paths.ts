/**
 * The coalesced paths a webhook delivery tries before the full path (deliveries.ts): decoded and
 * prepared once, it is a repeat of what this process remembers (repeats.ts → repeat-path.ts), or
 * new alerts opening new incidents (opens.ts → open-path.ts), or neither: then the full path takes
 * it, with the body as decoded here.
 */
import type { Db } from '../db/client.js';
import type { AdapterSource } from '../ingest/index.js';
import type { AdapterResult } from '../ingest/types.js';
import type { BatchLog } from './coalescer.js';
import { type DeliveryInput, type DeliveryResult, decode } from './deliveries.js';
import { prepareAlerts } from './engine.js';
import { tryOpen } from './open-path.js';
import { mayOpen } from './opens.js';
import { tryRepeat } from './repeat-path.js';
import { alertMemory, planRepeat } from './repeats.js';

/**
 * Answered by a coalesced path, or not: then `decoded` gives the full path the body as decoded
 * here (its alerts, or the PayloadError to answer), so it is not decoded twice.
 */
export type FastPaths = { answered: DeliveryResult } | { decoded: () => AdapterResult };

/** `keyHash` is the key the sender authenticated with: each path re-checks it with the database. */
export async function tryFastPaths(
  db: Db,
  input: DeliveryInput & { source: AdapterSource },
  keyHash: string,
  log: BatchLog,
): Promise<FastPaths> {
  let result: AdapterResult;
  try {
    result = decode(input);
  } catch (err) {
    return {
      decoded: () => {
        throw err;
      },
    };
  }
  const decoded = () => result;
  if (result.actions?.length) return { decoded };
  const memory = alertMemory(db);
  const known = (identity: string) => memory.get(input.integration.id, identity);
  const alerts = [...prepareAlerts(input.integration, result).values()];
  const plan = planRepeat(alerts, known);
  const answered = plan
    ? await tryRepeat(db, input, result, plan, keyHash, log)
    : mayOpen(alerts, known)
      ? await tryOpen(db, input, result, alerts, keyHash, log)
      : null;
  return answered ? { answered } : { decoded };
}
