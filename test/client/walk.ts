/**
 * One incident from declaration to resolve, through a client generated from
 * openapi/openapi.json by openapi-typescript and called with openapi-fetch. Type-checked
 * against the generated types by test/client/generated-client.test.ts (this folder is
 * outside the project's tsconfig, because the types are generated at test time).
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './generated/klaxon-api.js';

type Incident = components['schemas']['Incident'];

export async function walk(baseUrl: string, apiKey: string) {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${apiKey}` } });
  const fail = (step: string, error: unknown): never => {
    throw new Error(`${step}: ${JSON.stringify(error)}`);
  };

  const declared = await client.POST('/v1/incidents', {
    body: { title: 'Checkout errors (customer report)', severity: 'SEV2', service: 'checkout', impact: '30% of orders fail' },
  });
  if (!declared.data) return fail('declare', declared.error);
  const id = declared.data.id;
  const path = { params: { path: { id } } };

  const statuses: Incident['status'][] = [declared.data.status];
  const acked = await client.POST('/v1/incidents/{id}/acknowledge', { ...path, body: { message: 'on it' } });
  if (!acked.data) return fail('acknowledge', acked.error);
  statuses.push(acked.data.status);

  await client.PUT('/v1/incidents/{id}/roles/{role}', { params: { path: { id, role: 'commander' } }, body: { name: 'Dana' } });
  for (const status of ['investigating', 'identified', 'mitigating'] as const) {
    const moved = await client.POST('/v1/incidents/{id}/status', { ...path, body: { status, message: `now ${status}` } });
    if (!moved.data) return fail(status, moved.error);
    statuses.push(moved.data.status);
  }
  await client.POST('/v1/incidents/{id}/notes', { ...path, body: { text: 'pool size raised to 50' } });

  // A stale If-Match is refused: the client sees the problem document, typed.
  const stale = await client.PATCH('/v1/incidents/{id}', {
    ...path,
    params: { ...path.params, header: { 'if-match': '"1"' } },
    body: { title: 'x' },
  });
  const refusal = stale.error?.code;

  const resolved = await client.POST('/v1/incidents/{id}/resolve', { ...path, body: { message: 'error rate back to baseline' } });
  if (!resolved.data) return fail('resolve', resolved.error);
  statuses.push(resolved.data.status);

  const again = await client.POST('/v1/incidents/{id}/acknowledge', path);
  const timeline = await client.GET('/v1/incidents/{id}/timeline', { ...path, params: { ...path.params, query: { limit: 100 } } });
  const detail = await client.GET('/v1/incidents/{id}', path);
  return {
    statuses,
    refusal,
    afterResolve: again.error?.code,
    kinds: timeline.data?.items.map((e) => e.kind) ?? [],
    commander: detail.data?.roles.commander?.name,
    checklistDone: detail.data?.checklist.filter((i) => i.done).map((i) => i.id) ?? [],
  };
}
