import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../../src/index.js';

// Times POST /_emulator/reset over loopback HTTP: on the default dataset, and on a start-up
// fixture of `checkpoints` generated checkpoints (a fixture with generate: {count}). For the
// benchmark (test/bench) to call, or to run alone:
//   node --import tsx test/control/reset-timing.ts [checkpoints...]

export interface ResetTiming {
  dataset: string;
  checkpoints: number;
  rounds: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

const WARM_UP = 5;

export async function timeReset(checkpoints?: number, rounds = 30): Promise<ResetTiming> {
  const dir = mkdtempSync(join(tmpdir(), 'emu-reset-'));
  let fixtures: string | undefined;
  if (checkpoints !== undefined) {
    fixtures = join(dir, 'generated.json');
    const cluster = { name: 'Big', clusterId: 'eeeeeeeeeeeeeeeeeeeeeeee', generate: { count: checkpoints } };
    writeFileSync(fixtures, JSON.stringify({ projects: [{ id: 'ffffffffffffffffffffffff', clusters: [cluster] }] }));
  }
  const emulator = await startEmulator({ fixtures, logLevel: 'warn' });
  try {
    const times: number[] = [];
    for (let i = 0; i < rounds + WARM_UP; i++) {
      const start = performance.now();
      const res = await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
      const body = (await res.json()) as { counts: { checkpoints: number } };
      const ms = performance.now() - start;
      if (res.status !== 200) throw new Error(`reset answered ${res.status}`);
      if (i >= WARM_UP) times.push(ms); // the first ones warm the JIT up
      if (checkpoints !== undefined && body.counts.checkpoints !== checkpoints) throw new Error('reset did not restore the dataset');
    }
    times.sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return {
      dataset: checkpoints === undefined ? 'default' : `generated ${checkpoints}`,
      checkpoints: emulator.app.emulator.store.counts().checkpoints,
      rounds,
      medianMs: round(times[Math.floor(times.length / 2)]!),
      minMs: round(times[0]!),
      maxMs: round(times.at(-1)!),
    };
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number);
  console.log(await timeReset());
  for (const size of sizes.length > 0 ? sizes : [100_000]) console.log(await timeReset(size, 3));
}
