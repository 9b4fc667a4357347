/**
 * The generated OpenAPI document as test data: its operations, and Ajv validators
 * (JSON Schema 2020-12, the dialect of OpenAPI 3.1) for any schema in it, with
 * `#/components/...` references resolved against the document itself.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { generateOpenApiJson } from '../../src/openapi-document.js';

export type JsonSchema = Record<string, any>;

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface OperationObject {
  operationId: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema: JsonSchema }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  'x-klaxon-role'?: 'viewer' | 'responder' | 'admin';
  [key: string]: unknown;
}

export interface Operation {
  method: string;
  /** The OpenAPI path, `{param}` style. */
  path: string;
  op: OperationObject;
  /** JSON pointer to the operation inside the document. */
  pointer: string;
}

const DOC_ID = 'urn:klaxon:openapi';

export async function loadOpenApi(): Promise<OpenApiDocument> {
  return JSON.parse(await generateOpenApiJson()) as OpenApiDocument;
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method, path, op, pointer: `/paths/${escapePointer(path)}/${method}` })),
  );
}

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

/** Validators for schemas addressed by JSON pointer into `doc`; compiled once each. */
export function documentValidators(doc: OpenApiDocument) {
  // strict: false, because a document is not a schema: `openapi`, `paths`, `x-…` are not keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(doc, DOC_ID);
  const cache = new Map<string, ValidateFunction>();
  return {
    ajv,
    /** The validator of the schema at `pointer` (e.g. `/paths/~1v1~1incidents/get/responses/200/content/application~1json/schema`). */
    at(pointer: string): ValidateFunction {
      let validate = cache.get(pointer);
      if (!validate) {
        validate = ajv.getSchema(`${DOC_ID}#${pointer}`);
        if (!validate) throw new Error(`no schema at ${pointer}`);
        cache.set(pointer, validate);
      }
      return validate;
    },
  };
}

/** The pointer to an operation's JSON request body schema, if it has one. */
export function requestBodyPointer(operation: Operation): string | undefined {
  const content = operation.op.requestBody?.content;
  if (!content?.['application/json']) return undefined;
  return `${operation.pointer}/requestBody/content/application~1json/schema`;
}

/** Ajv's errors, one line each, for assertion messages. */
export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}
