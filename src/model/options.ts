import type { FromSchema } from 'json-schema-to-ts';
import { OptionsSchema } from './option-schema.js';
import * as precompiled from '../generated/validators.js';
import { precompiledValidator } from '../lib/validation.js';
import { ConfigError, OptionSet, type OptionRow } from '../lib/option-set.js';

// The emulator's options: one schema. Each option is an ATLAS_EMU_* environment variable
// (Docker users cannot pass flags from every CI system), a command-line flag of the same
// meaning and a startEmulator() option; the variable and flag names derive from the key
// (src/lib/option-set.ts). Validation, --help, the README's option table and the types all
// come from this one definition (option-schema.ts).

export * from './option-schema.js';

/** The resolved configuration: every option with a default has its value. */
export type Config = Readonly<FromSchema<typeof OptionsSchema>>;
/** Options as a caller gives them (startEmulator, buildApp): any subset. */
export type EmulatorOptions = Partial<FromSchema<typeof OptionsSchema>>;
export type OptionKey = keyof Config & string;

export { ConfigError };

/** The emulator's options (names, rows, layers) from the one schema. */
export const EMULATOR_OPTIONS = new OptionSet<EmulatorOptions & Record<string, unknown>>(
  OptionsSchema,
  // Compiled ahead of time from OptionsLayerSchema (src/generated/validators.ts).
  precompiledValidator(precompiled.optionsLayer),
);
export const OPTION_KEYS = EMULATOR_OPTIONS.keys as OptionKey[];
export const envName = (key: OptionKey) => EMULATOR_OPTIONS.envName(key);
export const flagName = (key: OptionKey) => EMULATOR_OPTIONS.flagName(key);

/** One row per option, for --help and the README: names, default and meaning, from the schema. */
export const optionRows = (): OptionRow[] => EMULATOR_OPTIONS.rows();

/**
 * The configuration: the defaults, then each layer of options in turn (e.g. the environment,
 * then flags). Every layer is validated as given; a problem is a ConfigError naming the option.
 */
export function resolveConfig(...layers: EmulatorOptions[]): Config {
  const merged: Record<string, unknown> = EMULATOR_OPTIONS.resolve(layers);
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
