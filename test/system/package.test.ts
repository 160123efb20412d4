import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { documentedEngineWarnings, packageName } from '../helpers/engine-warnings.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';

// The package as users get it: `npm pack`, installed into an empty project (dependencies from
// the registry; better-sqlite3 may compile from source, hence the long timeout), then used
// through the in-process API (type-checked against the shipped .d.ts with skipLibCheck off,
// by this checkout's TypeScript: nothing more is downloaded) and through the bin.

t.setTimeout(30 * 60_000);
const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

const dir = mkdtempSync(join(tmpdir(), 'emu-pack-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const project = join(dir, 'user-project');

const USER_SUITE = `import {
  AtlasError,
  ConfigError,
  FixtureFileError,
  startEmulator,
  type FixtureDocument,
  type JournalEntry,
  type RunningEmulator,
} from 'atlas-backup-emulator';

/** The name of the exported class the call's error is an instance of. */
async function caught(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (err) {
    for (const [name, type] of Object.entries({ AtlasError, ConfigError, FixtureFileError })) if (err instanceof type) return name;
    return String(err);
  }
  return 'nothing thrown';
}

const fixture: FixtureDocument = {
  projects: [{ id: 'cccccccccccccccccccccccc', clusters: [{ name: 'C', clusterId: 'dddddddddddddddddddddddd', generate: { count: 5 } }] }],
};
const emulator: RunningEmulator = await startEmulator({ seed: 7 });
const counts = emulator.load(fixture, 'replace');
const challenge = await fetch(emulator.url + '/api/atlas/v1.0/groups/cccccccccccccccccccccccc/clusters/C/backupCheckpoints');
await challenge.arrayBuffer();
const ready = await (await fetch(emulator.url + '/_emulator/ready')).json();
const journal: JournalEntry[] = emulator.requests();
const errors = [
  await caught(() => startEmulator({ port: -1 })),
  await caught(() => startEmulator({ fixtures: 'no-such-fixture.json' })),
  await caught(() => emulator.load({ projects: [{ id: 'not-an-id' }] })),
];
console.log(JSON.stringify({ counts, status: challenge.status, challenge: journal[0]?.challenge, ready, publicKey: emulator.publicKey, errors }));
await emulator.close();
`;

/** npm's warnings while installing the tarball. */
let installWarnings: string[] = [];

t.before(async () => {
  // Packed from a copy of the sources, so that the `prepack` build runs as it does for a user
  // without rewriting the dist/ that other test files run concurrently.
  const source = join(dir, 'source');
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'scripts', 'src', 'fixtures']) {
    cpSync(join(ROOT, entry), join(source, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: source, maxBuffer: 64 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }));
  const { stderr } = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn', join(dir, packed!.filename)], {
    cwd: project,
    maxBuffer: 64 * 1024 * 1024,
  });
  installWarnings = stderr.split('\n').filter((line) => line.startsWith('npm warn'));
});

t.test("the tarball holds dist, the users' fixtures and README, not sources, tests or test data", async (t) => {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: join(dir, 'source'),
    maxBuffer: 64 * 1024 * 1024,
  });
  const files = (JSON.parse(stdout.slice(stdout.indexOf('['))) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  const needed = [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/cli.js',
    'fixtures/default.json',
    'fixtures/fixture.schema.json',
    'fixtures/examples/two-clusters.json',
    'README.md',
    'package.json',
  ];
  for (const file of needed) t.ok(files.includes(file), file);
  t.notOk(
    files.some((f) => /^(src|scripts|test)\//.test(f)),
    'no sources, scripts or tests',
  );
  t.same(
    files.filter((f) => f.startsWith('fixtures/') && !needed.includes(f)),
    [],
    'no other fixtures (the contract test data stays out)',
  );
});

t.test('dist holds the emulator only: every dependency is imported from node_modules, none bundled', async (t) => {
  const dist = join(project, 'node_modules/atlas-backup-emulator/dist');
  const installed = JSON.parse(readFileSync(join(dist, '../package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const bundles = readdirSync(dist).filter((file) => file.endsWith('.js'));
  t.ok(bundles.includes('index.js') && bundles.includes('cli.js'), 'the entry points');
  for (const bundle of bundles) {
    const map = JSON.parse(readFileSync(join(dist, `${bundle}.map`), 'utf8')) as { sources: string[] };
    t.same(
      map.sources.filter((source) => !source.startsWith('../src/')),
      [],
      `${bundle} is built from src/ only`,
    );
    const code = readFileSync(join(dist, bundle), 'utf8');
    const imported = [...code.matchAll(/(?:from |import\()"([^".][^"]*)"/g)].map((m) => m[1]!);
    const packages = imported
      .filter((name) => !name.startsWith('node:'))
      .map((name) =>
        name
          .split('/')
          .slice(0, name.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    t.same(
      packages.filter((name) => !(name in installed.dependencies)),
      [],
      `${bundle} imports only declared dependencies (${[...new Set(packages)].join(', ') || 'none'})`,
    );
  }
  t.ok(existsSync(join(project, 'node_modules/fastify/package.json')), 'fastify is installed once, beside the package');
  t.notOk(existsSync(join(project, 'node_modules/atlas-backup-emulator/node_modules')), 'and no dependency is nested in it');
});

t.test('installing the tarball builds nothing, runs no script of the package and warns only as the README says', async (t) => {
  const installed = JSON.parse(readFileSync(join(project, 'node_modules/atlas-backup-emulator/package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  t.same(
    ['preinstall', 'install', 'postinstall', 'prepare'].filter((script) => script in installed.scripts),
    [],
    'no install script (npm 11 would flag it)',
  );
  t.equal(installed.scripts.prepack, 'npm run build', 'the build runs when packing');
  // npm 11 lists the packages whose install scripts the project has not approved: only
  // better-sqlite3's (its native binding), never this package. On Node.js 20, EBADENGINE only for
  // what the README says. Nothing else is warned of.
  const listed = /^npm warn install-scripts {3}(\S+) \(/;
  const engine = /^npm warn EBADENGINE {3}package: '(\S+)'/;
  t.same(
    installWarnings.filter((line) => !line.startsWith('npm warn install-scripts') && !line.startsWith('npm warn EBADENGINE')),
    [],
    'no other warning',
  );
  t.same(
    installWarnings.flatMap((line) => listed.exec(line)?.[1] ?? []).filter((name) => !name.startsWith('better-sqlite3@')),
    [],
    'no install script of the package is listed',
  );
  t.same(
    installWarnings
      .flatMap((line) => engine.exec(line)?.[1] ?? [])
      .map(packageName)
      .filter((name) => !documentedEngineWarnings().includes(name)),
    [],
    `EBADENGINE for no package but the README's (${documentedEngineWarnings().join(', ')})`,
  );
});

t.test('in-process API from the installed package, type-checked against its .d.ts', async (t) => {
  writeFileSync(join(project, 'suite.ts'), USER_SUITE);
  // A strict project that checks the declarations of its dependencies too, with no global types
  // of its own: the package's declarations must compile from what installing it brought.
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, types: [] },
      files: ['suite.ts'],
    }),
  );
  const typeCheck = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project }).catch((err: { stdout: string }) => err);
  t.equal(typeCheck.stdout, '', 'tsc reports nothing');
  const { stdout } = await run(process.execPath, ['suite.js'], { cwd: project });
  t.same(JSON.parse(stdout), {
    counts: { projects: 1, clusters: 1, checkpoints: 5 },
    status: 401,
    challenge: true,
    ready: {
      status: 'ready',
      version: JSON.parse((await run('npm', ['pkg', 'get', 'version'], { cwd: ROOT })).stdout),
      seed: 7,
      counts: { projects: 1, clusters: 1, checkpoints: 5 },
    },
    publicKey: 'emulator',
    errors: ['ConfigError', 'FixtureFileError', 'AtlasError'],
  });
});

t.test('npx atlas-backup-emulator in a checkout runs its dist/ as it is, without rebuilding it', async (t) => {
  const source = join(dir, 'source');
  const marker = join(source, 'dist/left-alone');
  writeFileSync(marker, '');
  const { stdout } = await run('npx', ['--yes', 'atlas-backup-emulator', '--version'], { cwd: source });
  t.equal(stdout.trim(), JSON.parse((await run('npm', ['pkg', 'get', 'version'], { cwd: ROOT })).stdout));
  t.ok(existsSync(marker), 'dist/ was not emptied and rebuilt');
});

t.test('the bin: --help, and a start with --port 0 --seed 7', async (t) => {
  const bin = join(project, 'node_modules/.bin/atlas-backup-emulator');
  const help = await run(bin, ['--help']);
  t.match(help.stdout, /^ {2}--seed <value> +seed of the generated data.*\n {4}ATLAS_EMU_SEED /m);

  const started = spawnEmulator({ command: bin, args: ['--port', '0', '--seed', '7', '--log-level', 'warn'], cwd: project });
  const base = await started.ready;
  const ready = (await (await fetch(`${base}/_emulator/ready`)).json()) as { seed: number; counts: object };
  t.equal(ready.seed, 7);
  t.same(ready.counts, { projects: 2, clusters: 4, checkpoints: 73 }, 'the default dataset ships in the package');
  t.equal(await started.stop(), 0);
});
