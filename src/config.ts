// Every option is an ATLAS_EMU_* environment variable (Docker users cannot pass flags from
// every CI system) with a CLI flag of the same meaning. One table describes them all; it
// drives parsing, validation messages and `--help`.

export const DEFAULT_PUBLIC_KEY = 'emulator';
/** The documented development private key: well known, like Azurite's account key. */
export const DEFAULT_PRIVATE_KEY = '6f2d8a1c-3b4e-4f5a-9c7d-0e1f2a3b4c5d';
/** The documented development service account, shaped like Atlas's mdb_sa_id_/mdb_sa_sk_ credentials. */
export const DEFAULT_CLIENT_ID = 'mdb_sa_id_656d756c61746f7200000001';
export const DEFAULT_CLIENT_SECRET = 'mdb_sa_sk_emulator-development-secret-0001';

/** A token bucket: `capacity` requests, refilled continuously at capacity per `periodMs`. */
export interface RateLimit {
  capacity: number;
  periodMs: number;
}

export interface Config {
  host: string;
  port: number;
  db: string;
  seed: number;
  fixtures: string | undefined;
  logLevel: string;
  publicKey: string;
  privateKey: string;
  publicUrl: string | undefined;
  nonceSecret: string | undefined;
  nonceTtlSeconds: number;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  rateLimit: RateLimit | undefined;
  adminToken: string | undefined;
  journalMax: number;
}

export class ConfigError extends Error {}

interface Option<K extends keyof Config> {
  key: K;
  env: string;
  flag: string;
  default: Config[K];
  describe: string;
  parse: (raw: string, name: string) => Config[K];
}

function integer(min: number, max: number) {
  return (raw: string, name: string): number => {
    if (!/^-?\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return Number(raw);
  };
}

function nonEmpty(raw: string, name: string): string {
  if (raw.trim() === '') throw new ConfigError(`${name} must not be empty`);
  return raw;
}

// "<requests>/<period>", the period in seconds (60s) or minutes (1m); "off" disables.
function rateLimit(raw: string, name: string): RateLimit | undefined {
  if (raw.trim() === 'off') return undefined;
  const match = /^(\d{1,7})\/(\d{1,5})([sm])$/.exec(raw.trim());
  const capacity = Number(match?.[1]);
  const periodMs = Number(match?.[2]) * (match?.[3] === 'm' ? 60_000 : 1000);
  if (!match || capacity < 1 || periodMs < 1000) {
    throw new ConfigError(`${name} must be "off" or <requests>/<period> like 100/60s or 100/1m (requests >= 1, period >= 1s), got ${JSON.stringify(raw)}`);
  }
  return { capacity, periodMs };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const OPTIONS: Option<keyof Config>[] = [
  { key: 'host', env: 'ATLAS_EMU_HOST', flag: '--host', default: '127.0.0.1', describe: 'address to listen on', parse: nonEmpty },
  { key: 'port', env: 'ATLAS_EMU_PORT', flag: '--port', default: 8080, describe: 'port to listen on (0: any free port)', parse: integer(0, 65535) },
  { key: 'db', env: 'ATLAS_EMU_DB', flag: '--db', default: ':memory:', describe: 'SQLite file for the state (an existing file is used as it is)', parse: nonEmpty },
  { key: 'seed', env: 'ATLAS_EMU_SEED', flag: '--seed', default: 1, describe: 'seed of the generated checkpoints', parse: integer(0, 2 ** 31 - 1) },
  { key: 'fixtures', env: 'ATLAS_EMU_FIXTURES', flag: '--fixtures', default: undefined, describe: 'fixture document (a JSON file, or a folder of them) to load instead of the default dataset', parse: nonEmpty },
  {
    key: 'logLevel',
    env: 'ATLAS_EMU_LOG_LEVEL',
    flag: '--log-level',
    default: 'info',
    describe: `log level (${LOG_LEVELS.join(', ')})`,
    parse: (raw, name) => {
      if (!LOG_LEVELS.includes(raw)) throw new ConfigError(`${name} must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`);
      return raw;
    },
  },
  { key: 'publicKey', env: 'ATLAS_EMU_PUBLIC_KEY', flag: '--public-key', default: DEFAULT_PUBLIC_KEY, describe: 'public key of the default API key', parse: nonEmpty },
  { key: 'privateKey', env: 'ATLAS_EMU_PRIVATE_KEY', flag: '--private-key', default: DEFAULT_PRIVATE_KEY, describe: 'private key of the default API key', parse: nonEmpty },
  {
    key: 'publicUrl',
    env: 'ATLAS_EMU_PUBLIC_URL',
    flag: '--public-url',
    default: undefined,
    describe: 'base URL used in links (default: from the request Host header)',
    parse: (raw, name) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new ConfigError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http or https URL`);
      return raw.replace(/\/+$/, '');
    },
  },
  { key: 'nonceSecret', env: 'ATLAS_EMU_NONCE_SECRET', flag: '--nonce-secret', default: undefined, describe: 'HMAC secret of Digest nonces (default: random per process)', parse: nonEmpty },
  { key: 'nonceTtlSeconds', env: 'ATLAS_EMU_NONCE_TTL_SECONDS', flag: '--nonce-ttl-seconds', default: 300, describe: 'lifetime of a Digest nonce', parse: integer(1, 86_400) },
  { key: 'clientId', env: 'ATLAS_EMU_CLIENT_ID', flag: '--client-id', default: DEFAULT_CLIENT_ID, describe: 'client id of the default service account', parse: nonEmpty },
  { key: 'clientSecret', env: 'ATLAS_EMU_CLIENT_SECRET', flag: '--client-secret', default: DEFAULT_CLIENT_SECRET, describe: 'client secret of the default service account', parse: nonEmpty },
  { key: 'tokenTtlSeconds', env: 'ATLAS_EMU_TOKEN_TTL_SECONDS', flag: '--token-ttl-seconds', default: 3600, describe: 'lifetime of a service-account access token', parse: integer(1, 86_400) },
  {
    key: 'rateLimit',
    env: 'ATLAS_EMU_RATE_LIMIT',
    flag: '--rate-limit',
    default: undefined,
    describe: 'token bucket per project, <requests>/<period> like 100/60s or 100/1m (default: off)',
    parse: rateLimit,
  },
  { key: 'adminToken', env: 'ATLAS_EMU_ADMIN_TOKEN', flag: '--admin-token', default: undefined, describe: 'bearer token required by the /_emulator/ control routes except health and ready (default: none required)', parse: nonEmpty },
  { key: 'journalMax', env: 'ATLAS_EMU_JOURNAL_MAX', flag: '--journal-max', default: 1000, describe: 'requests kept in the request journal (0: no journal)', parse: integer(0, 1_000_000) },
];

/** Builds the configuration from the environment, then from explicit overrides (CLI flags, tests). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Readonly<Config> {
  const config: Record<string, unknown> = {};
  for (const option of OPTIONS) {
    const raw = env[option.env];
    config[option.key] = raw === undefined ? option.default : option.parse(raw, option.env);
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) config[key] = value;
  return Object.freeze(config as unknown as Config);
}
