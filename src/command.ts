import closeWithGrace from 'close-with-grace';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { buildApp, INSPECTOR_PAGE } from './app.js';
import { closest } from './lib/closest.js';
import { VERSION } from './lib/package-root.js';
import type { OptionSet, OptionText } from './lib/option-set.js';
import { ConfigError, DEFAULT_CLIENT_SECRET, DEFAULT_PRIVATE_KEY, EMULATOR_OPTIONS, resolveConfig, type Config } from './model/options.js';
import { RecordError } from './record/record-error.js';
import { RECORD_OPTIONS, resolveRecordOptions } from './record/record-options.js';
import { recordWith, type RecordIo } from './record/recorder.js';
import { FixtureFileError } from './fixtures/fixture-files.js';
import { DatabaseOpenError } from './store/database.js';

// The command: `atlas-backup-emulator [flags]` (started by src/cli.ts, which is also what
// `npm start` and the Docker image run), and `atlas-backup-emulator record [flags]`. Flags
// (util.parseArgs, one per option of the command's schema) win over the ATLAS_EMU_*
// environment. A configuration that cannot be served is one line on stderr and exit code 2.
// With src/cli.ts, the only module that touches `process`.

export const READY_LINE_PREFIX = 'atlas-backup-emulator ready at ';

/** Columns --help fits in. */
export const HELP_WIDTH = 100;

/** `text` in lines of at most `width` columns, broken between words (a longer word keeps its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/**
 * --help of a command: its options from its schema, each with its flag and variable on the left
 * and its meaning and default on the right (a non-breaking space keeps `default:` and the value
 * on one line), in HELP_WIDTH columns.
 */
function usageOf(set: OptionSet<Record<string, unknown>>, title: string, synopsis: string[]): string {
  const entries = set.rows().map((o) => ({
    left: [o.kind === 'boolean' ? o.flag : `${o.flag} <value>`, `  ${o.env}`],
    text: o.default === undefined ? o.describe : `${o.describe} (default:\u00a0${o.default})`,
  }));
  entries.push({ left: ['--help'], text: 'print this help' }, { left: ['--version'], text: 'print the version' });
  const leftWidth = 2 + Math.max(...entries.flatMap(({ left }) => left.map((cell) => cell.length))) + 2;
  const entry = ({ left, text }: (typeof entries)[number]) => {
    const right = wrap(text, HELP_WIDTH - leftWidth);
    return Array.from(
      { length: Math.max(left.length, right.length) },
      (_, i) => `  ${left[i] ?? ''}`.padEnd(leftWidth) + (right[i] ?? ''),
    ).map((line) => line.trimEnd().replaceAll('\u00a0', ' '));
  };
  // The title and the synopsis lines, wrapped under their first line's text.
  const hanging = (lead: string, text: string) =>
    wrap(text, HELP_WIDTH - lead.length).map((line, i) => (i === 0 ? lead : ' '.repeat(lead.length)) + line);
  return [
    ...wrap(`atlas-backup-emulator ${VERSION}: ${title}`, HELP_WIDTH),
    '',
    ...synopsis.flatMap((line, i) => hanging(i === 0 ? 'Usage: ' : '       ', line)),
    '',
    'Options (under each flag its environment variable; a flag wins over its variable):',
    '',
    ...entries.flatMap(entry),
    '',
  ].join('\n');
}

export function usage(): string {
  return usageOf(EMULATOR_OPTIONS, "an emulator of the MongoDB Atlas Administration API's Legacy Backup resources.", [
    'atlas-backup-emulator [options]',
    'atlas-backup-emulator record [options] (see record --help)',
  ]);
}

export function recordUsage(): string {
  return usageOf(RECORD_OPTIONS, "records an Atlas project's Legacy Backup state into a fixture document (docs/recording.md).", [
    'atlas-backup-emulator record --group ID --cluster NAME [--cluster NAME ...] --out FILE [options]',
  ]);
}

export type CommandLine = { print: string } | { flags: Partial<Record<string, OptionText>> };

/** What the arguments ask for of a command whose options are `set`: text to print, or the option values the flags give. */
function parseOptions(args: string[], set: OptionSet<Record<string, unknown>>, help: () => string): CommandLine {
  const byFlag = new Map(set.keys.map((key) => [set.flagName(key).slice(2), key]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(
          set.keys.map((key) => [
            set.flagName(key).slice(2),
            { type: set.kind(key) === 'boolean' ? ('boolean' as const) : ('string' as const), multiple: set.kind(key) === 'list' },
          ]),
        ),
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const flag = /'(-[^' ]+)/.exec((err as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flags = [...set.keys.map((key) => set.flagName(key)), '--help', '--version'];
      throw new ConfigError(`unknown option ${JSON.stringify(flag)} (did you mean ${closest(flag, flags)}? see --help)`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      // A boolean flag given a value (--flag=false), or another flag given none.
      const key = byFlag.get(flag.slice(2));
      if (key !== undefined && set.kind(key) === 'boolean')
        throw new ConfigError(`option ${flag} takes no value (${set.envName(key)} takes true or false)`);
      throw new ConfigError(`option ${flag} needs a value`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new ConfigError(`unexpected argument ${JSON.stringify(flag || args.find((a) => !a.startsWith('-')))} (see --help)`);
    throw new ConfigError((err as Error).message);
  }
  const { help: wantsHelp, version, ...values } = parsed.values as Record<string, OptionText | undefined>;
  if (wantsHelp) return { print: help() };
  if (version) return { print: `${VERSION}\n` };
  const flags: Partial<Record<string, OptionText>> = {};
  for (const [flag, value] of Object.entries(values)) flags[byFlag.get(flag)!] = value;
  return { flags };
}

/**
 * A command's options from its command line: the ATLAS_EMU_* variables, then the flags, which
 * win. The other command's variables may be set too (the two share the environment); any other
 * ATLAS_EMU_ variable is refused, as an unknown flag is.
 */
function optionLayers<Options extends Record<string, unknown>>(
  set: OptionSet<Options>,
  other: OptionSet<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
  flags: Partial<Record<string, OptionText>>,
): Partial<Options>[] {
  set.checkVariables(env, [other]);
  return [set.fromEnvironment(env, flags), set.fromFlags(flags)];
}

/** What the arguments ask for: text to print, or the option values the flags give. */
export function parseCommandLine(args: string[]): CommandLine {
  return parseOptions(args, EMULATOR_OPTIONS, usage);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Where the record command writes: its result on stdout, problems and (on a terminal) progress on stderr. */
export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/**
 * `atlas-backup-emulator record ...`: its exit status. Flags win over the environment; every
 * problem is one line on stderr and status 2, the previous file then left as it was.
 */
export async function recordCommand(args: string[], env: NodeJS.ProcessEnv, output: CommandOutput, io: RecordIo = {}): Promise<number> {
  const progress = output.stderr.isTTY === true;
  const clear = () => progress && output.stderr.write('\r\x1b[K');
  try {
    const commandLine = parseOptions(args, RECORD_OPTIONS, recordUsage);
    if ('print' in commandLine) {
      output.stdout.write(commandLine.print);
      return 0;
    }
    const nameOf = (key: string) => RECORD_OPTIONS.flagName(key);
    const { settings, credentials } = resolveRecordOptions(optionLayers(RECORD_OPTIONS, EMULATOR_OPTIONS, env, commandLine.flags), nameOf);
    const summary = await recordWith(settings, credentials, {
      ...io,
      progress: progress ? (p) => output.stderr.write(`\r\x1b[Krecording: ${p.pagesRead} of ${p.pagesKnown} pages read`) : undefined,
    });
    clear();
    const totals = (key: 'checkpoints' | 'snapshots' | 'restoreJobs') => summary.clusters.reduce((n, c) => n + c[key], 0);
    output.stdout.write(
      `recorded ${plural(summary.clusters.length, 'cluster')} into ${summary.out}: ${plural(totals('checkpoints'), 'checkpoint')}, ` +
        `${plural(totals('snapshots'), 'snapshot')}, ${plural(totals('restoreJobs'), 'restore job')} (${plural(summary.requests, 'request')})\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof RecordError)) throw err;
    clear();
    output.stderr.write(`atlas-backup-emulator record: ${err.message}\n`);
    return 2;
  }
}

export function banner(config: Config, counts: { projects: number; clusters: number; checkpoints: number }, address: string): string {
  const privateKey = config.privateKey === DEFAULT_PRIVATE_KEY ? config.privateKey : '(set by ATLAS_EMU_PRIVATE_KEY)';
  const clientSecret = config.clientSecret === DEFAULT_CLIENT_SECRET ? config.clientSecret : '(set by ATLAS_EMU_CLIENT_SECRET)';
  return (
    `atlas-backup-emulator ${VERSION}: ${plural(counts.projects, 'project')}, ${plural(counts.clusters, 'cluster')}, ` +
    `${plural(counts.checkpoints, 'checkpoint')} (seed ${config.seed}, store ${config.db})\n` +
    `  Digest API key: public key ${config.publicKey}, private key ${privateKey}\n` +
    `  Service account: client id ${config.clientId}, client secret ${clientSecret}\n` +
    `  Inspector: ${address}${INSPECTOR_PAGE}\n` +
    `${READY_LINE_PREFIX}${address}\n`
  );
}

/** Why the server cannot listen, in words (EADDRINUSE and friends), or undefined for other errors. */
function listenProblem(err: NodeJS.ErrnoException, config: Config): string | undefined {
  const where = `${config.host}:${config.port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the address is already in use (another process has the port; choose another with --port or ATLAS_EMU_PORT, 0 for any free port)`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot listen on ${where}: no such address on this machine`;
    default:
      return undefined;
  }
}

function refuse(message: string): never {
  process.stderr.write(`atlas-backup-emulator: ${message}\n`);
  process.exit(2);
}

/** The record command as a process: Ctrl-C ends the recording, leaving the previous file as it was. */
async function recordProcess(args: string[], env: NodeJS.ProcessEnv): Promise<never> {
  const interrupt = new AbortController();
  const abort = () => interrupt.abort();
  process.once('SIGINT', abort).once('SIGTERM', abort);
  const status = await recordCommand(args, env, process, { signal: interrupt.signal });
  // Now, not when the idle keep-alive connections to the source time out.
  process.exit(status);
}

/**
 * Started through npm (npm start, npx, a script of a package.json), the emulator runs under a
 * shell of npm's, which npm passes a signal to and which does not pass it on: stopping what was
 * started would leave the emulator to init, still serving. So it also stops, as on SIGTERM, once
 * the process that started it is gone. (`exec node` in the start script would not do: a signal to
 * the whole group, as Ctrl-C sends, would reach the emulator twice, npm passing it on, and a
 * second signal forces the exit.) The timer, to clear when the emulator closes anyway.
 */
function stopWithParent(parent: number, log: { info(fields: object, message: string): void }): NodeJS.Timeout {
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    log.info({ parent }, 'the process that started the emulator is gone');
    process.kill(process.pid, 'SIGTERM');
  }, 500);
  return timer.unref();
}

export async function main(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  if (args[0] === 'record') return recordProcess(args.slice(1), env);
  const parent = process.ppid;
  let config: Config;
  let app: ReturnType<typeof buildApp>;
  try {
    const commandLine = parseCommandLine(args);
    if ('print' in commandLine) {
      process.stdout.write(commandLine.print);
      return;
    }
    config = resolveConfig(...optionLayers(EMULATOR_OPTIONS, RECORD_OPTIONS, env, commandLine.flags));
    app = buildApp(config);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof FixtureFileError || err instanceof DatabaseOpenError) refuse(err.message);
    throw err;
  }
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    const problem = listenProblem(err as NodeJS.ErrnoException, config);
    if (problem === undefined) throw err;
    await app.close();
    refuse(problem);
  }
  const watch = env.npm_command === undefined ? undefined : stopWithParent(parent, app.log);
  closeWithGrace({ delay: 5000 }, async ({ signal, err }) => {
    // Ctrl-C stops npm's shell too: its going is then no second signal (which would force the exit).
    clearInterval(watch);
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    await app.close();
  });
  process.stdout.write(banner(config, app.emulator.store.counts(), address));
  // From now on V8 keeps the young generation at the size start-up grew it to, instead of
  // letting it double under load: the resident memory stays within its budget
  // (docs/performance.md). Set here, not as a node flag: a V8 flag on the command line makes
  // Node's own code cache unusable, which slows every start.
  setFlagsFromString('--semi-space-growth-factor=1');
}
