import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER0 } from '../helper.js';
import { fetchAuthed } from './digest-fetch.js';
import type { AuthMode } from './load-generator.js';
import { LoadGenerator, startEmulator, stop, stopAll } from './processes.js';

// Where the emulator's time goes under a benchmark load: runs it with `node --cpu-prof`,
// loads Cluster0's page 1, and prints the busy time by area of the stack and the functions
// with the most self time (idle left out; start-up is in it too). V8 samples wall-clock
// time, so on a busy machine the us/call figures are high; the shares hold better.
// Usage: node --import tsx test/bench/profile.ts [digest|challenge-per-call] [seconds]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
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

/** Which part of the stack a sampled frame belongs to. */
function areaOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (/dist\/auth\/|crypto/.test(url) || functionName === 'Hmac') return 'Digest auth (parsing, HMAC, MD5)';
  if (/dist\/control\//.test(url)) return 'journal and fault hooks';
  if (/dist\/atlas\//.test(url)) return 'checkpoint routes and page cache';
  if (/fastify|find-my-way|avvio/.test(url)) return 'Fastify';
  if (/pino/.test(url)) return 'pino (a child logger per request)';
  if (functionName === 'writev' || functionName === 'writeBuffer') return 'socket writes (kernel)';
  if (/node:_http|node:net|stream|node:events|task_queues|timers/.test(url) || functionName === 'emit') return 'node:http, streams, events';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (/modules|realm|bootstrap/.test(url) || /compile|wrapSafe/.test(functionName)) return 'start-up (module loading)';
  return 'other';
}

function summarize(profile: Profile, calls: number): string {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byNode.get(id)!.callFrame;
    const where = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    const delta = profile.timeDeltas[i] ?? 0;
    if (key === '(idle)') return;
    self.set(key, (self.get(key) ?? 0) + delta);
    const area = areaOf(byNode.get(id)!.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + delta);
    total += delta;
  });
  const top = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}% ${(us / calls).toFixed(1).padStart(6)} us/call  ${key}`);
  return [
    `busy ${(total / 1000).toFixed(0)} ms in all, ${(total / calls).toFixed(0)} us per call (start-up included)`,
    '',
    'by area:',
    ...top(areas, areas.size),
    '',
    'by function (self time):',
    ...top(self, 40),
  ].join('\n');
}

try {
  const server = await startEmulator({ ATLAS_EMU_LOG_LEVEL: 'warn' }, ['--cpu-prof', `--cpu-prof-dir=${directory}`]);
  const { body } = await fetchAuthed(server.origin, path);
  const result = await generator.load({ origin: server.origin, path, auth, connections: 50, seconds, expectedLength: body.length });
  process.stderr.write(`${auth}: ${Math.round(result.calls / result.seconds)} calls/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${result.failures} failures\n`);
  await stop(server);
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'))!;
  process.stdout.write(`${summarize(JSON.parse(readFileSync(join(directory, file), 'utf8')) as Profile, result.calls)}\n`);
} finally {
  stopAll();
  if (process.env.KEEP_PROFILE) process.stderr.write(`profile kept in ${directory}\n`);
  else rmSync(directory, { recursive: true, force: true });
}
