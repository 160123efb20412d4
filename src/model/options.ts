import type { FromSchema } from 'json-schema-to-ts';
import { DateTimeSchema } from './value-schemas.js';
import * as precompiled from '../generated/validators.js';
import { ACCEPTS, precompiledValidator } from '../lib/validation.js';
import { ConfigError, OptionSet, type OptionRow } from '../lib/option-set.js';

// The emulator's options: one schema. Each option is an ATLAS_EMU_* environment variable
// (Docker users cannot pass flags from every CI system), a command-line flag of the same
// meaning and a startEmulator() option; the variable and flag names derive from the key
// (src/lib/option-set.ts). Validation, --help, the README's option table and the types all
// come from this one definition.

export const DEFAULT_PUBLIC_KEY = 'emulator';
/** The documented development private key: well known, like Azurite's account key. */
export const DEFAULT_PRIVATE_KEY = '6f2d8a1c-3b4e-4f5a-9c7d-0e1f2a3b4c5d';
/** The documented development service account, shaped like Atlas's mdb_sa_id_/mdb_sa_sk_ credentials. */
export const DEFAULT_CLIENT_ID = 'mdb_sa_id_656d756c61746f7200000001';
export const DEFAULT_CLIENT_SECRET = 'mdb_sa_sk_emulator-development-secret-0001';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const TEXT = { type: 'string', minLength: 1, pattern: '\\S', [ACCEPTS]: 'a non-empty string' } as const;
export const HTTP_URL = { type: 'string', pattern: '^https?://', format: 'uri', [ACCEPTS]: 'an absolute http(s) URL' } as const;
const RATE = { type: 'string', pattern: '^(?:off|[1-9][0-9]{0,6}/[1-9][0-9]{0,4}[sm])$', [ACCEPTS]: 'off or <requests>/<period> like 100/60s or 100/1m (requests and period at least 1)' } as const;

export const OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  // Every option with a default is always there once the configuration is resolved.
  required: ['host', 'port', 'db', 'seed', 'logLevel', 'publicKey', 'privateKey', 'nonceTtlSeconds', 'clientId', 'clientSecret', 'tokenTtlSeconds', 'journalMax', 'headersTimeoutMs', 'requestTimeoutMs', 'keepAliveTimeoutMs', 'clock'],
  properties: {
    host: { ...TEXT, default: '127.0.0.1', description: 'address to listen on' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080, description: 'port to listen on (0: any free port)' },
    db: { ...TEXT, default: ':memory:', description: 'SQLite file for the state; a new or empty file is seeded, an existing one is used as it is' },
    seed: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1, default: 1, description: 'seed of the generated data: the same seed gives byte-identical responses' },
    fixtures: { ...TEXT, description: 'fixture document (a JSON file, or a folder of them loaded in name order) to load instead of the default dataset' },
    logLevel: { enum: LOG_LEVELS, default: 'info', description: 'log level (pino JSON lines on stdout)' },
    publicKey: { ...TEXT, default: DEFAULT_PUBLIC_KEY, description: 'public key of the default API key' },
    privateKey: { ...TEXT, default: DEFAULT_PRIVATE_KEY, description: 'private key of the default API key; printed at start only when it is the documented default' },
    publicUrl: { ...HTTP_URL, description: 'base URL of the hrefs in links, e.g. https://cloud.mongodb.com (default: http://<Host header>)' },
    nonceSecret: { ...TEXT, description: 'secret that signs the Digest nonces, to share nonces between replicas or restarts (default: random per process)' },
    nonceTtlSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 300, description: 'lifetime of a Digest nonce; an older one gets stale=true' },
    clientId: { ...TEXT, default: DEFAULT_CLIENT_ID, description: 'client id of the default service account' },
    clientSecret: { ...TEXT, default: DEFAULT_CLIENT_SECRET, description: 'client secret of the default service account; printed only when it is the documented default' },
    tokenTtlSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 3600, description: 'lifetime of a service-account access token' },
    rateLimit: { ...RATE, description: 'per-project token bucket, <requests>/<period> like 100/60s or 100/1m, or off (default: off)' },
    adminToken: { ...TEXT, description: 'bearer token required by the /_emulator/ control routes except health and ready (default: none required)' },
    journalMax: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 1000, description: 'requests kept in the request journal (0: no journal)' },
    headersTimeoutMs: { type: 'integer', minimum: 1, maximum: 600_000, default: 10_000, description: 'time a client has to send the request headers (408 after it)' },
    requestTimeoutMs: { type: 'integer', minimum: 1, maximum: 3_600_000, default: 30_000, description: 'time a client has to send a whole request (408 after it)' },
    keepAliveTimeoutMs: { type: 'integer', minimum: 1, maximum: 3_600_000, default: 72_000, description: 'how long an idle keep-alive connection stays open' },
    clock: {
      type: 'string',
      anyOf: [{ const: 'system' }, DateTimeSchema],
      default: 'system',
      [ACCEPTS]: 'system, or a real UTC date-time like 2026-01-01T00:00:00Z',
      description: 'the emulator clock: system, or the UTC date-time a frozen clock starts at (move it with POST /_emulator/clock)',
    },
  },
} as const;

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

/** Any layer of options (the environment, flags, a caller's object) may set any subset. */
export const OptionsLayerSchema = { ...OptionsSchema, required: [] };

/** The options set in an environment (ATLAS_EMU_*); unknown ATLAS_EMU_ variables are not options and are ignored. */
export const optionsFromEnvironment = (env: NodeJS.ProcessEnv): EmulatorOptions => EMULATOR_OPTIONS.fromEnvironment(env);

/** The options given as command-line flag values (parsed by the CLI). */
export const optionsFromFlags = (texts: Partial<Record<OptionKey, string>>): EmulatorOptions => EMULATOR_OPTIONS.fromFlags(texts);

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

