#!/usr/bin/env node
import { ConfigError, OPTIONS, type Config } from './config.js';
import { VERSION } from './control/health.js';
import { main } from './server.js';

// The command line: one flag per configuration option (the OPTIONS table), flags winning over
// the ATLAS_EMU_* environment. `--flag value` and `--flag=value` both work.

function usage(): string {
  const rows = OPTIONS.map((o) => [`${o.flag} <value>`, o.env, o.default === undefined ? '(none)' : String(o.default), o.describe]);
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length));
  const [flagWidth, envWidth, defaultWidth] = [width(0), width(1), width(2)];
  return (
    `atlas-backup-emulator ${VERSION}: an emulator of the MongoDB Atlas Admin API legacy-backup checkpoints.\n\n` +
    'Usage: atlas-backup-emulator [options]\n\n' +
    `  ${'option'.padEnd(flagWidth)}  ${'environment variable'.padEnd(envWidth)}  ${'default'.padEnd(defaultWidth)}  meaning\n` +
    rows.map(([flag, env, def, describe]) => `  ${flag!.padEnd(flagWidth)}  ${env!.padEnd(envWidth)}  ${def!.padEnd(defaultWidth)}  ${describe}`).join('\n') +
    '\n  --help                  print this help\n  --version               print the version\n'
  );
}

/** The overrides the arguments ask for, or what to print instead of starting. */
function parseArguments(args: readonly string[]): { overrides: Partial<Config> } | { print: string } {
  const overrides: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return { print: usage() };
    if (arg === '--version') return { print: `${VERSION}\n` };
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const option = OPTIONS.find((o) => o.flag === flag);
    if (!option) throw new ConfigError(`unknown option ${JSON.stringify(flag)} (see --help)`);
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value`);
    overrides[option.key] = option.parse(value, flag);
  }
  return { overrides: overrides as Partial<Config> };
}

try {
  const parsed = parseArguments(process.argv.slice(2));
  if ('print' in parsed) process.stdout.write(parsed.print);
  else await main(parsed.overrides);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`atlas-backup-emulator: ${err.message}\n`);
  process.exit(2);
}
