import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { optionRows } from '../../src/model/options.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';

// The `atlas-backup-emulator` bin as npx runs it: dist/cli.js (built by `npm test`).

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ATLAS_EMU_LOG_LEVEL: 'warn' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

t.test('--help lists every option with its environment variable and default', async (t) => {
  const { code, stdout, stderr } = await cli(['--help']);
  t.equal(code, 0);
  t.equal(stderr, '');
  t.match(stdout, /^Usage: atlas-backup-emulator \[options\]$/m);
  for (const option of optionRows()) {
    // A boolean flag takes no value.
    const flag = option.kind === 'boolean' ? option.flag : `${option.flag} <value>`;
    const line = stdout.split('\n').find((l) => l.trimStart().startsWith(`${flag} `));
    t.ok(line, `${option.flag} listed`);
    t.match(line, option.env, `${option.flag} names ${option.env}`);
    t.match(line, option.default === undefined ? '(none)' : String(option.default), `${option.flag} shows its default`);
    t.match(line, option.describe);
  }
});

t.test('--version prints the version', async (t) => {
  const { code, stdout } = await cli(['--version']);
  t.equal(code, 0);
  t.match(stdout, /^\d+\.\d+\.\d+\n$/);
});

t.test('bad options exit non-zero naming the option', async (t) => {
  const cases: [string[], string][] = [
    [['--prot', '8080'], 'atlas-backup-emulator: unknown option "--prot" (see --help)\n'],
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

t.test('--port 0 --seed 7 --fixtures f.json starts the emulator; flags win over the environment', async (t) => {
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
    env: { ATLAS_EMU_SEED: '3', ATLAS_EMU_LOG_LEVEL: 'warn' },
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
