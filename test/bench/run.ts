import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_FIXTURE } from '../../src/fixtures/fixture-files.js';
import { CLUSTER0 } from '../helpers/test-app.js';
import { BIG_CLUSTER, BIG_GROUP, bigClusterFixture } from './big-cluster.js';
import { LIVE_CLOCK, LIVE_GROUP, liveClusterFixture } from './live-cluster.js';
import { fetchAuthed } from './digest-fetch.js';
import type { AuthMode } from './load-generator.js';
import {
  cpuMs,
  HAS_WRK,
  LoadGenerator,
  PINNING_NOTE,
  rssMb,
  runScript,
  runWrk,
  startBareFastify,
  startBaseline,
  startEmulator,
  stop,
  stopAll,
  type Server,
} from './processes.js';
import {
  machineDescription,
  renderReport,
  type BenchResults,
  type ColdStart,
  type Compared,
  type Extended,
  type Measured,
  type PageFigures,
  type Round,
  type WrkMeasured,
} from './report.js';
import { median } from './stats.js';

// `npm run bench` (or `npm run bench -- --quick` for a short smoke run of the harness).
// The scenarios of docs/performance.md. Only loopback is ever a target.
//   --core           scenarios 1, 2, 3 and 5 only (the performance budget's figures)
//   --compare DIR    another build (a checkout whose dist/ is built) measured side by side:
//                    its signed page and Go pattern in the same rounds, its cold starts in
//                    turn with this build's; DIR#fault arms a fault rule that matches nothing
//                    on it first. Repeatable.

const ARGS = parseArgs({
  options: { quick: { type: 'boolean' }, core: { type: 'boolean' }, compare: { type: 'string', multiple: true } },
}).values;
const QUICK = ARGS.quick ?? false;
const SETTINGS = QUICK
  ? {
      warmupSeconds: 1,
      rounds: 2,
      roundSeconds: 2,
      connections: 50,
      bigCount: 100_000,
      liveCount: 10_000,
      coldSamples: 5,
      coldStarts: 2,
      soakSeconds: 10,
      clockMoves: 2,
    }
  : {
      warmupSeconds: 3,
      rounds: 3,
      roundSeconds: 6,
      connections: 50,
      bigCount: 1_000_000,
      liveCount: 100_000,
      coldSamples: 31,
      coldStarts: 10,
      soakSeconds: 60,
      clockMoves: 7,
    };
/** The builds compared with this one: where each is, and whether a fault rule that matches nothing is armed on it. */
const COMPARED = (ARGS.compare ?? []).map((spec) => {
  const [dir, variant] = spec.split('#') as [string, string | undefined];
  return {
    root: pathToFileURL(`${resolve(dir)}/`),
    label: `${basename(resolve(dir))}${variant === 'fault' ? ', a fault rule armed that matches nothing' : ''}`,
    fault: variant === 'fault',
  };
});
/** A fault rule that no request matches: arming one changes what a build does with every request (the early path of older builds is off while rules are armed). */
const NOTHING_MATCHING_RULE = { match: { path: '/nothing/matches/this' }, effect: { type: 'error', status: 500 } };
const PAGE_SIZE = 100;
const CLUSTER0_PAGE1 = `${CLUSTER0}?pageNum=1&itemsPerPage=${PAGE_SIZE}`;
const bigPage = (pageNum: number) =>
  `/api/atlas/v1.0/groups/${BIG_GROUP}/clusters/${BIG_CLUSTER}/backupCheckpoints?pageNum=${pageNum}&itemsPerPage=${PAGE_SIZE}`;
const BASELINES = [
  { kind: 'node-http', label: 'bare node:http, precomputed bytes' },
  { kind: 'fastify-bytes', label: 'bare Fastify, precomputed bytes' },
  { kind: 'fastify-serialize', label: 'bare Fastify, page serialized per request' },
];
/** Scenario 3's floors: Node's HTTP server alone, then bare Fastify, answering the 401 then the page, nothing checked. */
const CHALLENGE_BASELINES = [
  { kind: 'node-http-challenge', label: "bare node:http, Atlas's 401 then the page per call (nothing checked)" },
  { kind: 'fastify-challenge', label: "bare Fastify, Atlas's 401 then the page per call (nothing checked)" },
];

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const generator = new LoadGenerator();
const work = mkdtempSync(join(tmpdir(), 'atlas-bench-'));

/** One load to measure: which server, which request, how it authenticates. */
interface Job {
  label: string;
  server: Server;
  path: string;
  auth: AuthMode;
  expectedLength: number;
}

/**
 * Each job's warm-up (failures counted, figures dropped), then the rounds, taken in turn: round
 * 1 of every job, then round 2 of every job... The machine's speed drifts (it is a virtual
 * machine, its host's other work varies), and taking the rounds in turn makes the jobs compared
 * in one table share that drift instead of each meeting its own. Medians over the rounds.
 */
async function measureInTurn(jobs: Job[]): Promise<Measured[]> {
  const round = async ({ server, path, auth, expectedLength }: Job, seconds: number): Promise<Round> => {
    const cpuBefore = cpuMs(server);
    const result = await generator.load({ origin: server.origin, path, auth, connections: SETTINGS.connections, expectedLength, seconds });
    const cpuAfter = cpuMs(server);
    return { ...result, serverCpuMs: cpuAfter.total - cpuBefore.total, serverUserMs: cpuAfter.user - cpuBefore.user };
  };
  const warmups: Round[] = [];
  for (const job of jobs) warmups.push(await round(job, SETTINGS.warmupSeconds));
  const rounds: Round[][] = jobs.map(() => []);
  for (let i = 0; i < SETTINGS.rounds; i++) for (const [j, job] of jobs.entries()) rounds[j]!.push(await round(job, SETTINGS.roundSeconds));
  return jobs.map(({ label }, j) => summarizeRounds(label, warmups[j]!, rounds[j]!));
}

function summarizeRounds(label: string, warmup: Round, rounds: Round[]): Measured {
  const measured: Measured = {
    label,
    warmup,
    rounds,
    callsPerSecond: median(rounds.map((r) => r.calls / r.seconds)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    serverUsPerCall: median(rounds.map((r) => (1000 * r.serverCpuMs) / r.calls)),
    serverUserUsPerCall: median(rounds.map((r) => (1000 * r.serverUserMs) / r.calls)),
    serverCpu: median(rounds.map((r) => r.serverCpuMs / (1000 * r.seconds))),
    generatorCpu: median(rounds.map((r) => r.generatorCpu)),
    failures: warmup.failures + rounds.reduce((sum, r) => sum + r.failures, 0),
  };
  log(
    `${label}: ${measured.callsPerSecond.toFixed(0)}/s p50 ${measured.p50.toFixed(2)} ms p99 ${measured.p99.toFixed(2)} ms, ` +
      `server ${measured.serverUsPerCall.toFixed(0)} us/call (user ${measured.serverUserUsPerCall.toFixed(0)}, CPU ${(100 * measured.serverCpu).toFixed(0)}%), ` +
      `generator CPU ${(100 * measured.generatorCpu).toFixed(0)}%, ${measured.failures} failures`,
  );
  return measured;
}

/** wrk's view of one path (unsigned requests), after a 1 s warm-up: the second opinion. */
async function measureWithWrk(label: string, server: Server, path: string): Promise<WrkMeasured> {
  await runWrk(server.origin + path, SETTINGS.connections, 1);
  const cpuBefore = cpuMs(server);
  const result = await runWrk(server.origin + path, SETTINGS.connections, SETTINGS.roundSeconds);
  const cpuAfter = cpuMs(server);
  const serverCpuMs = cpuAfter.total - cpuBefore.total;
  const measured = {
    label,
    result,
    serverUsPerCall: (1000 * serverCpuMs) / result.calls,
    serverUserUsPerCall: (1000 * (cpuAfter.user - cpuBefore.user)) / result.calls,
    serverCpu: serverCpuMs / (1000 * SETTINGS.roundSeconds),
  };
  log(
    `${label} (wrk): ${result.callsPerSecond.toFixed(0)}/s p99 ${result.p99.toFixed(2)} ms, server ${measured.serverUsPerCall.toFixed(0)} us/call (user ${measured.serverUserUsPerCall.toFixed(0)}, CPU ${(100 * measured.serverCpu).toFixed(0)}%)`,
  );
  return measured;
}

async function page(server: Server, path: string): Promise<Buffer> {
  const res = await fetchAuthed(server.origin, path);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body.toString().slice(0, 200)}`);
  return res.body;
}

/** Scenario 5: from spawn to the first 200 of Cluster0's page 1 (a challenge, then the signed call), not pinned to a CPU. */
async function coldStart(root?: URL): Promise<ColdStart> {
  const server = await startEmulator({}, [], false, root);
  await page(server, CLUSTER0_PAGE1);
  const firstOkMs = performance.now() - server.startedAt;
  const { total } = cpuMs(server);
  await stop(server);
  return { readyMs: server.readyMs, firstOkMs, cpuMs: total };
}

/** Scenario 5's baseline: from spawn to the first 200 of a bare Fastify app. */
async function bareFastifyStart(): Promise<ColdStart> {
  const server = await startBareFastify();
  const res = await fetch(`${server.origin}/`);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`bare Fastify: ${res.status}`);
  const firstOkMs = performance.now() - server.startedAt;
  const { total } = cpuMs(server);
  await stop(server);
  return { readyMs: server.readyMs, firstOkMs, cpuMs: total };
}

/** Arms a fault rule on `server` that no request matches. */
async function armNothingMatchingRule(server: Server): Promise<void> {
  const res = await fetch(`${server.origin}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(NOTHING_MATCHING_RULE),
  });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`POST /_emulator/faults: ${res.status}`);
}

/** Time of POST /_emulator/reset, or undefined while the control plane has none. */
async function resetMs(server: Server): Promise<number | undefined> {
  const started = performance.now();
  const res = await fetch(`${server.origin}/_emulator/reset`, { method: 'POST' });
  await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status === 404) return undefined;
  if (res.status >= 300) throw new Error(`POST /_emulator/reset: ${res.status}`);
  return ms;
}

/** Scenario 6: seeding in a fresh process on the server CPU, timed around store.load(). */
async function seedTiming(count: number): Promise<Extended['seeding']> {
  return JSON.parse(await runScript('test/bench/seed-timing.ts', [String(count)])) as Extended['seeding'];
}

/** Scenario 4 and 7's page figures: first hits (each sample its own URL, an ignored query parameter, so none is a cache hit), then steady load. */
async function measurePages(server: Server, targets: { label: string; path: string }[]): Promise<PageFigures[]> {
  const probePaths = [];
  for (let i = 0; i < SETTINGS.coldSamples; i++) for (const target of targets) probePaths.push(`${target.path}&benchSample=${i}`);
  const probe = await generator.probe({ origin: server.origin, paths: probePaths });
  const bodies: Buffer[] = [];
  for (const target of targets) bodies.push(await page(server, target.path));
  const steady = await measureInTurn(
    targets.map((target, index) => ({ ...target, server, auth: 'digest', expectedLength: bodies[index]!.length })),
  );
  return targets.map((target, index) => {
    const samples = probe.latencies.filter((_, i) => i % targets.length === index);
    const statuses = probe.statuses.filter((_, i) => i % targets.length === index);
    return {
      label: target.label,
      bytes: bodies[index]!.length,
      firstHitMs: median(samples),
      firstHitFailures: statuses.filter((s) => s !== 200).length,
      steady: steady[index]!,
    };
  });
}

/** Scenario 7: a live cluster's pages against a static one's of the same size, then moving the clock by 30 days. */
async function liveCluster(): Promise<Extended['live']> {
  const count = SETTINGS.liveCount;
  const file = join(work, 'live.json');
  writeFileSync(file, JSON.stringify(liveClusterFixture(count)));
  const server = await startEmulator({ ATLAS_EMU_FIXTURES: file, ATLAS_EMU_CLOCK: LIVE_CLOCK });
  const lastPage = Math.ceil(count / PAGE_SIZE);
  const path = (cluster: string, pageNum: number) =>
    `/api/atlas/v1.0/groups/${LIVE_GROUP}/clusters/${cluster}/backupCheckpoints?pageNum=${pageNum}&itemsPerPage=${PAGE_SIZE}`;
  const targets = ['Static', 'Live'].flatMap((cluster) =>
    [1, lastPage].map((n) => ({ label: `${cluster} page ${n}`, path: path(cluster, n) })),
  );
  const pages = await measurePages(server, targets);
  // Each move: the POST that moves the clock, then the first read of the last page (the cache must not serve the stale one).
  const moves: { advanceMs: number; firstReadMs: number }[] = [];
  for (let i = 0; i < SETTINGS.clockMoves; i++) {
    const before = (await page(server, path('Live', lastPage))).toString();
    let started = performance.now();
    const res = await fetch(`${server.origin}/_emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"advance":"P30D"}',
    });
    await res.arrayBuffer();
    const advanceMs = performance.now() - started;
    if (res.status !== 200) throw new Error(`POST /_emulator/clock: ${res.status}`);
    started = performance.now();
    const after = (await page(server, path('Live', lastPage))).toString();
    const firstReadMs = performance.now() - started;
    if (after === before) throw new Error('the live page did not change after 30 days');
    moves.push({ advanceMs, firstReadMs });
  }
  log(
    `live: advance P30D median ${median(moves.map((m) => m.advanceMs)).toFixed(1)} ms, first read after it ${median(moves.map((m) => m.firstReadMs)).toFixed(1)} ms`,
  );
  const rssMbAfter = rssMb(server);
  await stop(server);
  return { count, pages, moves, rssMb: rssMbAfter };
}

async function run(): Promise<BenchResults> {
  const machineBefore = machineDescription();
  log(`${QUICK ? 'quick run' : 'full run'}${ARGS.core ? ', scenarios 1, 2, 3 and 5 only' : ''}; ${PINNING_NOTE}`);

  // Scenario 5 first, on a machine the benchmark has not warmed: the bare Fastify app, this
  // build and each compared build in turn.
  const roots = [...new Set(COMPARED.map((c) => c.root.href))].map((href) => new URL(href));
  const bareStarts = [];
  const coldStarts = [];
  const comparedStarts: ColdStart[][] = roots.map(() => []);
  for (let i = 0; i < SETTINGS.coldStarts; i++) {
    bareStarts.push(await bareFastifyStart());
    coldStarts.push(await coldStart());
    for (const [j, root] of roots.entries()) comparedStarts[j]!.push(await coldStart(root));
  }
  log(
    `cold start: median ${median(coldStarts.map((c) => c.firstOkMs)).toFixed(0)} ms to the first signed 200; bare Fastify ${median(bareStarts.map((c) => c.firstOkMs)).toFixed(0)} ms to its first 200`,
  );

  const emulator = await startEmulator();
  await sleep(1000);
  const rssIdleMb = rssMb(emulator);
  const reference = await page(emulator, CLUSTER0_PAGE1);
  const pageFile = join(work, 'page.json');
  writeFileSync(pageFile, reference);

  // Scenario 1: the baselines, serving Cluster0's page 1 as the emulator wrote it.
  // Scenarios 2 and 3 on the default dataset, their rounds taken in turn with the baselines'
  // and the compared builds'.
  const servers: Server[] = [];
  for (const { kind } of [...BASELINES, ...CHALLENGE_BASELINES]) servers.push(await startBaseline(kind, pageFile));
  const comparedServers: Server[] = [];
  for (const { root, fault } of COMPARED) {
    const server = await startEmulator({}, [], true, root);
    if (fault) await armNothingMatchingRule(server);
    comparedServers.push(server);
  }
  const emulatorJobs = (label: string, server: Server) => [
    { label: `${label}, Digest per request`, server, path: CLUSTER0_PAGE1, auth: 'digest' as const, expectedLength: reference.length },
    {
      label: `${label}, Go-client pattern (401 then 200 per call)`,
      server,
      path: CLUSTER0_PAGE1,
      auth: 'challenge-per-call' as const,
      expectedLength: reference.length,
    },
  ];
  const measured = await measureInTurn([
    ...BASELINES.map(({ label }, i) => ({
      label,
      server: servers[i]!,
      path: CLUSTER0_PAGE1,
      auth: 'none' as const,
      expectedLength: reference.length,
    })),
    ...CHALLENGE_BASELINES.map(({ label }, i) => ({
      label,
      server: servers[BASELINES.length + i]!,
      path: CLUSTER0_PAGE1,
      auth: 'challenge-per-call' as const,
      expectedLength: reference.length,
    })),
    ...emulatorJobs('emulator', emulator),
    ...COMPARED.flatMap(({ label }, i) => emulatorJobs(label, comparedServers[i]!)),
  ]);
  const baselines = measured.slice(0, BASELINES.length);
  const [challengeFloor, fastifyChallenge, digest, goPattern] = measured.slice(BASELINES.length, BASELINES.length + 4) as [
    Measured,
    Measured,
    Measured,
    Measured,
  ];
  const compared: Compared[] = COMPARED.map(({ label, root }, i) => ({
    label,
    digest: measured[BASELINES.length + 4 + 2 * i]!,
    goPattern: measured[BASELINES.length + 5 + 2 * i]!,
    rssMb: rssMb(comparedServers[i]!),
    coldStarts: comparedStarts[roots.findIndex((r) => r.href === root.href)]!,
  }));
  // The same under wrk, when installed: a generator in C, and the challenge alone (unsigned
  // requests, every answer Atlas's 401).
  const wrk: WrkMeasured[] = [];
  if (HAS_WRK) {
    for (const [i, { label }] of BASELINES.entries()) wrk.push(await measureWithWrk(label, servers[i]!, CLUSTER0_PAGE1));
    wrk.push(await measureWithWrk('emulator, unsigned (the 401 challenge)', emulator, CLUSTER0_PAGE1));
  }
  for (const server of [...servers, ...comparedServers]) await stop(server);
  // Then load up to the soak time for RSS.
  const loadedSeconds = 2 * (SETTINGS.warmupSeconds + SETTINGS.rounds * SETTINGS.roundSeconds);
  const soakSeconds = Math.max(SETTINGS.soakSeconds, loadedSeconds);
  const soak =
    soakSeconds > loadedSeconds
      ? await generator.load({
          origin: emulator.origin,
          path: CLUSTER0_PAGE1,
          auth: 'digest',
          connections: SETTINGS.connections,
          seconds: soakSeconds - loadedSeconds,
          expectedLength: reference.length,
        })
      : undefined;
  const rssLoadedMb = rssMb(emulator);
  const defaultResetMs = await resetMs(emulator);
  await stop(emulator);

  return {
    quick: QUICK,
    settings: SETTINGS,
    pinning: PINNING_NOTE,
    machineBefore,
    machineAfter: machineDescription(),
    referenceBytes: reference.length,
    baselines,
    challengeFloor,
    fastifyChallenge,
    wrk,
    digest,
    goPattern,
    compared,
    soak: soak && { seconds: soakSeconds, result: soak },
    coldStarts,
    bareStarts,
    rssIdleMb,
    rssLoadedMb,
    loadedSeconds: soakSeconds,
    defaultResetMs,
    extended: ARGS.core ? undefined : await extendedScenarios(),
  };
}

/** Scenarios 4, 6 and 7: a big cluster, seeding, a live cluster. */
async function extendedScenarios(): Promise<Extended> {
  // Scenario 6: seeding the big cluster on its own.
  log(`seeding ${SETTINGS.bigCount} checkpoints...`);
  const seeding = await seedTiming(SETTINGS.bigCount);
  log(`seeding: ${(seeding.ms / 1000).toFixed(2)} s (CPU ${(seeding.cpuMs / 1000).toFixed(2)} s)`);

  // Scenario 4: the default dataset plus the big cluster, loaded at start from a fixture folder.
  const fixtures = join(work, 'fixtures');
  mkdirSync(fixtures);
  copyFileSync(DEFAULT_FIXTURE, join(fixtures, 'a-default.json'));
  writeFileSync(join(fixtures, 'b-big.json'), JSON.stringify(bigClusterFixture(SETTINGS.bigCount)));
  const big = await startEmulator({ ATLAS_EMU_FIXTURES: fixtures });
  log(`big server ready in ${(big.readyMs / 1000).toFixed(2)} s`);
  const lastPage = Math.ceil(SETTINGS.bigCount / PAGE_SIZE);
  const targets = [
    { label: 'Cluster0 page 1 (same server)', path: CLUSTER0_PAGE1 },
    ...[1, lastPage / 2, lastPage].map((n) => ({
      label: `${BIG_CLUSTER} page ${n}${n === lastPage ? ' (the last)' : ''}`,
      path: bigPage(n),
    })),
  ];
  const pages = await measurePages(big, targets);
  const rssBigMb = rssMb(big);
  const bigResetMs = await resetMs(big);
  await stop(big);

  // Scenario 7: a live cluster on the emulator clock.
  const live = await liveCluster();
  return { seeding, bigCount: SETTINGS.bigCount, bigReadyMs: big.readyMs, rssBigMb, pages, bigResetMs, live };
}

try {
  const results = await run();
  const report = renderReport(results);
  process.stdout.write(report);
  // Only a full run of this build alone is the release's record.
  if (!QUICK && !ARGS.core) writeFileSync(new URL('./results.md', import.meta.url), report);
} finally {
  stopAll();
  rmSync(work, { recursive: true, force: true });
}
