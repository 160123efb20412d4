import closeWithGrace from 'close-with-grace';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { buildApp } from './app.js';
import { VERSION } from './lib/package-root.js';
import {
  ConfigError,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PRIVATE_KEY,
  flagName,
  optionRows,
  optionsFromEnvironment,
  optionsFromFlags,
  OPTION_KEYS,
  resolveConfig,
  type Config,
  type OptionKey,
} from './model/options.js';
import { FixtureFileError } from './fixtures/fixture-files.js';
import { DatabaseOpenError } from './store/database.js';

// The command: `atlas-backup-emulator [flags]` (started by src/cli.ts, which is also what
// `npm start` and the Docker image run). Flags (util.parseArgs, one per option of the schema) win over the ATLAS_EMU_*
// environment. A configuration that cannot be served is one line on stderr and exit code 2.
// With src/cli.ts, the only module that touches `process`.

export const READY_LINE_PREFIX = 'atlas-backup-emulator ready at ';

export function usage(): string {
  const rows = optionRows().map((o) => [`${o.flag} <value>`, o.env, o.default ?? '(none)', o.describe]);
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length));
  const [flagWidth, envWidth, defaultWidth] = [width(0), width(1), width(2)];
  const line = (cells: string[]) => `  ${cells[0]!.padEnd(flagWidth)}  ${cells[1]!.padEnd(envWidth)}  ${cells[2]!.padEnd(defaultWidth)}  ${cells[3]}`;
  return (
    `atlas-backup-emulator ${VERSION}: an emulator of the MongoDB Atlas Administration API's Legacy Backup resources.\n\n` +
    'Usage: atlas-backup-emulator [options]\n\n' +
    `${line(['option', 'environment variable', 'default', 'meaning'])}\n` +
    rows.map(line).join('\n') +
    '\n  --help     print this help\n  --version  print the version\n'
  );
}

export type CommandLine = { print: string } | { flags: Partial<Record<OptionKey, string>> };

/** What the arguments ask for: text to print, or the option values the flags give. */
export function parseCommandLine(args: string[]): CommandLine {
  const byFlag = new Map(OPTION_KEYS.map((key) => [flagName(key).slice(2), key]));
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries([...byFlag.keys()].map((flag) => [flag, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const flag = /'(-[^' ]+)/.exec((err as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new ConfigError(`unknown option ${JSON.stringify(flag)} (see --help)`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new ConfigError(`option ${flag} needs a value`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new ConfigError(`unexpected argument ${JSON.stringify(flag || args.find((a) => !a.startsWith('-')))} (see --help)`);
    throw new ConfigError((err as Error).message);
  }
  const { help, version, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  if (help) return { print: usage() };
  if (version) return { print: `${VERSION}\n` };
  const flags: Partial<Record<OptionKey, string>> = {};
  for (const [flag, value] of Object.entries(values)) flags[byFlag.get(flag)!] = value as string;
  return { flags };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function banner(config: Config, counts: { projects: number; clusters: number; checkpoints: number }, address: string): string {
  const privateKey = config.privateKey === DEFAULT_PRIVATE_KEY ? config.privateKey : '(set by ATLAS_EMU_PRIVATE_KEY)';
  const clientSecret = config.clientSecret === DEFAULT_CLIENT_SECRET ? config.clientSecret : '(set by ATLAS_EMU_CLIENT_SECRET)';
  return (
    `atlas-backup-emulator ${VERSION}: ${plural(counts.projects, 'project')}, ${plural(counts.clusters, 'cluster')}, ` +
    `${plural(counts.checkpoints, 'checkpoint')} (seed ${config.seed}, store ${config.db})\n` +
    `  Digest API key: public key ${config.publicKey}, private key ${privateKey}\n` +
    `  Service account: client id ${config.clientId}, client secret ${clientSecret}\n` +
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

export async function main(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  let config: Config;
  let app;
  try {
    const commandLine = parseCommandLine(args);
    if ('print' in commandLine) {
      process.stdout.write(commandLine.print);
      return;
    }
    config = resolveConfig(optionsFromEnvironment(env), optionsFromFlags(commandLine.flags));
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
  closeWithGrace({ delay: 5000 }, async ({ signal, err }) => {
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
