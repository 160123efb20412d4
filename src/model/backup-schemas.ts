import type { FromSchema } from 'json-schema-to-ts';
import { BsonTimestampSchema, ClusterNameSchema, DateTimeSchema, ObjectIdSchema } from './value-schemas.js';

/** The fields of a snapshot, restore job or checkpoint naming its cluster and project: a fixture may leave them out, the loader fills them in. */
export const FilledClusterIdSchema = {
  ...ObjectIdSchema,
  description: "a 24-hexadecimal-digit id: the cluster's clusterId (filled in when left out)",
} as const;
export const FilledClusterNameSchema = { type: 'string', description: "the cluster's name (filled in when left out)" } as const;
export const FilledGroupIdSchema = {
  ...ObjectIdSchema,
  description: "a 24-hexadecimal-digit id: the project's id (filled in when left out)",
} as const;

// The Legacy Backup shapes beyond checkpoints, as JSON Schema: the snapshot schedule, snapshots
// and restore jobs as fixture documents list them (Atlas's shape without links), and the
// request bodies of the operations that change them. Enumerations are Atlas's, from its
// OpenAPI description (a test compares them with the vendored copy).

/** The schedule's numeric fields (Atlas's ApiAtlasSnapshotScheduleView), with the defaults a cluster starts with. */
export const ScheduleSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'the snapshot schedule; every field has a default',
  properties: {
    clusterCheckpointIntervalMin: { enum: [15, 30, 60], default: 15, description: 'minutes between checkpoints (sharded clusters only)' },
    dailySnapshotRetentionDays: {
      enum: [0, 3, 4, 5, 6, 7, 15, 30, 60, 90, 120, 180, 360],
      default: 7,
      description: 'days a daily snapshot is kept (0: none)',
    },
    monthlySnapshotRetentionMonths: {
      enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 18, 24, 36],
      default: 13,
      description: 'months a monthly snapshot is kept (0: none)',
    },
    pointInTimeWindowHours: {
      type: 'integer',
      minimum: 1,
      maximum: 87_600,
      default: 24,
      description: 'hours back from now that checkpoints and points in time reach',
    },
    snapshotIntervalHours: { enum: [6, 8, 12, 24], default: 6, description: 'hours between snapshots' },
    snapshotRetentionDays: { enum: [2, 3, 4, 5], default: 2, description: 'days a recent snapshot is kept' },
    weeklySnapshotRetentionWeeks: {
      enum: [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 52],
      default: 4,
      description: 'weeks a weekly snapshot is kept (0: none)',
    },
  },
} as const;
export type Schedule = FromSchema<typeof ScheduleSchema>;
export const SCHEDULE_FIELDS = Object.keys(ScheduleSchema.properties) as (keyof Schedule)[];

/** Properties without their defaults: a change names what it changes, nothing more (its type leaves every field optional). */
function withoutDefaults<P extends Record<string, object>>(properties: P): { [K in keyof P]: Omit<P[K], 'default'> } {
  const entries = Object.entries(properties).map(([key, { default: _default, ...rest }]: [string, { default?: unknown }]) => [key, rest]);
  return Object.fromEntries(entries) as { [K in keyof P]: Omit<P[K], 'default'> };
}

/** PATCH .../snapshotSchedule: any of the schedule's fields; the read-only ids, when given, must be the cluster's. */
export const SchedulePatchSchema = {
  ...ScheduleSchema,
  description: 'the fields to change',
  properties: {
    ...withoutDefaults(ScheduleSchema.properties),
    clusterId: ObjectIdSchema,
    groupId: ObjectIdSchema,
    links: { type: 'array' },
  },
} as const;
export type SchedulePatch = FromSchema<typeof SchedulePatchSchema>;

const SnapshotPartSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    clusterId: ObjectIdSchema,
    completedTime: DateTimeSchema,
    compressionSetting: { enum: ['NONE', 'GZIP'] },
    dataSizeBytes: { type: 'integer', minimum: 0 },
    encryptionEnabled: { type: 'boolean' },
    fcv: { type: 'string' },
    fileSizeBytes: { type: 'integer', minimum: 0 },
    machineId: { type: 'string' },
    masterKeyUUID: { type: 'string', format: 'uuid' },
    mongodVersion: { type: 'string' },
    replicaSetName: { type: 'string' },
    replicaState: { type: 'string' },
    storageSizeBytes: { type: 'integer', minimum: 0 },
    typeName: { enum: ['REPLICA_SET', 'CONFIG_SERVER', 'CONFIG_SERVER_REPLICA_SET', 'CONFIG_SHARD_REPLICA_SET'] },
  },
} as const;

export const SnapshotSchema = {
  type: 'object',
  description: 'A snapshot as Atlas shows it, without links.',
  additionalProperties: false,
  required: ['id', 'created'],
  properties: {
    clusterId: FilledClusterIdSchema,
    clusterName: FilledClusterNameSchema,
    complete: { type: 'boolean' },
    created: BsonTimestampSchema,
    doNotDelete: { type: 'boolean' },
    expires: DateTimeSchema,
    groupId: FilledGroupIdSchema,
    id: ObjectIdSchema,
    incremental: { type: 'boolean' },
    lastOplogAppliedTimestamp: BsonTimestampSchema,
    parts: { type: 'array', items: SnapshotPartSchema },
  },
} as const;

/** PATCH .../snapshots/{snapshotId}: a new expiry, or keep it for good (not both at once). */
export const SnapshotPatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { doNotDelete: { type: 'boolean' }, expires: DateTimeSchema },
} as const;
export type SnapshotPatch = FromSchema<typeof SnapshotPatchSchema>;

export const DELIVERY_METHODS = [
  'CLIENT_PIT_HTTP',
  'QUERY',
  'AUTOMATED_RESTORE',
  'HTTP',
  'THIRD_PARTY_COPY',
  'CLIENT_PIT_SCP',
  'SCP',
] as const;

const deliveryInput = {
  methodName: { enum: DELIVERY_METHODS },
  expirationHours: { type: 'integer', minimum: 1, maximum: 8760 },
  maxDownloads: { type: 'integer', minimum: 1, maximum: 1_000_000 },
  targetClusterId: ObjectIdSchema,
  targetClusterName: ClusterNameSchema,
  targetGroupId: ObjectIdSchema,
} as const;

/** POST .../restoreJobs: where to restore from (exactly one source) and how to deliver it. */
export const RestoreJobRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['delivery'],
  properties: {
    checkpointId: ObjectIdSchema,
    delivery: { type: 'object', additionalProperties: false, required: ['methodName'], properties: deliveryInput },
    oplogInc: { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 },
    oplogTs: DateTimeSchema,
    pointInTimeUTCMillis: { type: 'integer', minimum: 1_199_145_600_000, maximum: 253_402_300_799_999 },
    snapshotId: ObjectIdSchema,
  },
} as const;
export type RestoreJobRequest = FromSchema<typeof RestoreJobRequestSchema>;

export const RestoreJobSchema = {
  type: 'object',
  description: 'A restore job as Atlas shows it, without links. Without statusName it progresses with the clock from `created`.',
  additionalProperties: false,
  required: ['id', 'created', 'delivery'],
  properties: {
    batchId: ObjectIdSchema,
    checkpointId: ObjectIdSchema,
    clusterId: FilledClusterIdSchema,
    clusterName: FilledClusterNameSchema,
    created: DateTimeSchema,
    delivery: {
      type: 'object',
      additionalProperties: false,
      required: ['methodName'],
      properties: {
        ...deliveryInput,
        authHeader: { type: 'string' },
        authValue: { type: 'string' },
        expires: DateTimeSchema,
        statusName: {
          enum: ['NOT_STARTED', 'IN_PROGRESS', 'READY', 'FAILED', 'INTERRUPTED', 'EXPIRED', 'MAX_DOWNLOADS_EXCEEDED', 'PENDING'],
        },
        url: { type: 'string' },
        urlV2: { type: 'string' },
      },
    },
    encryptionEnabled: { type: 'boolean' },
    groupId: FilledGroupIdSchema,
    hashes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { fileName: { type: 'string' }, hash: { type: 'string' }, typeName: { enum: ['SHA1'] } },
      },
    },
    id: ObjectIdSchema,
    masterKeyUUID: { type: 'string', format: 'uuid' },
    oplogInc: { type: 'integer', minimum: 1 },
    oplogTs: DateTimeSchema,
    pointInTimeUTCMillis: { type: 'integer', minimum: 0 },
    snapshotId: ObjectIdSchema,
    statusName: { enum: ['IN_PROGRESS', 'BROKEN', 'KILLED', 'FINISHED'] },
    timestamp: BsonTimestampSchema,
  },
} as const;

export type SnapshotFixture = FromSchema<typeof SnapshotSchema>;
export type RestoreJobFixture = FromSchema<typeof RestoreJobSchema>;
