import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, startEmulator } from '../../src/index.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';

// `atlas-backup-emulator record` as users run it, a process of its own (the built CLI when there
// is one): a problem is exit status 2 and one line; and a recording streams: 100,000 checkpoints
// take little more memory than 10,000 (each page is written to the file as it comes), read from
// an emulator process as fast as it answers (--rate 60000), and the file loads into an emulator.

const GROUP = '64b0c0ffee0000000000b16a';
const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-record-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const CLI = existsSync('dist/cli.js') ? ['dist/cli.js'] : ['--import', 'tsx', 'src/cli.ts'];
const KEY = { ATLAS_EMU_SOURCE_PUBLIC_KEY: DEFAULT_PUBLIC_KEY, ATLAS_EMU_SOURCE_PRIVATE_KEY: DEFAULT_PRIVATE_KEY };

t.test('a refused key pair: exit status 2, one line, the previous file as it was', async (t) => {
  const source = await startEmulator({ logLevel: 'silent' });
  t.teardown(() => source.close());
  const out = join(dir, 'previous.json');
  writeFileSync(out, '{"projects": []}\n');
  const recorder = spawnEmulator({
    args: [...CLI, 'record', '--source', source.url, '--group', '6b8cd3c380eef5349ef77af7', '--cluster', 'Cluster0', '--out', out],
    env: { ...KEY, ATLAS_EMU_SOURCE_PRIVATE_KEY: 'wrong' },
  });
  t.equal(await recorder.exited, 2);
  t.equal(
    recorder.output(),
    'atlas-backup-emulator record: the source refused the API key pair (its public or private key is wrong, or it has been revoked)\n',
  );
  t.equal(readFileSync(out, 'utf8'), '{"projects": []}\n');
});

t.test('Ctrl-C ends a recording: exit status 2, one line, the previous file as it was', async (t) => {
  const source = await startEmulator({ logLevel: 'silent' });
  t.teardown(() => source.close());
  const out = join(dir, 'interrupted.json');
  writeFileSync(out, '{"projects": []}\n');
  // One request a minute: after the challenge, it waits.
  const recorder = spawnEmulator({
    args: [
      ...CLI,
      'record',
      '--source',
      source.url,
      '--group',
      '6b8cd3c380eef5349ef77af7',
      '--cluster',
      'Cluster0',
      '--out',
      out,
      '--rate',
      '1',
    ],
    env: KEY,
  });
  while (source.requests().length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(await recorder.stop('SIGINT'), 2);
  t.equal(recorder.output(), 'atlas-backup-emulator record: interrupted: the previous file is left as it was\n');
  t.equal(readFileSync(out, 'utf8'), '{"projects": []}\n');
});

/** The process's peak resident set (VmHWM) in kB, read until it exits. */
function peakKb(pid: number, exited: Promise<unknown>): Promise<number> {
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]));
    } catch {
      // Gone.
    }
  };
  const sampler = setInterval(sample, 10);
  return exited.then(() => {
    clearInterval(sampler);
    return peak;
  });
}

async function recordOf(count: number): Promise<{ seconds: number; peakMb: number; out: string }> {
  const fixture = join(dir, `source-${count}.json`);
  writeFileSync(
    fixture,
    JSON.stringify({
      projects: [
        {
          id: GROUP,
          clusters: [{ name: 'Big', clusterId: '64b0c0ffee0000000000c1a5', generate: { count, intervalMinutes: 1, snapshots: 1000 } }],
        },
      ],
    }),
  );
  const source = spawnEmulator({ env: { ATLAS_EMU_FIXTURES: fixture, ATLAS_EMU_LOG_LEVEL: 'warn' } });
  t.teardown(() => source.stop('SIGKILL'));
  const url = await source.ready;
  const out = join(dir, `recorded-${count}.json`);
  const started = performance.now();
  const recorder = spawnEmulator({
    args: [...CLI, 'record', '--source', url, '--group', GROUP, '--cluster', 'Big', '--out', out, '--rate', '60000'],
    env: KEY,
  });
  const peak = await peakKb(recorder.child.pid!, recorder.exited);
  const seconds = (performance.now() - started) / 1000;
  t.equal(await recorder.exited, 0, recorder.output());
  t.match(recorder.output(), new RegExp(`^recorded 1 cluster into .*: ${count} checkpoints, 1000 snapshots, 0 restore jobs`));
  await source.stop();
  return { seconds, peakMb: peak / 1024, out };
}

t.test('100,000 checkpoints record in about the memory of 10,000, and load', async (t) => {
  const small = await recordOf(10_000);
  const large = await recordOf(100_000);
  for (const [count, run] of [
    [10_000, small],
    [100_000, large],
  ] as const) {
    t.comment(`${count.toLocaleString('en')} checkpoints: ${run.seconds.toFixed(1)} s, peak RSS ${run.peakMb.toFixed(0)} MB`);
  }
  t.ok(large.peakMb < small.peakMb + 25, `peak RSS ${large.peakMb.toFixed(0)} MB for 100,000, ${small.peakMb.toFixed(0)} MB for 10,000`);
  const emulator = await startEmulator({ fixtures: large.out, logLevel: 'silent' });
  t.teardown(() => emulator.close());
  t.same(emulator.app.emulator.store.counts(), { projects: 1, clusters: 1, checkpoints: 100_000 });
});
