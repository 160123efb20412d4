import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { READY_LINE_PREFIX } from '../../src/command.js';

// The emulator as users run it: a separate process, with every byte it writes to stdout and
// stderr captured, and its ready line awaited. By default the TypeScript entry through tsx
// (no build needed) with only the environment it is given; a test may run the built CLI,
// `npm start` or an installed bin instead.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnOptions {
  /** The program and its arguments (default: node --import tsx src/cli.ts). */
  command?: string;
  args?: string[];
  cwd?: string;
  /** ATLAS_EMU_* and the like; with `inheritEnv`, on top of this process's environment. */
  env?: Record<string, string>;
  inheritEnv?: boolean;
}

export interface EmulatorProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the base URL once the ready line is printed; rejects if the process exits first. */
  ready: Promise<string>;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** Signals the process and what it started (npm start runs a shell, then node), then its exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export function spawnEmulator(options: SpawnOptions = {}): EmulatorProcess {
  const { command = process.execPath, args = ['--import', 'tsx', 'src/cli.ts'], cwd = ROOT } = options;
  // Only what the emulator needs unless asked: no ATLAS_EMU_* of the caller leaks in.
  const base = options.inheritEnv ? process.env : { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const child = spawn(command, args, {
    cwd,
    env: { ...base, ATLAS_EMU_PORT: '0', ATLAS_EMU_HOST: '127.0.0.1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((l) => l.startsWith(READY_LINE_PREFIX));
      if (line) resolve(line.slice(READY_LINE_PREFIX.length).trim());
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`the emulator exited (${code}) before it was ready:\n${output}`)));
  });
  // A test that only checks the exit does not care about the ready promise.
  ready.catch(() => {});
  return {
    child,
    output: () => output,
    ready,
    exited,
    stop: (signal = 'SIGTERM') => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // Already gone.
      }
      return exited;
    },
  };
}
