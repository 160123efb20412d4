import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from './free-port.js';

// The documentation's shell examples, as data and as runs. Every ```sh block of README.md and
// docs/*.md is an example, and something runs each one:
//
//   - the docs test (test/system/docs-examples.test.ts) runs every example that needs no
//     Docker engine, against one emulator it starts (the built dist/cli.js, default dataset);
//   - the Docker suite (npm run test:docker) runs the Docker examples, by calling this module
//     as a program:  node --import tsx test/helpers/doc-examples.ts --docker IMAGE
//
// The conventions, the same for both:
//
//   - A ```sh block is an example. Output samples, file contents and code in other languages
//     use other fences (```text, ```json, ```yaml, ```ts, ```go ...).
//   - An example runs with bash (`set -euo pipefail`, stderr merged into stdout) in a scratch
//     directory of its own, set up like a checkout in which the package is also installed: dist/ and
//     fixtures/ of the checkout, a package.json whose start script is the checkout's, and
//     node_modules/ holding atlas-backup-emulator (so `npm start`, `node dist/cli.js` and
//     `npx atlas-backup-emulator` all work there, and nothing is written to the checkout).
//   - `http://127.0.0.1:8080` and `localhost:8080` in an example (and in its expected output)
//     become the address of the emulator the runner targets. Only loopback is ever a target.
//   - ATLAS_EMU_HOST=127.0.0.1 and ATLAS_EMU_PORT=<a free port> are set for each example, so an
//     example that starts an emulator does not collide with anything. Such an example runs
//     until its ready line ("atlas-backup-emulator ready at ...") appears, then it is stopped
//     (SIGTERM to everything it started); its output up to the ready line is what is checked.
//     Any other example must exit with status 0.
//   - Nothing an example starts may outlive it: once it has exited (or been stopped), no process
//     it started is left (10 s after it exited), and no address an emulator of it announced with its
//     ready line (in its output or in a file it wrote in its directory, like emulator.log)
//     accepts connections any longer.
//   - An example may be followed, after at most one blank line, by a ```text block: its
//     expected output. Its non-empty lines must match the example's non-empty output lines in
//     order and one after the other, each as a whole line, where `...` inside a line stands for
//     any text and a line that is just `...` for any number of lines.
//   - An example with a line that runs `docker` is a Docker example; only docs/docker.md may
//     have them. The Docker suite runs them with test/helpers/docker-prelude.sh sourced first,
//     which adapts them to its engine (see there).

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const READY_LINE_PREFIX = 'atlas-backup-emulator ready at ';
/** The address the documentation uses for the emulator. */
const DOCUMENTED_ADDRESS = /\b(127\.0\.0\.1|localhost):8080\b/g;

export interface Example {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** Line of the opening fence (1-based). */
  line: number;
  code: string;
  /** The lines of the ```text block that follows it, if any. */
  expected: string[] | undefined;
}

export interface Fence {
  /** The info string's first word (`sh`, `text`, ...), '' when there is none. */
  language: string;
  /** Line of the opening fence (1-based). */
  line: number;
  /** Line of the closing fence (1-based; the last line of the file when unclosed). */
  end: number;
  content: string[];
  closed: boolean;
}

/** README.md and every docs/*.md, relative to the repository root. */
export function documentationFiles(root = ROOT): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** The fenced code blocks of a Markdown text (``` or ~~~, indented ones too). */
export function fencesOf(markdown: string): Fence[] {
  const lines = markdown.split('\n');
  const fences: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, marker, info] = open;
    const content: string[] = [];
    let j = i + 1;
    let closed = false;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1]![0] === marker![0] && close[1]!.length >= marker!.length) {
        closed = true;
        break;
      }
      // Content lines lose the fence's indentation (a block inside a list item).
      content.push(line.startsWith(indent!) ? line.slice(indent!.length) : line.trimStart());
    }
    fences.push({ language: info!.toLowerCase(), line: i + 1, end: Math.min(j, lines.length - 1) + 1, content, closed });
    i = j;
  }
  return fences;
}

/** The ```sh examples of a Markdown text, each with the ```text block that follows it, if any. */
export function examplesOf(markdown: string, file: string): Example[] {
  const lines = markdown.split('\n');
  const fences = fencesOf(markdown);
  const examples: Example[] = [];
  fences.forEach((fence, i) => {
    if (fence.language !== 'sh') return;
    const next = fences[i + 1];
    // The next fence counts when only one blank line, or none, lies between them.
    const between = next ? lines.slice(fence.end, next.line - 1) : [];
    const follows = next !== undefined && next.language === 'text' && between.length <= 1 && between.every((line) => line.trim() === '');
    examples.push({ file, line: fence.line, code: fence.content.join('\n'), expected: follows ? next.content : undefined });
  });
  return examples;
}

export function examplesIn(file: string, root = ROOT): Example[] {
  return examplesOf(readFileSync(join(root, file), 'utf8'), file);
}

/** A Docker example: one of its command lines runs `docker`. */
export function needsDocker(example: Example): boolean {
  return example.code.split('\n').some((line) => /^\s*(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:sudo\s+)?docker\s/.test(line));
}

/** The documentation's address (127.0.0.1:8080, localhost:8080) turned into the given port. */
export function withPort(text: string, port: number): string {
  return text.replace(DOCUMENTED_ADDRESS, `$1:${port}`);
}

export function mentionsDocumentedAddress(text: string): boolean {
  return new RegExp(DOCUMENTED_ADDRESS.source).test(text);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An expected line as a whole-line pattern: `...` stands for any text. */
function linePattern(line: string): RegExp {
  return new RegExp(`^${line.split('...').map(escapeRegExp).join('.*')}$`);
}

/** Undefined when the output matches the expected lines (see the conventions above), else what is wrong. */
export function outputProblem(expected: string[], output: string): string | undefined {
  const actual = output
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => line !== '');
  const wanted = expected.map((line) => line.replace(/\s+$/, '')).filter((line) => line !== '');
  let at = 0;
  let floating = false;
  for (const line of wanted) {
    if (line === '...') {
      floating = true;
      continue;
    }
    const pattern = linePattern(line);
    let found = -1;
    if (floating) {
      for (let i = at; i < actual.length; i++) {
        if (pattern.test(actual[i]!)) {
          found = i;
          break;
        }
      }
    } else if (at < actual.length && pattern.test(actual[at]!)) {
      found = at;
    }
    if (found < 0) {
      const where = floating
        ? `at or after output line ${at + 1}`
        : `as output line ${at + 1} (${JSON.stringify(actual[at] ?? '<end of output>')})`;
      return `expected ${JSON.stringify(line)} ${where}`;
    }
    at = found + 1;
    floating = false;
  }
  if (!floating && at < actual.length) return `unexpected output after the expected lines: ${JSON.stringify(actual[at])}`;
  return undefined;
}

export interface Scratch {
  dir: string;
  remove(): void;
}

/**
 * A scratch directory set up like a checkout in which the package is installed: dist/ and
 * fixtures/ of the checkout (links), the checkout's start script, and node_modules/ with
 * atlas-backup-emulator and its bin. Examples write their files here, never into the checkout.
 */
export function makeScratch(root = ROOT): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-docs-'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    bin: Record<string, string>;
  };
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'docs-examples', private: true, scripts: { start: pkg.scripts.start } }, null, 2)}\n`,
  );
  for (const entry of ['dist', 'fixtures']) symlinkSync(join(root, entry), join(dir, entry));
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'atlas-backup-emulator'));
  for (const [name, target] of Object.entries(pkg.bin))
    symlinkSync(join('..', 'atlas-backup-emulator', target), join(dir, 'node_modules', '.bin', name));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunOptions {
  /** Where the example runs (a scratch directory). */
  cwd: string;
  /** The port of the emulator that the documented address stands for. */
  targetPort?: number;
  /** Bash sourced before the example (the Docker suite's adaptations). */
  prelude?: string;
  /** More environment for the example. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** How long what it started has, once it has exited, to be gone (default 10 s). */
  leftoverMs?: number;
}

export interface ExampleRun {
  ok: boolean;
  /** What went wrong, when not ok. */
  problem?: string;
  /** Everything the example printed (stdout and stderr, in order). */
  output: string;
  /** It printed the ready line and was stopped. */
  server: boolean;
  exitCode: number | string | undefined;
}

/** The environment an example gets: this process's PATH and the like, nothing of its ATLAS_EMU_*. */
function exampleEnvironment(cwd: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { PATH: `${join(cwd, 'node_modules', '.bin')}:${process.env.PATH ?? ''}` };
  for (const name of ['HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'NODE_EXTRA_CA_CERTS', 'DOCKER_HOST', 'DOCKER_CONFIG', 'DOCKER_CONTEXT']) {
    if (process.env[name] !== undefined) env[name] = process.env[name]!;
  }
  return { ...env, ...extra };
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function signalGroup(pid: number, signal: NodeJS.Signals): Promise<void> {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Waits until nothing of the process group is left (or the time is up). */
async function groupGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** The processes of a group, one `pid command` each (what a failure names). */
function groupProcesses(pgid: number): string[] {
  return execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null && Number(match[2]) === pgid)
    .map((match) => `${match![1]} ${match![3]}`);
}

/** The ports of the ready lines in an example's output and in the files it wrote in its directory. */
function announcedPorts(output: string, cwd: string): number[] {
  const files = readdirSync(cwd, { withFileTypes: true }).filter((entry) => entry.isFile());
  const texts = [output, ...files.map((entry) => readFileSync(join(cwd, entry.name), 'utf8'))];
  const ready = new RegExp(`^${READY_LINE_PREFIX}https?://[^\\s/]+:(\\d+)`, 'gm');
  return [...new Set(texts.flatMap((text) => [...text.matchAll(ready)].map((match) => Number(match[1]))))];
}

/** Whether something accepts a connection on a loopback port. */
function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Runs one example by the conventions above. */
export async function runExample(example: Example, options: RunOptions): Promise<ExampleRun> {
  const { cwd, targetPort, prelude = '', timeoutMs = 120_000, leftoverMs = 10_000 } = options;
  const fail = (problem: string, output = '', server = false, exitCode?: number | string): ExampleRun => ({
    ok: false,
    problem,
    output,
    server,
    exitCode,
  });
  if (targetPort === undefined && mentionsDocumentedAddress(example.code))
    return fail('the example uses the emulator at 127.0.0.1:8080, and no emulator was given to target');
  const ownPort = await freePort();
  const code = targetPort === undefined ? example.code : withPort(example.code, targetPort);
  const script = join(cwd, `.example-${example.file.replace(/\W/g, '_')}-${example.line}.sh`);
  writeFileSync(script, `set -euo pipefail\nexec 2>&1\n${prelude}\n${code}\n`);
  const child = spawn('bash', [script], {
    cwd,
    env: exampleEnvironment(cwd, { ATLAS_EMU_HOST: '127.0.0.1', ATLAS_EMU_PORT: String(ownPort), ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let checked: string | undefined;
  const exited = new Promise<number | string>((resolve) => child.on('exit', (status, signal) => resolve(status ?? signal ?? -1)));
  // Its output is complete once every process holding the pipes is gone.
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const drained = () => Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 5_000))]);
  const ready = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (checked === undefined) {
        const at = output.split('\n').findIndex((line) => line.startsWith(READY_LINE_PREFIX));
        if (at >= 0) {
          checked = output
            .split('\n')
            .slice(0, at + 1)
            .join('\n');
          resolve();
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const first = await Promise.race([exited.then((code) => ({ exit: code })), ready.then(() => 'ready' as const), timeout]);
    if (first === 'timeout') {
      await signalGroup(child.pid!, 'SIGKILL');
      return fail(`no exit and no ready line within ${timeoutMs} ms`, output);
    }
    let server = false;
    let exitCode: number | string | undefined;
    if (first === 'ready') {
      server = true;
      await signalGroup(child.pid!, 'SIGTERM');
      exitCode = await exited;
      if (!(await groupGone(child.pid!, 20_000))) {
        await signalGroup(child.pid!, 'SIGKILL');
        return fail('what the example started did not stop within 20 s of SIGTERM', output, server, exitCode);
      }
    } else {
      exitCode = first.exit;
      if (exitCode !== 0) {
        // Whatever it left in the background goes too.
        await signalGroup(child.pid!, 'SIGTERM');
        await drained();
        return fail(`exit status ${exitCode}`, output, server, exitCode);
      }
      // Nothing of it outlives it: what it started in the background, it stopped as documented.
      if (!(await groupGone(child.pid!, leftoverMs))) {
        const running = groupProcesses(child.pid!);
        await signalGroup(child.pid!, 'SIGKILL');
        return fail(`${leftoverMs} ms after it exited, it left processes running: ${running.join('; ')}`, output, server, exitCode);
      }
    }
    await drained();
    for (const port of announcedPorts(output, cwd))
      if (await accepting(port)) return fail(`an emulator it started still accepts connections on port ${port}`, output, server, exitCode);
    if (example.expected) {
      const port = server ? ownPort : targetPort;
      const expected = port === undefined ? example.expected : example.expected.map((line) => withPort(line, port));
      const problem = outputProblem(expected, server ? checked! : output);
      if (problem) return fail(problem, output, server, exitCode);
    }
    return { ok: true, output, server, exitCode };
  } finally {
    clearTimeout(timer);
    rmSync(script, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// As a program (the Docker suite):
//
//   node --import tsx test/helpers/doc-examples.ts --docker IMAGE [--url URL] [FILE...]
//   node --import tsx test/helpers/doc-examples.ts [--url URL] [FILE...]
//
// FILE defaults to README.md and docs/*.md. With --docker, only the Docker examples run, with
// test/helpers/docker-prelude.sh sourced first and the image atlas-backup-emulator standing for
// IMAGE; the environment's NODE_IMAGE, BUILD_IMAGE and NPM_CONFIG_REGISTRY reach `docker build`
// as build arguments. Without it, the examples that need no Docker run. --url names the
// emulator that 127.0.0.1:8080 stands for (it is reset before each example). Prints one line
// per example, `ok N - FILE:LINE` or `not ok N - FILE:LINE` with the output as `#` lines, then
// `N passed, M failed`; the exit status is 1 when one failed.

async function main(args: string[]): Promise<number> {
  let image: string | undefined;
  let url: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--docker') image = args[++i];
    else if (args[i] === '--url') url = args[++i];
    else files.push(relative(ROOT, join(process.cwd(), args[i]!)));
  }
  if ((args.includes('--docker') && !image) || (args.includes('--url') && !url)) {
    process.stderr.write('usage: doc-examples.ts [--docker IMAGE] [--url URL] [FILE...]\n');
    return 2;
  }
  const examples = (files.length ? files : documentationFiles())
    .flatMap((file) => examplesIn(file))
    .filter((example) => needsDocker(example) === (image !== undefined));
  const targetPort = url === undefined ? undefined : Number(new URL(url).port);
  const prelude = image === undefined ? '' : readFileSync(join(ROOT, 'test/helpers/docker-prelude.sh'), 'utf8');
  const env: Record<string, string> = image === undefined ? {} : { DOCS_DOCKER_IMAGE: image, DOCS_REPO: ROOT.replace(/\/$/, '') };
  for (const name of ['NODE_IMAGE', 'BUILD_IMAGE', 'NPM_CONFIG_REGISTRY'])
    if (image !== undefined && process.env[name]) env[name] = process.env[name]!;
  const scratch = makeScratch();
  let passed = 0;
  let failed = 0;
  try {
    if (image !== undefined)
      await runExample({ file: 'cleanup', line: 0, code: 'docs_docker_cleanup', expected: undefined }, { cwd: scratch.dir, prelude, env });
    for (const [i, example] of examples.entries()) {
      if (url !== undefined) await fetch(new URL('/_emulator/reset', url), { method: 'POST' }).then((res) => res.arrayBuffer());
      const own = makeScratch();
      const run = await runExample(example, {
        cwd: own.dir,
        targetPort,
        prelude,
        env,
        timeoutMs: image === undefined ? 120_000 : 45 * 60_000,
      }).finally(() => own.remove());
      const name = `${example.file}:${example.line}`;
      if (run.ok) {
        passed++;
        process.stdout.write(`ok ${i + 1} - ${name}\n`);
      } else {
        failed++;
        process.stdout.write(
          `not ok ${i + 1} - ${name}: ${run.problem}\n${run.output
            .split('\n')
            .map((line) => `#   ${line}`)
            .join('\n')}\n`,
        );
      }
    }
  } finally {
    if (image !== undefined)
      await runExample({ file: 'cleanup', line: 0, code: 'docs_docker_cleanup', expected: undefined }, { cwd: scratch.dir, prelude, env });
    scratch.remove();
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

// Run as a program, not when imported, nor when a test runner runs every file of this folder.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && !process.env.TAP)
  process.exitCode = await main(process.argv.slice(2));
