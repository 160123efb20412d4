import { spawn, type ChildProcess } from 'node:child_process';

// Starts the emulator as a process and waits for its ready line (for the CLI and package tests).

export interface Started {
  child: ChildProcess;
  base: string;
  output: () => string;
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>;
}

export async function spawnReady(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Started> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const ready = /atlas-backup-emulator ready at (http:\/\/\S+)\n/.exec(output);
      if (ready) resolve(ready[1]!);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before the ready line: ${output}`)));
  });
  return {
    child,
    base,
    output: () => output,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
