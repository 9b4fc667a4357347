/**
 * The public status page in Debian's real headless Chromium: a real listener, the page as a
 * visitor's browser builds it (--dump-dom), the browser's console (a CSP violation would show
 * there: the page's inline style must be allowed by its hash), and a phone-sized screenshot.
 *
 * Skips when no Chromium is installed (`apt-get install -y chromium`; .ci/run installs it).
 * To look at the page yourself: KLAXON_SCREENSHOT=/tmp/status.png with this test, or
 *   chromium --headless --no-sandbox --window-size=390,844 --screenshot=/tmp/status.png http://localhost:8080/status
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { createApiKey } from '../../src/auth/api-keys.js';
import { buildTestApp } from '../helper.js';

const run = promisify(execFile);
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

t.test(
  'a visitor sees the status page as Klaxon rendered it',
  {
    skip: CHROMIUM
      ? false
      : 'no Chromium at /usr/bin/chromium: install it with `apt-get install -y chromium` (.ci/run does) to render /status in a real browser',
  },
  async (t) => {
    if (!CHROMIUM) return;
    const { app, handle } = await buildTestApp(t);
    const key = await createApiKey(handle.db, { name: 'alice', role: 'responder' });
    const headers = { authorization: `Bearer ${key.key}` };
    const declared = await app.inject({
      method: 'POST',
      url: '/v1/incidents',
      headers,
      payload: { title: 'internal: pool exhausted on db-7', severity: 'SEV1', service: 'checkout', commander: 'Dana' },
    });
    const id = declared.json().id;
    const posted = await app.inject({
      method: 'POST',
      url: `/v1/incidents/${id}/updates`,
      headers,
      payload: {
        status: 'identified',
        findings: 'db-7 pool exhausted',
        actions: 'raising the pool size',
        publicTitle: 'Checkout is failing',
        publicMessage: 'We found the cause <script>document.title="pwned"</script> and are fixing it.',
      },
    });
    t.equal(posted.statusCode, 201, posted.body);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });

    const dir = mkdtempSync(path.join(tmpdir(), 'klaxon-chromium-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${dir}`, '--window-size=390,844'];
    const { stdout: dom, stderr } = await run(CHROMIUM, [...flags, '--enable-logging=stderr', '--v=0', '--dump-dom', `${url}/status`], {
      timeout: 120_000,
      maxBuffer: 10 * 1024 * 1024,
    });

    t.match(dom, '<title>Service status</title>', 'the title is ours, not one a script set');
    t.match(dom, /<p class="banner major_outage" role="status">Major outage<\/p>/);
    t.match(dom, '<h3>Checkout is failing</h3>');
    t.match(dom, 'We found the cause &lt;script&gt;document.title="pwned"&lt;/script&gt; and are fixing it.', 'shown as text');
    t.notMatch(dom, /<script/i, 'no script element in the page');
    t.match(dom, /<span>checkout<\/span><span class="major_outage">Major outage<\/span>/);
    t.notMatch(dom, /pool exhausted|db-7|Dana/, 'nothing internal');
    t.match(dom, '<meta name="viewport" content="width=device-width, initial-scale=1">', 'phone-sized');
    t.notMatch(stderr, /violates the following Content Security Policy/, 'the inline style is allowed by its hash');

    const shot = process.env.KLAXON_SCREENSHOT ?? path.join(dir, 'status.png');
    await run(CHROMIUM, [...flags, `--screenshot=${shot}`, `${url}/status`], { timeout: 120_000 });
    const png = readFileSync(shot);
    t.same([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG screenshot');
    t.equal(png.readUInt32BE(16), 390, 'phone width');
  },
);
