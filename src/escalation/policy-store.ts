import type { Db } from '../db/client.js';
import type { EscalationPolicyRow, StepRow, TargetRow } from '../db/schema.js';
import { Errors } from '../errors.js';
import type { Trx } from '../incidents/incident-store.js';
import type { EscalationPolicyWire, PolicyBody, SimulateBody } from '../schemas/escalation-policies.js';
import { type PlanContext, planEscalation, type ResolvedTarget } from './planner.js';
import { choosePolicy, type Policy } from './policies.js';
import { checkIntegrations, lockExisting } from './references.js';
import { loadSchedules } from './schedules.js';

type Executor = Db | Trx;

export function rowToPolicy(row: EscalationPolicyRow): Policy {
  return {
    id: row.id,
    name: row.name,
    match: { severities: row.match_severities, services: row.match_services, integrations: row.match_integrations },
    steps: row.steps,
    repeat: row.repeat,
    repeatDelaySeconds: row.repeat_delay_seconds,
    createdAt: row.created_at,
  };
}

/** A target as the API shows it: a webhook's secret never leaves the database. */
function targetOut(t: TargetRow) {
  if (t.type !== 'webhook') return t;
  return { type: t.type, url: t.url, signed: Boolean(t.secret), purpose: t.purpose ?? 'ticket' };
}

export function policyToWire(row: EscalationPolicyRow): EscalationPolicyWire {
  return {
    id: row.id,
    name: row.name,
    match: { severities: row.match_severities, services: row.match_services, integrations: row.match_integrations },
    steps: row.steps.map((s) => ({ delaySeconds: s.delaySeconds, targets: s.targets.map(targetOut) })),
    repeat: row.repeat,
    repeatDelaySeconds: row.repeat_delay_seconds,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  } as EscalationPolicyWire;
}

/** Users, schedules and integrations the body names must exist; they stay locked until commit. */
async function checkReferences(trx: Trx, body: PolicyBody): Promise<void> {
  const users: { id: string; path: string }[] = [];
  const schedules: { id: string; path: string }[] = [];
  for (const [i, step] of body.steps.entries()) {
    for (const [j, t] of step.targets.entries()) {
      const path = `/body/steps/${i}/targets/${j}/id`;
      if (t.type === 'user') users.push({ id: t.id, path });
      if (t.type === 'schedule') schedules.push({ id: t.id, path });
    }
  }
  await lockExisting(trx, 'users', users);
  await lockExisting(trx, 'schedules', schedules);
  await checkIntegrations(
    trx,
    (body.match.integrations ?? []).map((id, i) => ({ id, path: `/body/match/integrations/${i}` })),
  );
}

/** The steps to store; a webhook target sent without a secret keeps the secret its URL had before. */
function storedSteps(body: PolicyBody, previous: StepRow[] = []): string {
  const secrets = new Map<string, string>();
  for (const t of previous.flatMap((s) => s.targets)) if (t.type === 'webhook' && t.url && t.secret) secrets.set(t.url, t.secret);
  const steps: StepRow[] = body.steps.map((s) => ({
    delaySeconds: s.delaySeconds,
    targets: s.targets.map((t) => {
      if (t.type !== 'webhook' || t.secret || !t.url) return t as TargetRow;
      const kept = secrets.get(t.url);
      return kept ? { ...t, secret: kept } : t;
    }),
  }));
  return JSON.stringify(steps);
}

function columns(body: PolicyBody, previous?: StepRow[]) {
  return {
    name: body.name,
    match_severities: body.match.severities ?? [],
    match_services: body.match.services ?? [],
    match_integrations: body.match.integrations ?? [],
    steps: storedSteps(body, previous),
    repeat: body.repeat ?? 0,
    repeat_delay_seconds: body.repeatDelaySeconds ?? 300,
  };
}

export async function createPolicy(db: Db, body: PolicyBody): Promise<EscalationPolicyWire> {
  return db.transaction().execute(async (trx) => {
    await checkReferences(trx, body);
    const row = await trx.insertInto('escalation_policies').values(columns(body)).returningAll().executeTakeFirstOrThrow();
    return policyToWire(row);
  });
}

async function findRow(db: Executor, id: string, lock = false): Promise<EscalationPolicyRow> {
  let q = db.selectFrom('escalation_policies').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw Errors.escalationPolicyNotFound(`Escalation policy ${id} does not exist`);
  return row;
}

export async function getPolicy(db: Db, id: string): Promise<EscalationPolicyWire> {
  return policyToWire(await findRow(db, id));
}

export async function listPolicies(db: Db): Promise<EscalationPolicyWire[]> {
  return (await db.selectFrom('escalation_policies').selectAll().orderBy('created_at').orderBy('id').execute()).map(policyToWire);
}

/** Replaces a policy whole. Escalations under way pick up the new steps at their next step. */
export async function replacePolicy(db: Db, id: string, body: PolicyBody): Promise<EscalationPolicyWire> {
  return db.transaction().execute(async (trx) => {
    const previous = await findRow(trx, id, true);
    await checkReferences(trx, body);
    const row = await trx
      .updateTable('escalation_policies')
      .set({ ...columns(body, previous.steps), updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return policyToWire(row);
  });
}

/** Deletes a policy; escalations under it stop at their next step (recorded on their timelines). */
export async function deletePolicy(db: Db, id: string): Promise<void> {
  const r = await db.deleteFrom('escalation_policies').where('id', '=', id).executeTakeFirst();
  if (r.numDeletedRows === 0n) throw Errors.escalationPolicyNotFound(`Escalation policy ${id} does not exist`);
}

export async function loadPolicies(db: Executor): Promise<Policy[]> {
  return (await db.selectFrom('escalation_policies').selectAll().execute()).map(rowToPolicy);
}

export async function loadPolicy(db: Executor, id: string): Promise<Policy | undefined> {
  const row = await db.selectFrom('escalation_policies').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToPolicy(row) : undefined;
}

/** Everything the planner needs for this policy from `from` on: its schedules and every person they or it name. */
export async function planContext(db: Executor, policy: Policy, from: Date): Promise<PlanContext> {
  const targets = policy.steps.flatMap((s) => s.targets);
  const scheduleIds = [...new Set(targets.flatMap((t) => (t.type === 'schedule' ? [t.id] : [])))];
  const schedules = await loadSchedules(db, scheduleIds, from);
  const userIds = new Set(targets.flatMap((t) => (t.type === 'user' ? [t.id] : [])));
  for (const s of schedules.values()) {
    for (const l of s.layers) for (const u of l.users) userIds.add(u);
    for (const o of s.overrides) userIds.add(o.userId);
  }
  const rows =
    userIds.size > 0
      ? await db
          .selectFrom('users')
          .select(['id', 'name', 'email', 'pager_address'])
          .where('id', 'in', [...userIds])
          .execute()
      : [];
  return {
    schedules,
    users: new Map(rows.map((u) => [u.id, { id: u.id, name: u.name, email: u.email, pagerAddress: u.pager_address }])),
  };
}

export const PLAN_STOPS = [
  'An acknowledgement stops the steps still to come',
  'Resolving the incident stops everything',
  'A severity change re-plans from the policy chosen for the new severity',
  'A reopened incident starts again at step 0',
];

/** POST /v1/escalation-policies/{id}/simulate: the dry run, through the engine's own planner. */
export async function simulate(db: Db, id: string, body: SimulateBody) {
  const policy = rowToPolicy(await findRow(db, id));
  const start = body.at ? new Date(body.at) : new Date();
  const facts = { severity: body.severity, service: body.service ?? null, integrationId: body.integrationId ?? null };
  const chosen = choosePolicy(await loadPolicies(db), facts);
  const ctx = await planContext(db, policy, start);
  const plan = planEscalation(policy, start, ctx, body.limit ?? 50);
  const userName = (uid: string) => ctx.users.get(uid)?.name ?? '(deleted user)';
  const targetWire = (r: ResolvedTarget) => ({
    target: targetOut(r.target),
    ...(r.onCall ? { onCall: r.onCall.map((uid) => ({ id: uid, name: userName(uid) })) } : {}),
    notifications: r.notifications.map((n) => ({
      channel: n.channel,
      address: n.address,
      purpose: n.purpose,
      ...(n.userId ? { userId: n.userId, userName: userName(n.userId) } : {}),
    })),
    ...(r.empty ? { empty: r.empty } : {}),
  });
  const last = plan.truncated ? [] : [`After ${policy.repeat + 1} run(s) of the policy nothing more is sent`];
  return {
    policy: { id: policy.id, name: policy.name },
    chosenPolicy: chosen ? { id: chosen.id, name: chosen.name } : null,
    start: start.toISOString(),
    steps: plan.steps.map((s) => ({ round: s.round, step: s.step, at: s.at.toISOString(), targets: s.targets.map(targetWire) })),
    truncated: plan.truncated,
    stops: [...PLAN_STOPS, ...last],
  };
}
