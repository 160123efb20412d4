import type { FromSchema } from 'json-schema-to-ts';
import { OptionsSchema } from './option-schema.js';
import * as precompiled from '../generated/validators.js';
import { describeErrors, precompiledValidator } from '../lib/validation.js';

// The emulator's options: one schema. Each option is an ATLAS_EMU_* environment variable
// (Docker users cannot pass flags from every CI system), a command-line flag of the same
// meaning and a startEmulator() option; the variable and flag names derive from the key
// (nonceTtlSeconds: ATLAS_EMU_NONCE_TTL_SECONDS, --nonce-ttl-seconds). Validation, --help,
// the README's option table and the types all come from this one definition (option-schema.ts).

export * from './option-schema.js';

/** The resolved configuration: every option with a default has its value. */
export type Config = Readonly<FromSchema<typeof OptionsSchema>>;
/** Options as a caller gives them (startEmulator, buildApp): any subset. */
export type EmulatorOptions = Partial<FromSchema<typeof OptionsSchema>>;
export type OptionKey = keyof Config & string;

export class ConfigError extends Error {}

const PROPERTIES = OptionsSchema.properties as Record<OptionKey, Record<string, unknown>>;
export const OPTION_KEYS = Object.keys(PROPERTIES) as OptionKey[];

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
export const envName = (key: OptionKey) => `ATLAS_EMU_${snake(key)}`;
export const flagName = (key: OptionKey) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** One row per option, for --help and the README: names, default and meaning, from the schema. */
export function optionRows(): { key: OptionKey; env: string; flag: string; default: string | undefined; describe: string }[] {
  return OPTION_KEYS.map((key) => {
    const schema = PROPERTIES[key];
    const value = schema.default as string | number | undefined;
    const enumeration = Array.isArray(schema.enum) ? `: ${schema.enum.join(', ')}` : '';
    return { key, env: envName(key), flag: flagName(key), default: value === undefined ? undefined : String(value), describe: `${schema.description as string}${enumeration}` };
  });
}

// Compiled ahead of time from OptionsLayerSchema (src/generated/validators.ts).
const validateOptions = precompiledValidator(precompiled.optionsLayer);

/** Checks a set of options; the error names each option the way `nameOf` says (variable, flag or key). */
function check(values: Record<string, unknown>, nameOf: (key: OptionKey) => string, raw: Record<string, unknown>): void {
  // A copy: validation fills in defaults, and a layer must hold only what it sets.
  if (validateOptions({ ...values })) return;
  const { path, problem } = describeErrors(validateOptions.errors!);
  const key = path[0] as string;
  if (!(key in PROPERTIES)) throw new ConfigError(`unknown option ${JSON.stringify(key)} (options: ${OPTION_KEYS.join(', ')})`);
  throw new ConfigError(`${nameOf(key as OptionKey)} ${problem}, got ${JSON.stringify(raw[key])}`);
}

/** Text from the environment or the command line, as the option's type (an integer's digits become a number). */
function fromText(key: OptionKey, raw: string): unknown {
  return PROPERTIES[key].type === 'integer' && /^\s*-?\d{1,16}\s*$/.test(raw) ? Number(raw) : raw;
}

function fromTexts(texts: Partial<Record<OptionKey, string>>, nameOf: (key: OptionKey) => string): EmulatorOptions {
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(texts) as [OptionKey, string][]) values[key] = fromText(key, raw);
  check(values, nameOf, texts);
  return values as EmulatorOptions;
}

/** The options set in an environment (ATLAS_EMU_*); unknown ATLAS_EMU_ variables are not options and are ignored. */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv): EmulatorOptions {
  const texts: Partial<Record<OptionKey, string>> = {};
  for (const key of OPTION_KEYS) if (env[envName(key)] !== undefined) texts[key] = env[envName(key)]!;
  return fromTexts(texts, envName);
}

/** The options given as command-line flag values (parsed by the CLI). */
export function optionsFromFlags(texts: Partial<Record<OptionKey, string>>): EmulatorOptions {
  return fromTexts(texts, flagName);
}

/**
 * The configuration: the defaults, then each layer of options in turn (e.g. the environment,
 * then flags). Every layer is validated as given; a problem is a ConfigError naming the option.
 */
export function resolveConfig(...layers: EmulatorOptions[]): Config {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    check(layer, (key) => `option ${key}`, layer);
    for (const [key, value] of Object.entries(layer)) if (value !== undefined) merged[key] = value;
  }
  // Every default, filled in by validating the merged options.
  if (!validateOptions(merged)) throw new ConfigError('the options do not validate together');
  if (typeof merged.publicUrl === 'string') merged.publicUrl = merged.publicUrl.replace(/\/+$/, '');
  if (merged.rateLimit === 'off') delete merged.rateLimit;
  return Object.freeze(merged) as Config;
}

/** A token bucket: `capacity` requests, refilled continuously at capacity per `periodMs`. */
export interface RateLimit {
  capacity: number;
  periodMs: number;
}

/** `100/60s` -> 100 per 60,000 ms (the schema has checked the form). */
export function parseRateLimit(text: string): RateLimit {
  const [, capacity, period, unit] = /^(\d+)\/(\d+)([sm])$/.exec(text)!;
  return { capacity: Number(capacity), periodMs: Number(period) * (unit === 'm' ? 60_000 : 1000) };
}

