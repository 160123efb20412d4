import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import t from 'tap';
import { documentedEngineWarnings, packageName } from '../helpers/engine-warnings.js';

// Reproducible installs: every dependency pinned exactly, the lockfile agreeing with
// package.json (what `npm ci` requires), and each runtime dependency justified in
// docs/development.md.

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<
    string,
    { version?: string; engines?: { node?: string }; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
  >;
};
const development = readFileSync(new URL('docs/development.md', root), 'utf8');

t.test('every dependency is pinned to an exact version', async (t) => {
  for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
    t.match(version, /^\d+\.\d+\.\d+$/, `${name}@${version}`);
  }
  t.match(pkg.dependencies['better-sqlite3'], /^12\./, 'better-sqlite3 stays on 12 (13 crashes on Node 20)');
});

t.test('the lockfile agrees with package.json and locks those exact versions', async (t) => {
  t.equal(lock.lockfileVersion, 3);
  t.same(lock.packages['']!.dependencies, pkg.dependencies);
  t.same(lock.packages['']!.devDependencies, pkg.devDependencies);
  for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
    t.equal(lock.packages[`node_modules/${name}`]?.version, version, `${name} is locked at ${version}`);
  }
});

t.test('the packages that warn EBADENGINE on the oldest supported Node.js are the ones the README names', async (t) => {
  // npm's own semver, the one that judges engines at install time: found from the npm that runs
  // the tests (npm_execpath), else from the global root (which is not npm's when another Node.js
  // without npm comes first on PATH, as in .ci/node-matrix.sh).
  const npmCli =
    process.env.npm_execpath ?? join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim(), 'npm', 'bin', 'npm-cli.js');
  const semver = createRequire(npmCli)('semver') as {
    minVersion(range: string): { version: string };
    satisfies(version: string, range: string): boolean;
  };
  const oldest = semver.minVersion(pkg.engines.node).version;
  t.equal(oldest, '20.19.0');
  const excluded = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.engines?.node && !semver.satisfies(oldest, entry.engines.node))
    .map(([path]) => packageName(path));
  t.same(excluded, documentedEngineWarnings(), `the README's list (${documentedEngineWarnings().join(', ')}) is exact`);
});

t.test('docs/development.md justifies every runtime dependency, and only those', async (t) => {
  const section = /\n## Dependencies\n([\s\S]*?)(?=\n## |$)/.exec(development)?.[1];
  t.ok(section, 'docs/development.md has a "## Dependencies" section');
  const listed = [...(section ?? '').matchAll(/^- `([^`]+)`: \S.*$/gm)].map((m) => m[1]).sort();
  t.same(listed, Object.keys(pkg.dependencies).sort(), 'one "- `name`: why" line per runtime dependency');
});
