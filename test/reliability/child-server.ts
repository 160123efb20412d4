import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { READY_LINE_PREFIX } from '../../src/cli.js';

// The emulator as its users run it: a separate process (the TypeScript entry through tsx, so
// no build is needed), with every byte it writes to stdout and stderr captured.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildServer {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the base URL once the ready line is printed; rejects if the process exits first. */
  ready: Promise<string>;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
}

export function spawnServer(env: Record<string, string>): ChildServer {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts'], {
    cwd: ROOT,
    // Only what the emulator needs: no ATLAS_EMU_* of the caller leaks in.
    env: { PATH: process.env.PATH ?? '', ATLAS_EMU_PORT: '0', ATLAS_EMU_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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
  return { child, output: () => output, ready, exited };
}
