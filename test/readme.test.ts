import { readFile } from 'node:fs/promises';
import t from 'tap';
import { ConfigSchema } from '../src/config.js';

t.test('the README configuration table lists every variable with its default', async (t) => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  for (const [name, schema] of Object.entries(ConfigSchema.properties)) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    t.ok(row, `${name} has a row`);
    const expected = 'default' in schema ? `\`${String(schema.default)}\`` : 'unset';
    t.match(row ?? '', `| ${expected} |`, `${name} shows its default ${expected}`);
  }
});
