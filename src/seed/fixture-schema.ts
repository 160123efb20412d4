import Type, { type Static } from 'typebox';
import { ClusterNameSchema, objectId, ObjectIdSchema } from '../atlas/ids.js';

// The fixture document: projects, their clusters and each cluster's checkpoints (listed or
// generated), and the credentials that may read them. This schema is the one definition: the
// loader validates every document against it, its TypeScript types are derived from it, the
// published fixtures/fixture.schema.json is written from it, and the control plane's OpenAPI
// refers to it. Rules that JSON Schema cannot say (unique ids, a checkpoint's clusterId
// matching its cluster's) are listed in the document's description and checked by the loader.

export const MAX_GENERATED = 10_000_000;

/** Atlas writes instants in UTC to the second; milliseconds are accepted. The format rejects 30 February. */
export const DateTimeSchema = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,3})?Z$',
  format: 'date-time',
  description: 'a real UTC date-time like 2018-02-08T23:19:37Z',
});

export const PART_TYPES = ['REPLICA_SET', 'CONFIG_SERVER', 'CONFIG_SERVER_REPLICA_SET'] as const;

const CheckpointPartSchema = Type.Object(
  {
    replicaSetName: Type.Optional(Type.String()),
    shardName: Type.Optional(Type.String()),
    tokenDiscovered: Type.Optional(Type.Boolean()),
    tokenTimestamp: Type.Optional(
      Type.Object({ date: DateTimeSchema, increment: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }) }, { additionalProperties: false }),
    ),
    typeName: Type.Optional(Type.Enum(PART_TYPES)),
  },
  { additionalProperties: false },
);

export const CheckpointSchema = Type.Object(
  {
    clusterId: Type.Optional(objectId("a 24-hexadecimal-digit id: the cluster's clusterId (filled in when left out)")),
    completed: Type.Optional(DateTimeSchema),
    groupId: Type.Optional(objectId("a 24-hexadecimal-digit id: the project's id (filled in when left out)")),
    id: ObjectIdSchema,
    parts: Type.Optional(Type.Array(CheckpointPartSchema)),
    restorable: Type.Optional(Type.Boolean()),
    started: Type.Optional(DateTimeSchema),
    timestamp: DateTimeSchema,
  },
  { additionalProperties: false, description: 'A checkpoint as Atlas shows it, without links; served exactly as given.' },
);

const GenerateSchema = Type.Object(
  {
    count: Type.Integer({ minimum: 0, maximum: MAX_GENERATED, description: 'checkpoints generated after the last listed one (or from 2018-02-08)' }),
    intervalMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 525_600, default: 360, description: 'minutes between generated checkpoints (±10% jitter)' })),
  },
  { additionalProperties: false },
);

export const ClusterSchema = Type.Object(
  {
    name: ClusterNameSchema,
    clusterId: ObjectIdSchema,
    type: Type.Optional(Type.Enum(['SHARDED', 'REPLICASET'], { default: 'SHARDED' })),
    shards: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 2, description: 'shards of a sharded cluster (a replica set has one)' })),
    backup: Type.Optional(Type.Enum(['LEGACY', 'CLOUD'], { default: 'LEGACY', description: 'LEGACY, or CLOUD (Cloud Backup: no checkpoints)' })),
    checkpoints: Type.Optional(Type.Array(CheckpointSchema, { description: 'in any order: they are served by timestamp, then id' })),
    generate: Type.Optional(GenerateSchema),
  },
  { additionalProperties: false },
);

export const ProjectSchema = Type.Object(
  {
    id: ObjectIdSchema,
    name: Type.Optional(Type.String({ description: 'default: "Project <id>"' })),
    clusters: Type.Optional(Type.Array(ClusterSchema)),
  },
  { additionalProperties: false },
);

const ProjectAccessSchema = Type.Union([Type.Literal('*'), Type.Array(ObjectIdSchema)], {
  description: '"*" (every project) or an array of project ids',
});
const AccessListSchema = Type.Array(
  Type.String({ format: 'ip-or-cidr', description: 'an IPv4 or IPv6 address or CIDR block like 10.0.0.0/8 or ::1/128' }),
  { description: 'addresses the credential may be used from (default: anywhere)' },
);
// Identifiers travel in Digest's quoted username and before HTTP Basic's colon; secrets are hashed.
const CredentialIdSchema = Type.String({ pattern: '^[A-Za-z0-9._~@+-]{1,128}$', description: '1 to 128 letters, digits or ._~@+-' });
const SecretSchema = Type.String({ pattern: '^[\\x21-\\x7e]{1,256}$', description: '1 to 256 printable ASCII characters without spaces' });

export const ApiKeySchema = Type.Object(
  { publicKey: CredentialIdSchema, privateKey: SecretSchema, projects: ProjectAccessSchema, accessList: Type.Optional(AccessListSchema) },
  { additionalProperties: false },
);
export const ServiceAccountSchema = Type.Object(
  { clientId: CredentialIdSchema, clientSecret: SecretSchema, projects: ProjectAccessSchema, accessList: Type.Optional(AccessListSchema) },
  { additionalProperties: false },
);

export const FixtureDocumentSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    projects: Type.Optional(Type.Array(ProjectSchema)),
    apiKeys: Type.Optional(Type.Array(ApiKeySchema)),
    serviceAccounts: Type.Optional(Type.Array(ServiceAccountSchema)),
  },
  {
    additionalProperties: false,
    title: 'atlas-backup-emulator fixture document',
    description:
      'Projects, clusters and checkpoints for the emulator to serve, and the credentials that may read them. Beyond this schema the loader ' +
      'requires: project ids unique in a document, cluster names unique in a project, checkpoint ids unique in a cluster, a checkpoint\'s ' +
      "clusterId and groupId (when given) equal to its cluster's and project's, no checkpoints on a CLOUD cluster, API key public keys and " +
      'service account client ids unique in a document.',
  },
);

export type FixtureDocument = Static<typeof FixtureDocumentSchema>;
export type ProjectFixture = Static<typeof ProjectSchema>;
export type ClusterFixture = Static<typeof ClusterSchema>;
export type Checkpoint = Static<typeof CheckpointSchema>;
export type CheckpointPart = Static<typeof CheckpointPartSchema>;
export type ApiKeyFixture = Static<typeof ApiKeySchema>;
export type ServiceAccountFixture = Static<typeof ServiceAccountSchema>;
export type ProjectAccess = Static<typeof ProjectAccessSchema>;

/** The published JSON Schema (fixtures/fixture.schema.json): the document schema with its dialect. */
export function publishedFixtureSchema(): object {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...FixtureDocumentSchema };
}
