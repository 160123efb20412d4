import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER0 } from '../helpers/test-app.js';
import { fetchAuthed } from './digest-fetch.js';
import type { AuthMode } from './load-generator.js';
import { LoadGenerator, startEmulator, stop, stopAll } from './processes.js';

// Where the emulator's time goes under a benchmark load: runs it with `node --cpu-prof`,
// loads Cluster0's page 1, and prints the functions with the most inclusive and self time
// (idle left out; start-up is in it too). V8 samples wall-clock
// time, so on a busy machine the us/call figures are high; the shares hold better.
// Usage: node --import tsx test/bench/profile.ts [digest|challenge-per-call] [seconds]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const auth = (process.argv[2] ?? 'digest') as AuthMode;
const seconds = Number(process.argv[3] ?? 10);
const path = `${CLUSTER0}?pageNum=1&itemsPerPage=100`;
const directory = mkdtempSync(join(tmpdir(), 'atlas-profile-'));
const generator = new LoadGenerator();

/** A frame's name and place (the emulator is one bundle: its functions keep their names). */
function keyOf({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const where = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

/**
 * Self time shows where the CPU is; inclusive time (a function and all it calls) shows what a
 * step of the request costs, e.g. the Digest check (`verify`) or the page cache (`respond`).
 * Fastify runs hooks and handler synchronously one inside the other, so an early hook's
 * inclusive time holds the later ones.
 */
function summarize(profile: Profile, calls: number): string {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const key = keyOf(byNode.get(id)!.callFrame);
    const delta = profile.timeDeltas[i] ?? 0;
    if (key === '(idle)') return;
    total += delta;
    self.set(key, (self.get(key) ?? 0) + delta);
    const counted = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = keyOf(byNode.get(at)!.callFrame);
      if (counted.has(frame) || frame === '(root)') continue;
      counted.add(frame);
      inclusive.set(frame, (inclusive.get(frame) ?? 0) + delta);
    }
  });
  const top = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}% ${(us / calls).toFixed(1).padStart(6)} us/call  ${key}`);
  return [
    `busy ${(total / 1000).toFixed(0)} ms in all, ${(total / calls).toFixed(0)} us per call (start-up included)`,
    '',
    'by function, inclusive (the function and what it calls):',
    ...top(inclusive, 60),
    '',
    'by function (self time):',
    ...top(self, 40),
  ].join('\n');
}

try {
  const server = await startEmulator({ ATLAS_EMU_LOG_LEVEL: 'warn' }, ['--cpu-prof', `--cpu-prof-dir=${directory}`]);
  const { body } = await fetchAuthed(server.origin, path);
  const result = await generator.load({ origin: server.origin, path, auth, connections: 50, seconds, expectedLength: body.length });
  process.stderr.write(
    `${auth}: ${Math.round(result.calls / result.seconds)} calls/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${result.failures} failures\n`,
  );
  await stop(server);
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'))!;
  process.stdout.write(`${summarize(JSON.parse(readFileSync(join(directory, file), 'utf8')) as Profile, result.calls)}\n`);
} finally {
  stopAll();
  if (process.env.KEEP_PROFILE) process.stderr.write(`profile kept in ${directory}\n`);
  else rmSync(directory, { recursive: true, force: true });
}
