import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openDatabase } from './db/client.js';

/** Key order made independent of registration order, so the committed file diffs cleanly. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The OpenAPI 3.1 document as the routes declare it, serialized as committed under openapi/. */
export async function generateOpenApiJson(): Promise<string> {
  // Building the app never queries: a pool that would connect nowhere is enough.
  const handle = openDatabase('postgres://openapi@127.0.0.1:1/none', 1);
  const app = await buildApp({ config: { ...loadConfig({}), KLAXON_BODY_LIMIT: 1024 * 1024 }, db: handle.db });
  try {
    await app.ready();
    return `${JSON.stringify(sortKeys(app.swagger()), null, 2)}\n`;
  } finally {
    await app.close();
    await handle.close();
  }
}
