import { Type } from 'typebox';

/** `{id}` path parameter of every resource addressed by UUID. */
export const IdParamsSchema = Type.Object({ id: Type.String({ format: 'uuid' }) });
