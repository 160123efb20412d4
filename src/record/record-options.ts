import type { FromSchema } from 'json-schema-to-ts';
import { ConfigError, OptionSet } from '../lib/option-set.js';
import { ACCEPTS, createAjv, ENV, FLAG, lazyValidator } from '../lib/validation.js';
import { HTTP_URL, TEXT } from '../model/options.js';
import { ClusterNameSchema, ObjectIdSchema } from '../model/value-schemas.js';

// The record command's options: one schema, as the emulator's are (src/model/options.ts).
// Each is a flag of `atlas-backup-emulator record`, an environment variable and a property of
// record()'s options; validation, --help and the types derive from it. The source's
// credentials are ATLAS_EMU_SOURCE_* variables, never the emulator's own ATLAS_EMU_PUBLIC_KEY
// and the like.

/** Atlas's base URL: where a recording reads from unless told otherwise. */
export const ATLAS_BASE_URL = 'https://cloud.mongodb.com';

export const RecordOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['group', 'clusters', 'out'],
  properties: {
    source: { ...HTTP_URL, default: ATLAS_BASE_URL, description: 'base URL of the Atlas to read from' },
    sourcePublicKey: { ...TEXT, description: "public key of the source's API key pair (with --source-private-key)" },
    sourcePrivateKey: { ...TEXT, description: "private key of the source's API key pair" },
    sourceClientId: { ...TEXT, description: "client id of the source's service account (with --source-client-secret)" },
    sourceClientSecret: { ...TEXT, description: "client secret of the source's service account" },
    group: {
      type: 'string',
      pattern: ObjectIdSchema.pattern,
      [ACCEPTS]: 'a project id of 24 hexadecimal digits',
      description: 'the project (group) id to record',
    },
    clusters: {
      type: 'array',
      items: ClusterNameSchema,
      minItems: 1,
      uniqueItems: true,
      [FLAG]: 'cluster',
      [ACCEPTS]: 'one or more distinct cluster names',
      description: 'a cluster of the project to record (repeat the flag for more; the variable takes a comma-separated list)',
    },
    out: { ...TEXT, description: 'the fixture file to write (an existing one is replaced when the recording is complete)' },
    api: { enum: ['v2', 'v1.0'], default: 'v2', description: 'the API version to read through' },
    anonymize: {
      type: 'boolean',
      default: false,
      description: 'rewrite ids, names, host names, hashes, file names, URLs and tokens consistently',
    },
    seed: {
      type: 'integer',
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      [ENV]: 'ATLAS_EMU_ANONYMIZE_SEED',
      description: 'key of --anonymize: the same seed gives the same bytes (default: a random key per recording)',
    },
    rate: { type: 'integer', minimum: 1, maximum: 60_000, default: 100, description: 'most requests a minute sent to the source' },
  },
} as const;

/** The options as record() takes them: any subset, the required ones given. */
export type RecordOptions = FromSchema<typeof RecordOptionsSchema, { keepDefaultedPropertiesOptional: true }>;
/** The options with their defaults. */
export type RecordSettings = Readonly<FromSchema<typeof RecordOptionsSchema>>;
export type RecordOptionKey = keyof RecordSettings & string;

/** The record command's options (names, rows, layers) from the one schema. */
export const RECORD_OPTIONS = new OptionSet<RecordSettings & Record<string, unknown>>(
  RecordOptionsSchema,
  // A one-shot command: compiled when it runs, not ahead of time like the emulator's.
  lazyValidator(() => createAjv().compile({ ...RecordOptionsSchema, required: [] })),
);

/** The credentials a recording reads with: Atlas's two kinds. */
export type SourceCredentials =
  | { kind: 'apiKey'; publicKey: string; privateKey: string }
  | { kind: 'serviceAccount'; clientId: string; clientSecret: string };

/** The source's credentials from the options: one whole key pair or one whole service account. */
export function credentialsOf(settings: RecordSettings, nameOf: (key: RecordOptionKey) => string): SourceCredentials {
  const { sourcePublicKey, sourcePrivateKey, sourceClientId, sourceClientSecret } = settings;
  const pairs: [RecordOptionKey, RecordOptionKey][] = [
    ['sourcePublicKey', 'sourcePrivateKey'],
    ['sourceClientId', 'sourceClientSecret'],
  ];
  for (const [a, b] of pairs) {
    if ((settings[a] === undefined) !== (settings[b] === undefined)) {
      const [given, missing] = settings[a] === undefined ? [b, a] : [a, b];
      throw new ConfigError(`${nameOf(missing)} is required with ${nameOf(given)}`);
    }
  }
  if (sourcePublicKey !== undefined && sourceClientId !== undefined)
    throw new ConfigError('give one kind of source credentials: an API key pair or a service account, not both');
  if (sourcePublicKey !== undefined) return { kind: 'apiKey', publicKey: sourcePublicKey, privateKey: sourcePrivateKey! };
  if (sourceClientId !== undefined) return { kind: 'serviceAccount', clientId: sourceClientId, clientSecret: sourceClientSecret! };
  const names = pairs.map((pair) => pair.map(nameOf).join(' and ')).join(', or ');
  throw new ConfigError(`the source's credentials are required: ${names}`);
}

/**
 * The settings from layers of options (e.g. the environment, then flags), checked alone and
 * together; `nameOf` names an option in messages as the caller knows it.
 */
export function resolveRecordOptions(
  layers: Partial<RecordOptions>[],
  nameOf: (key: RecordOptionKey) => string = (key) => `option ${key}`,
): { settings: RecordSettings; credentials: SourceCredentials } {
  const settings = RECORD_OPTIONS.resolve(layers as Partial<RecordSettings>[], nameOf as (key: string) => string);
  const source = new URL(settings.source);
  // Not echoed: it would print them.
  if (source.username !== '' || source.password !== '')
    throw new ConfigError(`${nameOf('source')} must not hold credentials: give them as the source's key pair or service account`);
  if (settings.seed !== undefined && !settings.anonymize) throw new ConfigError(`${nameOf('seed')} applies to ${nameOf('anonymize')} only`);
  const credentials = credentialsOf(settings, nameOf);
  return { settings: Object.freeze({ ...settings, source: settings.source.replace(/\/+$/, '') }), credentials };
}
