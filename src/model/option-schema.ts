import { DateTimeSchema } from './value-schemas.js';
import { ACCEPTS } from '../lib/validation.js';

// The schema of the emulator's options, apart from the code that resolves and checks them
// (options.ts): scripts/generate-validators.ts compiles it ahead of time into the validator
// that options.ts imports.

export const DEFAULT_PUBLIC_KEY = 'emulator';
/** The documented development private key: well known, like Azurite's account key. */
export const DEFAULT_PRIVATE_KEY = '6f2d8a1c-3b4e-4f5a-9c7d-0e1f2a3b4c5d';
/** The documented development service account, shaped like Atlas's mdb_sa_id_/mdb_sa_sk_ credentials. */
export const DEFAULT_CLIENT_ID = 'mdb_sa_id_656d756c61746f7200000001';
export const DEFAULT_CLIENT_SECRET = 'mdb_sa_sk_emulator-development-secret-0001';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const TEXT = { type: 'string', minLength: 1, pattern: '\\S', [ACCEPTS]: 'a non-empty string' } as const;
export const HTTP_URL = { type: 'string', pattern: '^https?://', format: 'uri', [ACCEPTS]: 'an absolute http(s) URL' } as const;
const RATE = {
  type: 'string',
  pattern: '^(?:off|[1-9][0-9]{0,6}/[1-9][0-9]{0,4}[sm])$',
  [ACCEPTS]: 'off or <requests>/<period> like 100/60s or 100/1m (requests and period at least 1)',
} as const;

export const OptionsSchema = {
  type: 'object',
  additionalProperties: false,
  // Every option with a default is always there once the configuration is resolved.
  required: [
    'host',
    'port',
    'db',
    'seed',
    'logLevel',
    'publicKey',
    'privateKey',
    'nonceTtlSeconds',
    'strictDigestUri',
    'clientId',
    'clientSecret',
    'tokenTtlSeconds',
    'journalMax',
    'headersTimeoutMs',
    'requestTimeoutMs',
    'keepAliveTimeoutMs',
    'clock',
  ],
  properties: {
    host: { ...TEXT, default: '127.0.0.1', description: 'address to listen on' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080, description: 'port to listen on (0: any free port)' },
    db: {
      ...TEXT,
      default: ':memory:',
      description: 'SQLite file for the state; a new or empty file is seeded, an existing one is used as it is',
    },
    seed: {
      type: 'integer',
      minimum: 0,
      maximum: 2 ** 31 - 1,
      default: 1,
      description: 'seed of the generated data: the same seed gives byte-identical responses',
    },
    fixtures: {
      ...TEXT,
      description: 'fixture document (a JSON file, or a folder of them loaded in name order) to load instead of the default dataset',
    },
    logLevel: { enum: LOG_LEVELS, default: 'info', description: 'log level (pino JSON lines on stdout)' },
    publicKey: { ...TEXT, default: DEFAULT_PUBLIC_KEY, description: 'public key of the default API key' },
    privateKey: {
      ...TEXT,
      default: DEFAULT_PRIVATE_KEY,
      description: 'private key of the default API key; printed at start only when it is the documented default',
    },
    publicUrl: {
      ...HTTP_URL,
      description: 'base URL of the hrefs in links, e.g. https://cloud.mongodb.com (default: http://<Host header>)',
    },
    nonceSecret: {
      ...TEXT,
      description: 'secret that signs the Digest nonces, to share nonces between replicas or restarts (default: random per process)',
    },
    nonceTtlSeconds: {
      type: 'integer',
      minimum: 1,
      maximum: 86_400,
      default: 300,
      description: 'lifetime of a Digest nonce; an older one gets stale=true',
    },
    strictDigestUri: {
      type: 'boolean',
      default: false,
      description:
        'refuse a Digest answer whose uri is not the request-target, as RFC 7616 says (default: accept it, as Atlas does, when right for the uri signed)',
    },
    clientId: { ...TEXT, default: DEFAULT_CLIENT_ID, description: 'client id of the default service account' },
    clientSecret: {
      ...TEXT,
      default: DEFAULT_CLIENT_SECRET,
      description: 'client secret of the default service account; printed only when it is the documented default',
    },
    tokenTtlSeconds: {
      type: 'integer',
      minimum: 1,
      maximum: 86_400,
      default: 3600,
      description: 'lifetime of a service-account access token',
    },
    rateLimit: { ...RATE, description: 'per-project token bucket, <requests>/<period> like 100/60s or 100/1m, or off (default: off)' },
    adminToken: {
      ...TEXT,
      description: 'bearer token required by the /_emulator/ control routes except health and ready (default: none required)',
    },
    journalMax: {
      type: 'integer',
      minimum: 0,
      maximum: 1_000_000,
      default: 1000,
      description: 'requests kept in the request journal (0: no journal)',
    },
    headersTimeoutMs: {
      type: 'integer',
      minimum: 1,
      maximum: 600_000,
      default: 10_000,
      description: 'time a client has to send the request headers (408 after it)',
    },
    requestTimeoutMs: {
      type: 'integer',
      minimum: 1,
      maximum: 3_600_000,
      default: 30_000,
      description: 'time a client has to send a whole request (408 after it)',
    },
    keepAliveTimeoutMs: {
      type: 'integer',
      minimum: 1,
      maximum: 3_600_000,
      default: 72_000,
      description: 'how long an idle keep-alive connection stays open',
    },
    clock: {
      type: 'string',
      anyOf: [{ const: 'system' }, DateTimeSchema],
      default: 'system',
      [ACCEPTS]: 'system, or a real UTC date-time like 2026-01-01T00:00:00Z',
      description: 'the emulator clock: system, or the UTC date-time a frozen clock starts at (move it with POST /_emulator/clock)',
    },
  },
} as const;

/** Any layer of options (the environment, flags, a caller's object) may set any subset. */
export const OptionsLayerSchema = { ...OptionsSchema, required: [] };
