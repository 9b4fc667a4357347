import type { IntegrationRow } from '../db/schema.js';
import type { IngestIntegration } from '../incidents/engine.js';
import { compileRules } from '../incidents/severity.js';

// Compiled rules per integration version: the hot path should not rebuild regexes per delivery.
const cache = new Map<string, IngestIntegration>();
const MAX_CACHED = 1000;

/** The engine's view of an integration row, rules compiled (cached by id and updated_at). */
export function ingestContext(row: IntegrationRow): IngestIntegration {
  const key = `${row.id}@${row.updated_at.getTime()}`;
  let ctx = cache.get(key);
  if (!ctx) {
    ctx = {
      id: row.id,
      name: row.name,
      service: row.service,
      groupingLabels: row.grouping_labels,
      rules: compileRules(row.severity_rules),
      promoteAfterAlerts: row.promote_after_alerts,
      reopenWindowSeconds: row.reopen_window_seconds,
      format: row.format,
      updatedAt: new Date(row.updated_at.getTime()),
    };
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, ctx);
  }
  return ctx;
}
