import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { LoadCommand, LoadResult, ProbeCommand, ProbeResult } from './load-generator.js';

// The benchmark's processes: servers on one CPU, the load generator on another (taskset),
// so neither steals the other's cycles.

const PINNING = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
export const SERVER_CPU = 1;
export const LOAD_CPU = 0;
export const PINNING_NOTE = PINNING
  ? `server pinned to CPU ${SERVER_CPU}, load generator to CPU ${LOAD_CPU} (taskset)`
  : 'no CPU pinning (taskset or a second CPU is missing)';

const ROOT = new URL('../../', import.meta.url);
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
const TSX = ['--import', 'tsx'];

function pinned(cpu: number, argv: string[]): [string, string[]] {
  return PINNING ? ['taskset', ['-c', String(cpu), ...argv]] : [argv[0]!, argv.slice(1)];
}

const running = new Set<ChildProcess>();

/** Runs a TypeScript script to its end on the server CPU; resolves with its stdout. */
export function runScript(script: string, args: string[]): Promise<string> {
  const [command, argv] = pinned(SERVER_CPU, [process.execPath, ...TSX, script, ...args]);
  const child = spawn(command, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      running.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`${script} exited with ${code}`));
    }),
  );
}

export interface Server {
  child: ChildProcess;
  origin: string;
  /** From spawn to the line saying it listens. */
  readyMs: number;
  startedAt: number;
}

/** Spawns a server on the server CPU and waits for the line that gives its address. */
function startServer(
  argv: string[],
  env: NodeJS.ProcessEnv,
  address: RegExp,
  toOrigin: (match: string) => string,
  pin = true,
  cwd: URL = ROOT,
): Promise<Server> {
  const startedAt = performance.now();
  const [command, args] = pin ? pinned(SERVER_CPU, argv) : [argv[0]!, argv.slice(1)];
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = address.exec(output);
      if (!match) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolve({ child, origin: toOrigin(match[1]!), readyMs: performance.now() - startedAt, startedAt });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited with ${code} before it listened:\n${output}`)));
  });
}

/**
 * The emulator as users run it (`npm start`: the built dist/cli.js of `root`, this checkout by
 * default), on a free loopback port. `pin: false` for cold starts: a start uses Node's helper
 * threads, as it does on any machine (the load generator is idle then).
 */
export function startEmulator(env: NodeJS.ProcessEnv = {}, nodeOptions: string[] = [], pin = true, root: URL = ROOT): Promise<Server> {
  return startServer(
    [process.execPath, ...nodeOptions, 'dist/cli.js'],
    { ATLAS_EMU_HOST: '127.0.0.1', ATLAS_EMU_PORT: '0', ATLAS_EMU_DB: ':memory:', ...env },
    /ready at (http:\/\/\S+)/,
    (origin) => origin,
    pin,
    root,
  );
}

/** The bare Fastify app of the cold-start baseline, plain JavaScript as its author would run it (not pinned, like the emulator's cold starts). */
export function startBareFastify(): Promise<Server> {
  return startServer(
    [process.execPath, 'test/bench/bare-fastify.mjs'],
    {},
    /listening on (\d+)/,
    (port) => `http://127.0.0.1:${port}`,
    false,
  );
}

export function startBaseline(kind: string, pageFile: string): Promise<Server> {
  return startServer(
    [process.execPath, ...TSX, 'test/bench/baseline-server.ts', kind, pageFile],
    {},
    /listening on (\d+)/,
    (port) => `http://127.0.0.1:${port}`,
  );
}

export async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** Ends whatever the benchmark started and has not stopped (after a failure). */
export function stopAll(): void {
  for (const child of running) child.kill('SIGTERM');
}

/** CPU time a server has used so far (all threads, 10 ms ticks), in ms: in all, and in user mode (its own code, not the kernel's). */
export function cpuMs(server: Server): { total: number; user: number } {
  const stat = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of proc(5), counted from the state (field 3).
  const [user, system] = [Number(fields[11]), Number(fields[12])].map((ticks) => ticks * (1000 / CLOCK_TICKS)) as [number, number];
  return { total: user + system, user };
}

/** Resident set size of a process, in MB. */
export function rssMb(server: Server): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** What `wrk` measured: unsigned requests only (it cannot sign Digest), pinned like the load generator. */
export interface WrkResult {
  callsPerSecond: number;
  p50: number;
  p99: number;
  /** Responses other than 2xx/3xx (the emulator's challenges are all 401s). */
  non2xx: number;
  calls: number;
}

/** Whether Debian's wrk is installed: the benchmark's second opinion where it applies. */
export const HAS_WRK = spawnSync('wrk', ['--version']).error === undefined;

const latencyMs = (text: string, percentile: string): number => {
  const [, value, unit] = new RegExp(`^\\s+${percentile}%\\s+([\\d.]+)(us|ms|s)$`, 'm').exec(text) ?? [];
  return Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);
};

/** One wrk run (2 threads, `connections`, `seconds`) on the load generator's CPU. */
export function runWrk(url: string, connections: number, seconds: number): Promise<WrkResult> {
  const [command, argv] = pinned(LOAD_CPU, ['wrk', '--latency', '-t', '2', '-c', String(connections), '-d', `${seconds}s`, url]);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      running.delete(child);
      const calls = Number(/(\d+) requests in/.exec(text)?.[1]);
      if (code !== 0 || !calls) return reject(new Error(`wrk ${url} exited with ${code}:\n${text}`));
      resolve({
        calls,
        callsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)![1]),
        p50: latencyMs(text, '50'),
        p99: latencyMs(text, '99'),
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
      });
    }),
  );
}

/** The load generator process, driven over IPC, one command at a time. */
export class LoadGenerator {
  private readonly child: ChildProcess;

  constructor() {
    const [command, args] = pinned(LOAD_CPU, [process.execPath, ...TSX, 'test/bench/load-generator.ts']);
    this.child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    running.add(this.child);
    this.child.once('exit', () => running.delete(this.child));
  }

  load(command: Omit<LoadCommand, 'kind'>): Promise<LoadResult> {
    return this.send({ kind: 'load', ...command });
  }

  probe(command: Omit<ProbeCommand, 'kind'>): Promise<ProbeResult> {
    return this.send({ kind: 'probe', ...command });
  }

  private send<T>(command: LoadCommand | ProbeCommand): Promise<T> {
    return new Promise((resolve, reject) => {
      this.child.once('message', (reply: { ok: true; result: T } | { ok: false; error: string }) =>
        reply.ok ? resolve(reply.result) : reject(new Error(`load generator: ${reply.error}`)),
      );
      this.child.send(command);
    });
  }
}
