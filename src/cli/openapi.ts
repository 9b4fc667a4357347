import { writeFile } from 'node:fs/promises';
import { generateOpenApiJson } from '../openapi-document.js';

// `npm run openapi`: regenerates openapi/openapi.json from the routes' schemas.
const target = new URL('../../openapi/openapi.json', import.meta.url);
await writeFile(target, await generateOpenApiJson());
console.log(`wrote ${target.pathname}`);
