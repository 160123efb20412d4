import { cpus, loadavg, release, totalmem } from 'node:os';
import type { LoadResult } from './load-generator.js';
import type { WrkResult } from './processes.js';
import { median } from './stats.js';

// The benchmark's report (test/bench/results.md): the tables, the targets, and
// every round's raw figures.

/** One round as the load generator saw it, plus the CPU time the server spent in it. */
export type Round = LoadResult & { serverCpuMs: number; serverUserMs: number };

export interface Measured {
  label: string;
  warmup: Round;
  rounds: Round[];
  callsPerSecond: number;
  p50: number;
  p99: number;
  /** Server CPU time per completed call: what a call costs, less sensitive to a busy machine than req/s. */
  serverUsPerCall: number;
  /** The part of it in user mode: the server's own code, without the kernel's TCP work on loopback. */
  serverUserUsPerCall: number;
  /** Server and load generator CPU time over wall time (1 = one CPU busy all the time). */
  serverCpu: number;
  generatorCpu: number;
  /** Over the warm-up and every round. */
  failures: number;
}

/** A wrk run: its own figures, and the server CPU it cost. */
export interface WrkMeasured {
  label: string;
  result: WrkResult;
  serverUsPerCall: number;
  serverUserUsPerCall: number;
  serverCpu: number;
}

export interface PageFigures {
  label: string;
  bytes: number;
  /** Median latency of single requests that miss the page cache. */
  firstHitMs: number;
  firstHitFailures: number;
  steady: Measured;
}

/** One cold start: spawn to the ready line, spawn to the first 200, and the CPU time the process had used by then (all threads: a figure a busy machine disturbs less than wall time). */
export interface ColdStart {
  readyMs: number;
  firstOkMs: number;
  cpuMs: number;
}

/** Another build measured in the same rounds (run.ts --compare). */
export interface Compared {
  label: string;
  digest: Measured;
  goPattern: Measured;
  /** After its rounds. */
  rssMb: number;
  coldStarts: ColdStart[];
}

/** Scenarios 4, 6 and 7 (left out by run.ts --core). */
export interface Extended {
  seeding: { ms: number; cpuMs: number; checkpoints: number };
  bigCount: number;
  bigReadyMs: number;
  rssBigMb: number;
  pages: PageFigures[];
  bigResetMs: number | undefined;
  /** Scenario 7: pages of a static and a live cluster of `count` checkpoints (Static 1, Static last, Live 1, Live last), then clock moves of 30 days. */
  live: { count: number; pages: PageFigures[]; moves: { advanceMs: number; firstReadMs: number }[]; rssMb: number };
}

export interface BenchResults {
  quick: boolean;
  settings: { warmupSeconds: number; rounds: number; roundSeconds: number; connections: number; coldSamples: number; coldStarts: number };
  pinning: string;
  machineBefore: string;
  machineAfter: string;
  referenceBytes: number;
  baselines: Measured[];
  /** Scenario 3's floor: bare node:http answering the 401 then the page per call. */
  challengeFloor: Measured;
  /** The same two exchanges answered by bare Fastify: the budget's baseline for scenario 3. */
  fastifyChallenge: Measured;
  /** The baselines and the emulator's challenge under wrk (empty without wrk). */
  wrk: WrkMeasured[];
  digest: Measured;
  goPattern: Measured;
  compared: Compared[];
  soak: { seconds: number; result: LoadResult } | undefined;
  coldStarts: ColdStart[];
  /** A bare Fastify app, spawn to its first 200, taken in turn with the emulator's cold starts. */
  bareStarts: ColdStart[];
  rssIdleMb: number;
  rssLoadedMb: number;
  loadedSeconds: number;
  defaultResetMs: number | undefined;
  extended: Extended | undefined;
}

export function machineDescription(): string {
  const cpu = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  return `${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}; load average ${load}`;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isNaN(n) ? 'n/a' : n < 10 ? n.toFixed(2) : n.toFixed(1));
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const mark = (ok: boolean) => (ok ? 'met' : '**missed**');

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

const percent = (fraction: number) => `${Math.round(100 * fraction)}%`;
/** A load generator this busy limits the round: its req/s say more about it than about the server. */
const SATURATED = 0.9;
const saturated = (m: Measured) => m.generatorCpu >= SATURATED;
const cpuCells = (m: Measured) => [
  int(m.serverUsPerCall),
  int(m.serverUserUsPerCall),
  percent(m.serverCpu),
  `${percent(m.generatorCpu)}${saturated(m) ? ' (saturated)' : ''}`,
];

function wrkTable(r: BenchResults): string[] {
  const lines = [
    row(['under wrk (unsigned requests)', 'req/s', 'p50 ms', 'p99 ms', 'server us/call', 'of which user', 'server CPU', 'non-2xx']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const w of r.wrk)
    lines.push(
      row([
        w.label,
        int(w.result.callsPerSecond),
        ms(w.result.p50),
        ms(w.result.p99),
        int(w.serverUsPerCall),
        int(w.serverUserUsPerCall),
        percent(w.serverCpu),
        int(w.result.non2xx),
      ]),
    );
  return lines;
}

function throughputTable(r: BenchResults): string[] {
  const [nodeHttp, fastifyBytes, fastifySerialize] = r.baselines as [Measured, Measured, Measured];
  const lines = [
    row([
      '#',
      'scenario',
      'req/s',
      'p50 ms',
      'p99 ms',
      'x node:http',
      'x Fastify bytes',
      'x Fastify serialize',
      'server us/call',
      'of which user',
      'server CPU',
      'generator CPU',
      'failures',
    ]),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  const entries: [string, Measured][] = [
    ['1a', nodeHttp],
    ['1b', fastifyBytes],
    ['1c', fastifySerialize],
    ['1d', r.challengeFloor],
    ['1e', r.fastifyChallenge],
    ['2', r.digest],
    ['3', r.goPattern],
    ...r.compared.flatMap((c): [string, Measured][] => [
      ['2', c.digest],
      ['3', c.goPattern],
    ]),
  ];
  for (const [n, m] of entries) {
    const rate = n === '3' || n === '1d' || n === '1e' ? `${int(m.callsPerSecond)} calls/s` : int(m.callsPerSecond);
    lines.push(
      row([
        n,
        m.label,
        rate,
        ms(m.p50),
        ms(m.p99),
        ratio(m.callsPerSecond, nodeHttp.callsPerSecond),
        ratio(m.callsPerSecond, fastifyBytes.callsPerSecond),
        ratio(m.callsPerSecond, fastifySerialize.callsPerSecond),
        ...cpuCells(m),
        m.failures,
      ]),
    );
  }
  return lines;
}

function pagesTable(pages: PageFigures[], reference: PageFigures): string[] {
  const lines = [
    row([
      'page (itemsPerPage 100)',
      'bytes',
      'first hit, ms',
      'x page 1',
      'req/s (cached)',
      'p50 ms',
      'p99 ms',
      'server us/call',
      'of which user',
      'server CPU',
      'generator CPU',
      'failures',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const p of pages) {
    lines.push(
      row([
        p.label,
        int(p.bytes),
        ms(p.firstHitMs),
        ratio(p.firstHitMs, reference.firstHitMs),
        int(p.steady.callsPerSecond),
        ms(p.steady.p50),
        ms(p.steady.p99),
        ...cpuCells(p.steady),
        p.steady.failures + p.firstHitFailures,
      ]),
    );
  }
  return lines;
}

function startTable(r: BenchResults): string[] {
  const ready = r.coldStarts.map((c) => c.readyMs);
  const firstOk = r.coldStarts.map((c) => c.firstOkMs);
  const bare = r.bareStarts.map((c) => c.firstOkMs);
  const reset = (value: number | undefined) => (value === undefined ? 'pending (no POST /_emulator/reset yet)' : `${ms(value)} ms`);
  const x = r.extended;
  return [
    row(['measure', 'value']),
    row(['---', '---']),
    row([
      `5. cold start, spawn to ready line (median of ${ready.length})`,
      `${ms(median(ready))} ms (${ms(Math.min(...ready))} to ${ms(Math.max(...ready))})`,
    ]),
    row([
      `5. cold start, spawn to first 200 (challenge + signed call)`,
      `${ms(median(firstOk))} ms (${ms(Math.min(...firstOk))} to ${ms(Math.max(...firstOk))})`,
    ]),
    row([
      `5. bare Fastify app, spawn to its first 200 (in turn with the above)`,
      `${ms(median(bare))} ms (${ms(Math.min(...bare))} to ${ms(Math.max(...bare))})`,
    ]),
    row([
      '5. CPU time to that first 200: emulator / bare Fastify (medians)',
      `${ms(median(r.coldStarts.map((c) => c.cpuMs)))} / ${ms(median(r.bareStarts.map((c) => c.cpuMs)))} ms`,
    ]),
    row(['5. RSS idle (default dataset, 1 s after start)', `${r.rssIdleMb.toFixed(1)} MB`]),
    row([`5. RSS after ${r.loadedSeconds} s of load`, `${r.rssLoadedMb.toFixed(1)} MB`]),
    row(['6. reset, default dataset', reset(r.defaultResetMs)]),
    ...(x
      ? [
          row([
            `6. seeding ${int(x.seeding.checkpoints)} generated checkpoints (store.load, in-memory)`,
            `${(x.seeding.ms / 1000).toFixed(2)} s (CPU ${(x.seeding.cpuMs / 1000).toFixed(2)} s)`,
          ]),
          row([`6. spawn to ready with the default dataset + ${int(x.bigCount)} checkpoints`, `${(x.bigReadyMs / 1000).toFixed(2)} s`]),
          row([`RSS of that server after scenario 4`, `${x.rssBigMb.toFixed(1)} MB`]),
          row([`6. reset, default dataset + ${int(x.bigCount)} checkpoints`, reset(x.bigResetMs)]),
        ]
      : []),
  ];
}

/** The compared builds beside this one: the same rounds, cold starts in turn. */
function comparedTable(r: BenchResults): string[] {
  const cells = (label: string, digest: Measured, goPattern: Measured, starts: ColdStart[], rss: string) => [
    label,
    `${int(digest.callsPerSecond)} / ${ms(digest.serverUsPerCall)} (${ms(digest.serverUserUsPerCall)})`,
    `${int(goPattern.callsPerSecond)} / ${ms(goPattern.serverUsPerCall)} (${ms(goPattern.serverUserUsPerCall)})`,
    `${ms(median(starts.map((c) => c.firstOkMs)))} ms (CPU ${ms(median(starts.map((c) => c.cpuMs)))} ms)`,
    rss,
  ];
  return [
    row([
      'build',
      'signed page: req/s / server us per call (user)',
      'Go pattern: calls/s / server us per call (user)',
      'cold start to first signed 200',
      'RSS after the rounds',
    ]),
    row(['---', '---:', '---:', '---:', '---:']),
    row(cells('this build', r.digest, r.goPattern, r.coldStarts, `${r.rssLoadedMb.toFixed(1)} MB (after ${r.loadedSeconds} s)`)),
    ...r.compared.map((c) => row(cells(c.label, c.digest, c.goPattern, c.coldStarts, `${c.rssMb.toFixed(1)} MB`))),
  ];
}

function liveTable(live: Extended['live']): string[] {
  const { moves } = live;
  const spread = (values: number[]) => `${ms(median(values))} ms (${ms(Math.min(...values))} to ${ms(Math.max(...values))})`;
  return [
    ...pagesTable(live.pages, live.pages[0]!),
    '',
    row(['measure', 'value']),
    row(['---', '---']),
    row([`POST /_emulator/clock {"advance":"P30D"} (median of ${moves.length})`, spread(moves.map((m) => m.advanceMs))]),
    row(["the first read of the live cluster's last page after it (not cached)", spread(moves.map((m) => m.firstReadMs))]),
    row(['RSS of that server at the end', `${live.rssMb.toFixed(1)} MB`]),
  ];
}

/** Issue 18's budget: the emulator's Fastify pipeline against bare Fastify doing the same exchanges, its start against a bare Fastify app's, its memory. */
function budgetTargets(r: BenchResults): [string, string, boolean][] {
  const fastifyBytes = r.baselines[1]!;
  const firstOk = median(r.coldStarts.map((c) => c.firstOkMs));
  const bare = median(r.bareStarts.map((c) => c.firstOkMs));
  const within = (a: number, b: number, limit: number): [string, boolean] => [`${ratio(a, b)} (${ms(a)} against ${ms(b)})`, a <= limit * b];
  return [
    [
      'budget: signed cached page <= 1.7x bare Fastify sending its bytes (1b), server us per call',
      ...within(r.digest.serverUsPerCall, fastifyBytes.serverUsPerCall, 1.7),
    ],
    [
      "budget: Go clients' pattern <= 1.7x bare Fastify doing the same two exchanges (1e), server us per call",
      ...within(r.goPattern.serverUsPerCall, r.fastifyChallenge.serverUsPerCall, 1.7),
    ],
    [
      `budget: cold start to the first signed 200 <= 1.5x a bare Fastify app's to its first 200, ms (medians of ${r.coldStarts.length})`,
      ...within(firstOk, bare, 1.5),
    ],
    [
      '... the same by CPU time to that first 200, ms',
      ...within(median(r.coldStarts.map((c) => c.cpuMs)), median(r.bareStarts.map((c) => c.cpuMs)), 1.5),
    ],
    [`budget: RSS < 100 MB after ${r.loadedSeconds} s of signed load`, `${r.rssLoadedMb.toFixed(1)} MB`, r.rssLoadedMb < 100],
  ];
}

function targetsTable(r: BenchResults): string[] {
  const [nodeHttp, , fastifySerialize] = r.baselines as [Measured, Measured, Measured];
  const firstOk = median(r.coldStarts.map((c) => c.firstOkMs));
  const challenge = r.wrk.find((w) => w.label.startsWith('emulator'));
  const wrkNodeHttp = r.wrk[0];
  // In the Go pattern a call is a 401 and a 200: what it costs beyond a signed call is the 401.
  const challengeUs = r.goPattern.serverUsPerCall - r.digest.serverUsPerCall;
  const unsaturated = !saturated(r.digest) && !saturated(nodeHttp);
  // The same two figures for Node's HTTP server alone (1d against 1a): what no server on Node can beat here.
  const floorChallengeUs = r.challengeFloor.serverUsPerCall - nodeHttp.serverUsPerCall;
  const targets: [string, string, boolean][] = [
    ...budgetTargets(r),
    [
      '2: signed page >= 0.5x bare node:http, by server CPU per call',
      ratio(nodeHttp.serverUsPerCall, r.digest.serverUsPerCall),
      nodeHttp.serverUsPerCall >= 0.5 * r.digest.serverUsPerCall,
    ],
    ['2: ... with neither load generator saturated', unsaturated ? 'neither' : 'saturated', unsaturated],
    ...(wrkNodeHttp
      ? [
          [
            '2: signed page >= 0.5x bare node:http under wrk, by server CPU per call',
            ratio(wrkNodeHttp.serverUsPerCall, r.digest.serverUsPerCall),
            wrkNodeHttp.serverUsPerCall >= 0.5 * r.digest.serverUsPerCall,
          ] as [string, string, boolean],
        ]
      : []),
    [
      '2: signed page >= 2x bare Fastify serializing, by server CPU per call',
      ratio(fastifySerialize.serverUsPerCall, r.digest.serverUsPerCall),
      fastifySerialize.serverUsPerCall >= 2 * r.digest.serverUsPerCall,
    ],
    ['2: p99 < 10 ms at 50 connections', `${ms(r.digest.p99)} ms`, r.digest.p99 < 10],
    [
      '3: Go pattern >= 0.7x signed-only, calls/s',
      ratio(r.goPattern.callsPerSecond, r.digest.callsPerSecond),
      r.goPattern.callsPerSecond >= 0.7 * r.digest.callsPerSecond,
    ],
    [
      '3: Go pattern >= 0.7x signed-only, by server CPU per call',
      ratio(r.digest.serverUsPerCall, r.goPattern.serverUsPerCall),
      r.digest.serverUsPerCall >= 0.7 * r.goPattern.serverUsPerCall,
    ],
    [
      '3: a 401 <= 40% of a cached 200, by server CPU (Go pattern minus signed-only)',
      `${percent(challengeUs / r.digest.serverUsPerCall)} (${int(challengeUs)} us)`,
      challengeUs <= 0.4 * r.digest.serverUsPerCall,
    ],
    [
      '3: ... the floor, bare node:http with nothing checked (1d against 1a), calls/s',
      ratio(r.challengeFloor.callsPerSecond, nodeHttp.callsPerSecond),
      r.challengeFloor.callsPerSecond >= 0.7 * nodeHttp.callsPerSecond,
    ],
    [
      '3: ... the floor, its 401 against its 200, by server CPU',
      `${percent(floorChallengeUs / nodeHttp.serverUsPerCall)} (${int(floorChallengeUs)} us)`,
      floorChallengeUs <= 0.4 * nodeHttp.serverUsPerCall,
    ],
    ...(challenge
      ? [
          [
            '3: a 401 <= 40% of a cached 200, by server CPU (401s alone, under wrk)',
            `${percent(challenge.serverUsPerCall / r.digest.serverUsPerCall)} (${int(challenge.serverUsPerCall)} us)`,
            challenge.serverUsPerCall <= 0.4 * r.digest.serverUsPerCall,
          ] as [string, string, boolean],
        ]
      : []),
    [`5: cold start < 250 ms (spawn to first 200, median of ${r.coldStarts.length})`, `${ms(firstOk)} ms`, firstOk < 250],
    ...(r.extended ? extendedTargets(r.extended) : []),
  ];
  const lines = [row(['target', 'measured', '']), row(['---', '---:', '---'])];
  for (const [what, value, ok] of targets) lines.push(row([what, value, mark(ok)]));
  return lines;
}

/** Scenarios 4, 6 and 7's targets. */
function extendedTargets(x: Extended): [string, string, boolean][] {
  const [cluster0, bigFirst] = [x.pages[0]!, x.pages[1]!];
  const far = x.pages.slice(2);
  const worstFar = Math.max(...far.map((p) => p.firstHitMs / bigFirst.firstHitMs));
  const worstFarSteady = Math.max(...far.map((p) => p.steady.p50 / bigFirst.steady.p50));
  return [
    ['4: far pages within 1.5x of page 1, first hit', `${worstFar.toFixed(2)}x`, worstFar <= 1.5],
    ['4: far pages within 1.5x of page 1, cached p50', `${worstFarSteady.toFixed(2)}x`, worstFarSteady <= 1.5],
    [
      '4: big page 1 within 1.5x of Cluster0 page 1, first hit',
      ratio(bigFirst.firstHitMs, cluster0.firstHitMs),
      bigFirst.firstHitMs <= 1.5 * cluster0.firstHitMs,
    ],
    [
      '4: big page 1 within 1.5x of Cluster0 page 1, cached p50',
      ratio(bigFirst.steady.p50, cluster0.steady.p50),
      bigFirst.steady.p50 <= 1.5 * cluster0.steady.p50,
    ],
    [`6: ${int(x.seeding.checkpoints)} checkpoints seeded < 15 s`, `${(x.seeding.ms / 1000).toFixed(2)} s`, x.seeding.ms < 15_000],
    ...liveTargets(x.live),
  ];
}

/** A live cluster's pages as fast as a static one's (req/s and server CPU per call), a 30-day move under 100 ms. */
function liveTargets(live: Extended['live']): [string, string, boolean][] {
  const [staticFirst, staticLast, liveFirst, liveLast] = live.pages as [PageFigures, PageFigures, PageFigures, PageFigures];
  const advance = median(live.moves.map((m) => m.advanceMs));
  const n = int(live.count);
  return [
    ...(
      [
        [liveFirst, staticFirst],
        [liveLast, staticLast],
      ] as const
    ).flatMap(([live, fixed]) => [
      [
        `7: ${live.label} of ${n} >= 0.95x ${fixed.label}, req/s (cached)`,
        ratio(live.steady.callsPerSecond, fixed.steady.callsPerSecond),
        live.steady.callsPerSecond >= 0.95 * fixed.steady.callsPerSecond,
      ] as [string, string, boolean],
      [
        `7: ${live.label} of ${n} <= 1.05x ${fixed.label}, first hit`,
        ratio(live.firstHitMs, fixed.firstHitMs),
        live.firstHitMs <= 1.05 * fixed.firstHitMs,
      ] as [string, string, boolean],
    ]),
    [`7: advancing the clock 30 days on ${n} live checkpoints < 100 ms`, `${ms(advance)} ms`, advance < 100],
  ];
}

function resultLine(name: string, r: LoadResult & { serverCpuMs?: number }): string {
  const server = r.serverCpuMs === undefined ? '' : `server ${int((1000 * r.serverCpuMs) / r.calls)} us/call, `;
  return (
    `- ${name}: ${r.seconds.toFixed(1)} s, ${r.calls} calls (${int(r.calls / r.seconds)}/s), p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms, ` +
    `${server}generator CPU ${percent(r.generatorCpu)}, ${r.failures} failures, statuses ${JSON.stringify(r.statusCounts)}`
  );
}

function rawLines(m: Measured): string[] {
  return [`${m.label}:`, resultLine('warm-up', m.warmup), ...m.rounds.map((r, i) => resultLine(`round ${i + 1}`, r)), ''];
}

const startLine = (c: ColdStart) => `${ms(c.readyMs)} / ${ms(c.firstOkMs)} / ${ms(c.cpuMs)}`;

export function renderReport(r: BenchResults): string {
  const s = r.settings;
  const x = r.extended;
  const compared = r.compared.flatMap((c) => [c.digest, c.goPattern]);
  const measured = [
    ...r.baselines,
    r.challengeFloor,
    r.fastifyChallenge,
    r.digest,
    r.goPattern,
    ...compared,
    ...(x ? [...x.pages, ...x.live.pages].map((p) => p.steady) : []),
  ];
  return [
    `# Benchmark results${r.quick ? ' (quick run: short rounds, not for comparison)' : ''}${x ? '' : ' (scenarios 1, 2, 3 and 5 only)'}`,
    '',
    `Run ${new Date().toISOString()}. Machine: ${r.machineBefore} (at the start); load average at the end ${r.machineAfter.replace(/.*load average /, '')}.`,
    `${r.pinning}. ${s.connections} connections, pipelining 1; every measurement is a ${s.warmupSeconds} s warm-up then ${s.rounds} rounds of ${s.roundSeconds} s; ` +
      'the figures are medians over the rounds. The load generator (test/bench/load-generator.ts) writes its requests on raw keep-alive sockets, one in flight per connection, ' +
      'signs each Digest request with one MD5 and counts body bytes without decoding them, so that it needs less CPU per call than the servers it measures. ' +
      'Latencies are per call, timed by the load generator (ms). A failure is any response ' +
      'other than 200 with the expected body length (in scenario 3, other than the 401 challenge then that 200), a socket error or a timeout, ' +
      "warm-up included. Server CPU is the server process's user + system time during the round (/proc, 10 ms ticks): " +
      '"server us/call" is what a call costs it, a figure a busy machine disturbs far less than req/s; a CPU share near 100% ' +
      'marks the side that limits the round.',
    `The page is Cluster0's page 1 of the default dataset, ${int(r.referenceBytes)} bytes; the baselines serve the same bytes (1a, 1b) or the same page parsed once and serialized by Fastify per request (1c); 1d and 1e answer a request without Authorization with Atlas's 401 bytes and any other with the page, checking nothing: the least that scenario 3's two exchanges per call cost Node's HTTP server (1d) and Fastify (1e).`,
    '',
    '## Scenarios 1 to 3: throughput and latency',
    '',
    ...throughputTable(r),
    '',
    ...(r.compared.length > 0
      ? [
          "Side by side: the other builds were started beside this one and loaded in the same rounds, in turn; their cold starts were taken in turn with this build's.",
          '',
          ...comparedTable(r),
          '',
        ]
      : []),
    ...(r.wrk.length > 0
      ? [
          `The same under wrk (Debian's, 2 threads, ${s.connections} connections, ${s.roundSeconds} s after a 1 s warm-up, pinned to the load generator's CPU): a second opinion from a generator in C, and the cost of the challenge alone.`,
          '',
          ...wrkTable(r),
          '',
        ]
      : ['(wrk is not installed: no second opinion.)', '']),
    ...(x
      ? [
          `## Scenario 4: a cluster of ${int(x.bigCount)} checkpoints`,
          '',
          `First hit: median of ${s.coldSamples} single requests, each with its own URL (an ignored query parameter) so that none is served from the page cache; ` +
            '"x page 1" compares with the big cluster\'s page 1. The cached figures are the same load as scenario 2.',
          '',
          ...pagesTable(x.pages, x.pages[1]!),
          '',
        ]
      : []),
    x ? '## Scenarios 5 and 6: start, memory, seeding, reset' : '## Scenario 5: start, memory, reset',
    '',
    ...startTable(r),
    '',
    ...(x
      ? [
          `## Scenario 7: a live cluster of ${int(x.live.count)} checkpoints in its window`,
          '',
          'The same server holds a static cluster of as many stored checkpoints; its page 1 is the reference for "x page 1". The live cluster\'s checkpoints are derived from the emulator clock (frozen); each move is timed at the client.',
          '',
          ...liveTable(x.live),
          '',
        ]
      : []),
    '## Targets',
    '',
    ...targetsTable(r),
    '',
    '## Raw rounds',
    '',
    ...measured.flatMap(rawLines),
    ...(r.soak
      ? [`Load added before the RSS reading (scenario 5, ${r.soak.seconds} s of load in all):`, resultLine('soak', r.soak.result), '']
      : []),
    `Cold starts (ms, ready line / first 200 / CPU): ${r.coldStarts.map(startLine).join(', ')}`,
    `Bare Fastify starts (ms, listening line / first 200 / CPU): ${r.bareStarts.map(startLine).join(', ')}`,
    ...r.compared.map((c) => `Cold starts of ${c.label} (ms, ready line / first 200 / CPU): ${c.coldStarts.map(startLine).join(', ')}`),
    '',
  ].join('\n');
}
