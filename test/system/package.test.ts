import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { spawnEmulator } from '../helpers/spawn-emulator.js';

// The package as users get it: `npm pack`, installed into an empty project (dependencies from
// the registry; better-sqlite3 may compile from source, hence the long timeout), then used
// through the in-process API (type-checked against the shipped .d.ts) and through the bin.

t.setTimeout(30 * 60_000);
const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

const dir = mkdtempSync(join(tmpdir(), 'emu-pack-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const project = join(dir, 'user-project');

const USER_SUITE = `import { startEmulator, type FixtureDocument, type JournalEntry, type RunningEmulator } from 'atlas-backup-emulator';

const fixture: FixtureDocument = {
  projects: [{ id: 'cccccccccccccccccccccccc', clusters: [{ name: 'C', clusterId: 'dddddddddddddddddddddddd', generate: { count: 5 } }] }],
};
const emulator: RunningEmulator = await startEmulator({ seed: 7 });
const counts = emulator.load(fixture, 'replace');
const challenge = await fetch(emulator.url + '/api/atlas/v1.0/groups/cccccccccccccccccccccccc/clusters/C/backupCheckpoints');
await challenge.arrayBuffer();
const ready = await (await fetch(emulator.url + '/_emulator/ready')).json();
const journal: JournalEntry[] = emulator.requests();
console.log(JSON.stringify({ counts, status: challenge.status, challenge: journal[0]?.challenge, ready, publicKey: emulator.publicKey }));
await emulator.close();
`;

t.before(async () => {
  // Packed from a copy of the sources, so that the `prepare` build runs as it does for a user
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
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(dir, packed!.filename)], {
    cwd: project,
    maxBuffer: 64 * 1024 * 1024,
  });
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

t.test('in-process API from the installed package, type-checked against its .d.ts', async (t) => {
  writeFileSync(join(project, 'suite.ts'), USER_SUITE);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, types: [] },
      files: ['suite.ts'],
    }),
  );
  await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project });
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
  });
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
