import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { FilledClusterIdSchema, FilledGroupIdSchema, RestoreJobSchema, ScheduleSchema, SnapshotSchema } from './backup-schemas.js';
import { BsonTimestampSchema, ClusterNameSchema, DateTimeSchema, ObjectIdSchema } from './value-schemas.js';

// The fixture document: projects, their clusters and each cluster's checkpoints (listed or
// generated), and the credentials that may read them. This JSON Schema is the one definition:
// the loader validates every document against it, its TypeScript types are derived from it,
// the published fixtures/fixture.schema.json is written from it, and the control plane's
// OpenAPI refers to it. Rules that JSON Schema cannot say (unique ids, a checkpoint's clusterId
// matching its cluster's) are listed in the document's description and checked by the loader.

export const MAX_GENERATED = 10_000_000;

export const PART_TYPES = ['REPLICA_SET', 'CONFIG_SERVER', 'CONFIG_SERVER_REPLICA_SET'] as const;

const CheckpointPartSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    replicaSetName: { type: 'string' },
    shardName: { type: 'string' },
    tokenDiscovered: { type: 'boolean' },
    tokenTimestamp: BsonTimestampSchema,
    typeName: { enum: PART_TYPES },
  },
} as const;

export const CheckpointSchema = {
  type: 'object',
  description: 'A checkpoint as Atlas shows it, without links; served exactly as given.',
  additionalProperties: false,
  required: ['id', 'timestamp'],
  properties: {
    clusterId: FilledClusterIdSchema,
    completed: DateTimeSchema,
    groupId: FilledGroupIdSchema,
    id: ObjectIdSchema,
    parts: { type: 'array', items: CheckpointPartSchema },
    restorable: { type: 'boolean' },
    started: DateTimeSchema,
    timestamp: DateTimeSchema,
  },
} as const;

export const ClusterSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'clusterId'],
  properties: {
    name: ClusterNameSchema,
    clusterId: ObjectIdSchema,
    type: { enum: ['SHARDED', 'REPLICASET'], default: 'SHARDED' },
    shards: { type: 'integer', minimum: 1, maximum: 100, default: 2, description: 'shards of a sharded cluster (a replica set has one)' },
    backup: { enum: ['LEGACY', 'CLOUD'], default: 'LEGACY', description: 'LEGACY, or CLOUD (Cloud Backup: no checkpoints)' },
    checkpoints: { type: 'array', items: CheckpointSchema, description: 'in any order: they are served by timestamp, then id' },
    generate: {
      type: 'object',
      additionalProperties: false,
      required: ['count'],
      properties: {
        count: {
          type: 'integer',
          minimum: 0,
          maximum: MAX_GENERATED,
          description: 'checkpoints generated after the last listed one (or from 2018-02-08), none after now (fewer if they would be)',
        },
        intervalMinutes: {
          type: 'integer',
          minimum: 1,
          maximum: 525_600,
          default: 360,
          description: 'minutes between generated checkpoints (±10% jitter)',
        },
        snapshots: {
          type: 'integer',
          minimum: 0,
          maximum: 100_000,
          default: 0,
          description:
            'snapshots generated after the last listed one (or from 2018-02-08), snapshotIntervalHours apart, none after now (fewer if they would be)',
        },
      },
    },
    schedule: { ...ScheduleSchema, default: {} },
    snapshots: { type: 'array', items: SnapshotSchema, description: 'in any order: they are served by creation time, then id' },
    restoreJobs: { type: 'array', items: RestoreJobSchema, description: 'in any order: they are served by creation time, then id' },
    live: {
      type: 'boolean',
      default: false,
      description:
        'time passes in its data: new checkpoints and snapshots as the emulator clock moves, old ones leaving (see docs/fixtures.md)',
    },
    liveFrom: {
      ...DateTimeSchema,
      description: 'a real UTC date-time: when a live cluster starts taking checkpoints and snapshots (default: when it is loaded)',
    },
  },
} as const;

export const ProjectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: {
    id: ObjectIdSchema,
    name: { type: 'string', description: 'default: "Project <id>"' },
    clusters: { type: 'array', items: ClusterSchema },
  },
} as const;

const ProjectAccessSchema = {
  anyOf: [{ const: '*' }, { type: 'array', items: ObjectIdSchema }],
  description: '"*" (every project) or an array of project ids',
} as const;
const AccessListSchema = {
  type: 'array',
  items: { type: 'string', format: 'ip-or-cidr', description: 'an IPv4 or IPv6 address or CIDR block like 10.0.0.0/8 or ::1/128' },
  description: 'addresses the credential may be used from (default: anywhere)',
} as const;
// Identifiers travel in Digest's quoted username and before HTTP Basic's colon; secrets are hashed.
const CredentialIdSchema = {
  type: 'string',
  pattern: '^[A-Za-z0-9._~@+-]{1,128}$',
  description: '1 to 128 letters, digits or ._~@+-',
} as const;
const SecretSchema = {
  type: 'string',
  pattern: '^[\\x21-\\x7e]{1,256}$',
  description: '1 to 256 printable ASCII characters without spaces',
} as const;

export const ApiKeySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['publicKey', 'privateKey', 'projects'],
  properties: { publicKey: CredentialIdSchema, privateKey: SecretSchema, projects: ProjectAccessSchema, accessList: AccessListSchema },
} as const;
export const ServiceAccountSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId', 'clientSecret', 'projects'],
  properties: { clientId: CredentialIdSchema, clientSecret: SecretSchema, projects: ProjectAccessSchema, accessList: AccessListSchema },
} as const;

export const FixtureDocumentSchema = {
  type: 'object',
  title: 'atlas-backup-emulator fixture document',
  description:
    'Projects, clusters and checkpoints for the emulator to serve, and the credentials that may read them. Beyond this schema the loader ' +
    'requires: project ids unique in a document, cluster names unique in a project, checkpoint, snapshot and restore job ids unique in a ' +
    "cluster, their clusterId and groupId (when given) equal to their cluster's and project's, no Legacy Backup data on a CLOUD cluster, " +
    'API key public keys and service account client ids unique in a document.',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    description: { type: 'string' },
    projects: { type: 'array', items: ProjectSchema },
    apiKeys: { type: 'array', items: ApiKeySchema },
    serviceAccounts: { type: 'array', items: ServiceAccountSchema },
  },
} as const;

/** A schema whose streamed arrays are checked as arrays only: their elements are checked one by one. */
function withoutElements(schema: { properties: object }, streamed: string[]): object {
  const properties: Record<string, object> = { ...schema.properties };
  for (const key of streamed) properties[key] = { type: 'array' };
  return { ...schema, properties };
}

/** The schema of each part of a streamed document (compiled ahead of time by scripts/generate-validators.ts). */
export const FIXTURE_PART_SCHEMAS = {
  fixtureDocument: withoutElements(FixtureDocumentSchema, ['projects', 'apiKeys', 'serviceAccounts']),
  fixtureProject: withoutElements(ProjectSchema, ['clusters']),
  fixtureCluster: withoutElements(ClusterSchema, ['checkpoints', 'snapshots', 'restoreJobs']),
  fixtureCheckpoint: CheckpointSchema,
  fixtureSnapshot: SnapshotSchema,
  fixtureRestoreJob: RestoreJobSchema,
  fixtureApiKey: ApiKeySchema,
  fixtureServiceAccount: ServiceAccountSchema,
};
/** As written: fields with a default may be left out. */
type Written<S extends JSONSchema> = FromSchema<S, { keepDefaultedPropertiesOptional: true }>;
export type FixtureDocument = Written<typeof FixtureDocumentSchema>;
export type ProjectFixture = Written<typeof ProjectSchema>;
export type ClusterFixture = Written<typeof ClusterSchema>;
export type Checkpoint = Written<typeof CheckpointSchema>;
export type CheckpointPart = Written<typeof CheckpointPartSchema>;
export type ApiKeyFixture = Written<typeof ApiKeySchema>;
export type ServiceAccountFixture = Written<typeof ServiceAccountSchema>;
export type ProjectAccess = Written<typeof ProjectAccessSchema>;
/** A cluster as validation leaves it: its defaults filled in. */
export type ValidCluster = FromSchema<typeof ClusterSchema>;

/** The published JSON Schema (fixtures/fixture.schema.json): the document schema with its dialect. */
export function publishedFixtureSchema(): object {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...FixtureDocumentSchema };
}
