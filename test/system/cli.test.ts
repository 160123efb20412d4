import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { recordUsage, usage } from '../../src/command.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';

// The `atlas-backup-emulator` bin as npx runs it: dist/cli.js (built by `npm test`).

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, ATLAS_EMU_LOG_LEVEL: 'warn', ...env },
      // An emulator that starts instead of refusing is stopped.
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

t.test('--help prints the help of the emulator or of record (test/options.test.ts checks its lines)', async (t) => {
  t.same(await cli(['--help']), { code: 0, stdout: usage(), stderr: '' });
  t.same(await cli(['record', '--help']), { code: 0, stdout: recordUsage(), stderr: '' });
  t.match(usage(), /^Usage: atlas-backup-emulator \[options\]$/m);
});

t.test('--version prints the version', async (t) => {
  const { code, stdout } = await cli(['--version']);
  t.equal(code, 0);
  t.match(stdout, /^\d+\.\d+\.\d+\n$/);
});

t.test('bad options exit non-zero naming the option', async (t) => {
  const cases: [string[], string][] = [
    [['--prot', '8080'], 'atlas-backup-emulator: unknown option "--prot" (did you mean --port? see --help)\n'],
    [['--port', 'abc'], 'atlas-backup-emulator: --port must be an integer from 0 to 65535, got "abc"\n'],
    [['--seed'], 'atlas-backup-emulator: option --seed needs a value\n'],
    [
      ['--log-level=loud'],
      'atlas-backup-emulator: --log-level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"\n',
    ],
    [['--journal-max=-1'], 'atlas-backup-emulator: --journal-max must be an integer from 0 to 1000000, got "-1"\n'],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await cli(args);
    t.equal(code, 2, args.join(' '));
    t.equal(stderr, message);
    t.equal(stdout, '');
  }
});

t.test('an unknown ATLAS_EMU_ variable is refused like an unknown flag, naming the closest option', async (t) => {
  t.same(await cli(['--port', '0'], { ATLAS_EMU_LOGLEVEL: 'silent' }), {
    code: 2,
    stdout: '',
    stderr: 'atlas-backup-emulator: unknown variable "ATLAS_EMU_LOGLEVEL" (did you mean ATLAS_EMU_LOG_LEVEL? see --help)\n',
  });
  t.same(await cli(['record', '--group', 'x'], { ATLAS_EMU_SOURCE_PUBLICKEY: 'not-shown' }), {
    code: 2,
    stdout: '',
    stderr:
      'atlas-backup-emulator record: unknown variable "ATLAS_EMU_SOURCE_PUBLICKEY" (did you mean ATLAS_EMU_SOURCE_PUBLIC_KEY? see --help)\n',
  });
});

t.test('--port 0 --seed 7 --fixtures f.json starts the emulator; flags win over the environment, even an invalid variable', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
  const fixture = join(dir, 'f.json');
  writeFileSync(
    fixture,
    JSON.stringify({
      projects: [
        { id: 'cccccccccccccccccccccccc', clusters: [{ name: 'C', clusterId: 'dddddddddddddddddddddddd', generate: { count: 7 } }] },
      ],
    }),
  );
  const started = spawnEmulator({
    args: [CLI, '--port', '0', '--seed', '7', `--fixtures=${fixture}`, '--admin-token', 'tkn'],
    // ATLAS_EMU_SOURCE_PUBLIC_KEY is the record command's: it may be set.
    env: { ATLAS_EMU_SEED: '3', ATLAS_EMU_PORT: 'eighty', ATLAS_EMU_LOG_LEVEL: 'warn', ATLAS_EMU_SOURCE_PUBLIC_KEY: 'k' },
  });
  const base = await started.ready;
  t.match(started.output(), '1 project, 1 cluster, 7 checkpoints (seed 7, store :memory:)');
  const ready = await fetch(`${base}/_emulator/ready`);
  t.same(await ready.json(), {
    status: 'ready',
    version: JSON.parse(await (await fetch(`${base}/_emulator/info`, { headers: { authorization: 'Bearer tkn' } })).text()).version,
    seed: 7,
    counts: { projects: 1, clusters: 1, checkpoints: 7 },
  });
  t.equal((await fetch(`${base}/_emulator/info`)).status, 401, '--admin-token protects the control routes');
  t.equal(await started.stop(), 0);
});
