import type { ValidateFunction } from 'ajv';
import { closest } from './closest.js';
import { describeErrors, ENV, FLAG } from './validation.js';

// A command's options as one JSON Schema (the emulator's in src/model/options.ts, the record
// command's in src/record/record-options.ts): each property is an option with an environment
// variable and a command-line flag whose names derive from its key (nonceTtlSeconds:
// ATLAS_EMU_NONCE_TTL_SECONDS, --nonce-ttl-seconds; FLAG and ENV name others), checked by the
// schema's validator whether it comes from the environment, a flag or a caller's object.

/** A configuration that cannot be served: its message names the option and what it accepts. */
export class ConfigError extends Error {}

type PropertySchema = Record<string, unknown>;
export interface OptionSchema {
  properties: Record<string, PropertySchema>;
  required: readonly string[];
}

/** An option as text: from the environment, or a flag's value(s) as util.parseArgs gives them. */
export type OptionText = string | string[] | boolean;

export interface OptionRow {
  key: string;
  env: string;
  flag: string;
  /** How the flag takes its value: a boolean takes none, a list is repeated. */
  kind: 'value' | 'boolean' | 'list';
  default: string | undefined;
  describe: string;
}

/** What every option's environment variable starts with. */
const ENV_PREFIX = 'ATLAS_EMU_';
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export class OptionSet<Options extends Record<string, unknown>> {
  readonly keys: (keyof Options & string)[];
  private readonly properties: Record<string, PropertySchema>;

  /** `validate` checks any subset of the options (no `required`) and fills in the defaults. */
  constructor(
    private readonly schema: OptionSchema,
    private readonly validate: ValidateFunction,
  ) {
    this.properties = schema.properties;
    this.keys = Object.keys(schema.properties) as (keyof Options & string)[];
  }

  envName(key: string): string {
    return (this.properties[key]?.[ENV] as string | undefined) ?? `${ENV_PREFIX}${snake(key)}`;
  }

  flagName(key: string): string {
    return `--${(this.properties[key]?.[FLAG] as string | undefined) ?? kebab(key)}`;
  }

  kind(key: string): OptionRow['kind'] {
    const type = this.properties[key]!.type;
    return type === 'boolean' ? 'boolean' : type === 'array' ? 'list' : 'value';
  }

  /** One row per option, for --help and the README: names, default and meaning, from the schema. */
  rows(): OptionRow[] {
    return this.keys.map((key) => {
      const schema = this.properties[key]!;
      const value = schema.default as string | number | boolean | undefined;
      const enumeration = Array.isArray(schema.enum) ? `: ${schema.enum.join(', ')}` : '';
      const describe = `${schema.description as string}${enumeration}`;
      return {
        key,
        env: this.envName(key),
        flag: this.flagName(key),
        kind: this.kind(key),
        default: value === undefined ? undefined : String(value),
        describe,
      };
    });
  }

  /** Checks a set of options; the error names each option the way `nameOf` says (variable, flag or key). */
  private check(values: Record<string, unknown>, nameOf: (key: string) => string, raw: Record<string, unknown>): void {
    // A copy: validation fills in defaults, and a layer must hold only what it sets.
    if (this.validate({ ...values })) return;
    const { path, problem } = describeErrors(this.validate.errors!);
    const key = path[0] as string;
    if (!(key in this.properties)) throw new ConfigError(`unknown option ${JSON.stringify(key)} (options: ${this.keys.join(', ')})`);
    const given = raw[key];
    // A list names the element that is wrong.
    const shown = Array.isArray(given) && typeof path[1] === 'number' ? given[path[1]] : given;
    throw new ConfigError(`${nameOf(key)} ${problem}, got ${JSON.stringify(shown)}`);
  }

  /** Text as the option's type: an integer's digits a number, true/false a boolean, a comma-separated list an array. */
  private fromText(key: string, raw: OptionText): unknown {
    if (typeof raw !== 'string') return raw;
    switch (this.properties[key]!.type) {
      case 'integer':
        return /^\s*-?\d{1,16}\s*$/.test(raw) ? Number(raw) : raw;
      case 'boolean':
        return raw === 'true' ? true : raw === 'false' ? false : raw;
      case 'array':
        return raw.split(',').map((item) => item.trim());
      default:
        return raw;
    }
  }

  private fromTexts(texts: Partial<Record<string, OptionText>>, nameOf: (key: string) => string): Partial<Options> {
    const values: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(texts)) if (raw !== undefined) values[key] = this.fromText(key, raw);
    this.check(values, nameOf, texts);
    return values as Partial<Options>;
  }

  /**
   * The options set in an environment, except those in `given` (a command line's flags, which
   * win: the variable of an option a flag gives is not read, so an invalid one is no error).
   * ATLAS_EMU_ variables that are not options are ignored here (see checkVariables).
   */
  fromEnvironment(env: NodeJS.ProcessEnv, given: Partial<Record<string, unknown>> = {}): Partial<Options> {
    const texts: Record<string, string> = {};
    for (const key of this.keys) if (given[key] === undefined && env[this.envName(key)] !== undefined) texts[key] = env[this.envName(key)]!;
    return this.fromTexts(texts, (key) => this.envName(key));
  }

  /**
   * Refuses an ATLAS_EMU_ variable that is no option of this set nor of `others` (the commands
   * that share the environment: one's variables may be set when the other runs), as an unknown
   * flag is refused: naming the closest of their variables. Its value is never shown.
   */
  checkVariables(env: NodeJS.ProcessEnv, others: readonly OptionSet<Record<string, unknown>>[] = []): void {
    const known = [this, ...others].flatMap((set) => set.keys.map((key) => set.envName(key)));
    const unknown = Object.keys(env).find((name) => name.startsWith(ENV_PREFIX) && !known.includes(name));
    if (unknown !== undefined)
      throw new ConfigError(`unknown variable ${JSON.stringify(unknown)} (did you mean ${closest(unknown, known)}? see --help)`);
  }

  /** The options given as command-line flag values (parsed by the command). */
  fromFlags(texts: Partial<Record<string, OptionText>>): Partial<Options> {
    return this.fromTexts(texts, (key) => this.flagName(key));
  }

  /**
   * The options: the defaults, then each layer in turn (e.g. the environment, then flags).
   * Every layer is validated as given; a problem is a ConfigError naming the option (as
   * `nameOf` says for one that is required and missing).
   */
  resolve(layers: Partial<Options>[], nameOf: (key: string) => string = (key) => `option ${key}`): Options {
    const merged: Record<string, unknown> = {};
    for (const layer of layers) {
      this.check(layer, (key) => `option ${key}`, layer);
      for (const [key, value] of Object.entries(layer)) if (value !== undefined) merged[key] = value;
    }
    // Every default, filled in by validating the merged options.
    if (!this.validate(merged)) throw new ConfigError('the options do not validate together');
    const missing = this.schema.required.find((key) => merged[key] === undefined);
    if (missing !== undefined) throw new ConfigError(`${nameOf(missing)} is required: ${this.properties[missing]!.description as string}`);
    return merged as Options;
  }
}
