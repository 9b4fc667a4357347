import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { IncidentRow } from '../../db/schema.js';
import { Errors } from '../../errors.js';
import type { Actor } from '../../incidents/actors.js';
import { CHECKLIST_ITEM_IDS } from '../../incidents/checklist.js';
import {
  actOnIncident,
  addNote,
  assignRole,
  declareIncident,
  type IncidentAction,
  tickChecklist,
  updateIncident,
} from '../../incidents/lifecycle-service.js';
import { etagOf, rowToIncident } from '../../incidents/queries.js';
import {
  ChecklistBodySchema,
  DeclareIncidentBodySchema,
  MessageBodySchema,
  NoteBodySchema,
  PatchIncidentBodySchema,
  RoleBodySchema,
  StatusBodySchema,
} from '../../schemas/incident-actions.js';
import { IncidentRefParamsSchema } from '../../schemas/incidents.js';
import { problemResponses } from '../../schemas/problem.js';
import { INCIDENT_ROLES } from '../../vocabulary.js';

const tags = ['incidents'];
const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ maxLength: 512, description: 'The ETag of the version you read: refused with 412 if the incident changed since' }),
  ),
});
const incidentResponse = (description: string) => ({
  description,
  headers: { etag: { type: 'string', description: 'The new version, for the next If-Match' } },
  content: { 'application/json': { schema: Type.Ref('Incident') } },
});
const ACTION_ERRORS = problemResponses(400, 401, 403, 404, 409, 412, 413, 415);

/** The API key that made the request, as a timeline actor. */
export function requestActor(request: FastifyRequest): Actor {
  const p = request.principal!;
  return { type: 'api_key', id: p.keyId, name: p.name, role: p.role };
}

const incidentActionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const send = (reply: FastifyReply, row: IncidentRow) => reply.header('etag', etagOf(row)).send(rowToIncident(row, app.incidentPolicy));

  app.post(
    '/v1/incidents',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'declareIncident',
        tags,
        summary: 'Declare an incident by hand',
        description:
          'For customer reports and manual discovery. The incident starts `triggered` with the given severity ' +
          '(recorded as set by a person) and from then on behaves like any other.',
        body: DeclareIncidentBodySchema,
        response: { 201: incidentResponse('The declared incident'), ...problemResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const row = await declareIncident(app.db, request.body, requestActor(request), app.incidentPolicy.updateCadenceSeconds);
      return send(reply.code(201).header('location', `/v1/incidents/${row.id}`), row);
    },
  );

  const action = (
    path: string,
    operationId: string,
    summary: string,
    description: string,
    toAction: (body: { message?: string; status?: string }) => IncidentAction,
    body = MessageBodySchema as typeof MessageBodySchema | typeof StatusBodySchema,
  ) =>
    app.post(
      `/v1/incidents/:id/${path}`,
      {
        config: { role: 'responder' },
        schema: {
          operationId,
          tags,
          summary,
          description,
          params: IncidentRefParamsSchema,
          headers: IfMatchHeaders,
          body: Type.Optional(body),
          response: { 200: incidentResponse('The incident after the action'), ...ACTION_ERRORS },
        },
      },
      async (request, reply) => {
        const { row } = await actOnIncident(
          app.db,
          request.params.id,
          toAction((request.body ?? {}) as { message?: string; status?: string }),
          requestActor(request),
          { ifMatch: request.headers['if-match'], policy: app.incidentPolicy },
        );
        return send(reply, row);
      },
    );

  action(
    'acknowledge',
    'acknowledgeIncident',
    'Acknowledge an incident',
    'Stops paging. Idempotent: an incident already acknowledged or further along is answered as it is. A resolved one is a 409.',
    (b) => ({ type: 'acknowledge', message: b.message }),
  );
  action(
    'status',
    'setIncidentStatus',
    'Move an incident to investigating, identified, mitigating or resolved',
    'The three working statuses follow in any order; a triggered incident is acknowledged on the way. A refused ' +
      'transition is a 409 KLX_INVALID_TRANSITION naming the current and the requested status.',
    (b) => ({ type: 'status', status: b.status as 'investigating', message: b.message }),
    StatusBodySchema,
  );
  action(
    'resolve',
    'resolveIncident',
    'Resolve an incident',
    'From any open status. Alerts still firing are marked resolved (the event says how many), so their ' +
      "sender's re-sends of the same firing do not reopen it; a new firing follows the reopen rules.",
    (b) => ({ type: 'resolve', message: b.message }),
  );
  action('reopen', 'reopenIncident', 'Reopen a resolved incident', 'Only from resolved; it starts again as triggered.', (b) => ({
    type: 'reopen',
    message: b.message,
  }));

  app.patch(
    '/v1/incidents/:id',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'updateIncident',
        tags,
        summary: "Change an incident's title, summary, impact or severity",
        description: 'A severity set here overrides the rules from then on and needs a `severityReason`; both go on the timeline.',
        params: IncidentRefParamsSchema,
        headers: IfMatchHeaders,
        body: PatchIncidentBodySchema,
        response: { 200: incidentResponse('The incident after the change'), ...ACTION_ERRORS },
      },
    },
    async (request, reply) => {
      const row = await updateIncident(app.db, request.params.id, request.body, requestActor(request), {
        ifMatch: request.headers['if-match'],
        policy: app.incidentPolicy,
      });
      return send(reply, row);
    },
  );

  const RoleParams = Type.Object({ ...IncidentRefParamsSchema.properties, role: Type.Enum([...INCIDENT_ROLES], { type: 'string' }) });
  app.put(
    '/v1/incidents/:id/roles/:role',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'assignIncidentRole',
        tags,
        summary: 'Give the incident commander, scribe or communications role',
        description: 'To a named person (`{"name": …}`) or an API key\'s holder (`{"apiKeyId": …}`, shown by the key\'s name).',
        params: RoleParams,
        headers: IfMatchHeaders,
        body: RoleBodySchema,
        response: { 200: incidentResponse('The incident after the change'), ...ACTION_ERRORS },
      },
    },
    async (request, reply) => {
      const body = request.body as { name?: string; apiKeyId?: string };
      let holder = { name: body.name ?? '', apiKeyId: null as string | null };
      if (body.apiKeyId) {
        const key = await app.db
          .selectFrom('api_keys')
          .select(['id', 'name'])
          .where('id', '=', body.apiKeyId)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (!key) throw Errors.validation('No such API key', [{ path: '/body/apiKeyId', message: 'no active API key has this id' }]);
        holder = { name: key.name, apiKeyId: key.id };
      }
      const row = await assignRole(app.db, request.params.id, request.params.role, holder, requestActor(request), {
        ifMatch: request.headers['if-match'],
      });
      return send(reply, row);
    },
  );

  app.delete(
    '/v1/incidents/:id/roles/:role',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'clearIncidentRole',
        tags,
        summary: 'Clear an incident role',
        params: RoleParams,
        headers: IfMatchHeaders,
        response: { 200: incidentResponse('The incident after the change'), ...ACTION_ERRORS },
      },
    },
    async (request, reply) => {
      const row = await assignRole(app.db, request.params.id, request.params.role, null, requestActor(request), {
        ifMatch: request.headers['if-match'],
      });
      return send(reply, row);
    },
  );

  app.post(
    '/v1/incidents/:id/notes',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'addIncidentNote',
        tags,
        summary: 'Add a note to the timeline',
        params: IncidentRefParamsSchema,
        headers: IfMatchHeaders,
        body: NoteBodySchema,
        response: {
          201: Type.Object({ id: Type.Integer({ description: 'The note event id' }) }),
          ...ACTION_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { eventId } = await addNote(app.db, request.params.id, request.body.text, requestActor(request), {
        ifMatch: request.headers['if-match'],
      });
      return reply.code(201).send({ id: eventId });
    },
  );

  app.put(
    '/v1/incidents/:id/checklist/:item',
    {
      config: { role: 'responder' },
      schema: {
        operationId: 'tickIncidentChecklistItem',
        tags,
        summary: 'Tick or untick a checklist item',
        description: 'An item Klaxon observed stays done whatever a responder says.',
        params: Type.Object({ ...IncidentRefParamsSchema.properties, item: Type.Enum([...CHECKLIST_ITEM_IDS], { type: 'string' }) }),
        headers: IfMatchHeaders,
        body: ChecklistBodySchema,
        response: { 200: incidentResponse('The incident after the change'), ...ACTION_ERRORS },
      },
    },
    async (request, reply) => {
      const row = await tickChecklist(app.db, request.params.id, request.params.item, request.body.done, requestActor(request), {
        ifMatch: request.headers['if-match'],
      });
      return send(reply, row);
    },
  );
};

export default incidentActionRoutes;
