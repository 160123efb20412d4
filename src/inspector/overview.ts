import type { FastifyInstance } from 'fastify';
import type { EmulatorState } from '../control/emulator-state.js';
import { ScheduleSchema } from '../model/backup-schemas.js';
import { currentSchedule, segmentsOf } from '../backup/timeline.js';
import type { ClusterRecord } from '../store/store.js';
import { ClockStateSchema, controlSchema } from '../model/control-schemas.js';

// What the emulator holds, at a glance: each cluster with how many checkpoints, snapshots and
// restore jobs the Legacy Backup API lists for it now, the clock, and who may authenticate
// (public key or client id only: this answer never carries a secret).

const STRING = { type: 'string' } as const;
/** Null: the API refuses the cluster's Legacy Backup resources (it is on Cloud Backup). */
const LISTED = {
  type: ['integer', 'null'],
  description: 'as the list operation counts them now (null: the cluster is on Cloud Backup)',
} as const;
const PROJECTS = { anyOf: [{ const: '*' }, { type: 'array', items: STRING }], description: "'*' (every project) or project ids" } as const;

const ClusterSchema = {
  type: 'object',
  required: ['name', 'clusterId', 'type', 'shards', 'backup', 'live', 'liveFrom', 'schedule', 'checkpoints', 'snapshots', 'restoreJobs'],
  properties: {
    name: STRING,
    clusterId: STRING,
    type: { enum: ['SHARDED', 'REPLICASET'] },
    shards: { type: 'integer' },
    backup: { enum: ['LEGACY', 'CLOUD'] },
    live: { type: 'boolean', description: 'time passes in its data (else it is static)' },
    liveFrom: { type: ['string', 'null'], format: 'date-time', description: 'when a live cluster went live' },
    schedule: { ...ScheduleSchema, description: 'the snapshot schedule in force now' },
    checkpoints: LISTED,
    snapshots: {
      ...LISTED,
      description: 'completed or not, as the list counts them with completed=all now (null: the cluster is on Cloud Backup)',
    },
    restoreJobs: LISTED,
  },
} as const;
const CredentialSchema = {
  type: 'object',
  required: ['kind', 'id', 'projects', 'source'],
  properties: {
    kind: { enum: ['apiKey', 'serviceAccount'] },
    id: { ...STRING, description: 'public key or client id' },
    projects: PROJECTS,
    accessList: { type: 'array', items: STRING },
    source: {
      enum: ['options', 'fixture'],
      description: 'the default credential of the options, or one a fixture declares (which wins on a clash)',
    },
  },
} as const;
const OverviewSchema = {
  type: 'object',
  required: ['clock', 'projects', 'credentials'],
  properties: {
    clock: ClockStateSchema,
    projects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'clusters'],
        properties: { id: STRING, name: STRING, clusters: { type: 'array', items: ClusterSchema } },
      },
    },
    credentials: { type: 'array', items: CredentialSchema },
  },
} as const;

function clusterView(state: EmulatorState, cluster: ClusterRecord, now: number) {
  const legacy = cluster.backup === 'LEGACY';
  return {
    name: cluster.name,
    clusterId: cluster.clusterId,
    type: cluster.type,
    shards: cluster.shards,
    backup: cluster.backup,
    live: cluster.live,
    liveFrom: cluster.liveFrom === null ? null : new Date(cluster.liveFrom).toISOString(),
    schedule: currentSchedule(segmentsOf(state.store.backup.schedules(cluster.rowid))),
    checkpoints: legacy ? state.checkpoints.list(cluster, now).total : null,
    snapshots: legacy ? state.snapshots.list(cluster, now).snapshots.length : null,
    restoreJobs: legacy ? state.store.backup.restoreJobCount(cluster.rowid, { now }) : null,
  };
}

/** The credentials that authenticate now, as the auth side resolves them: declared ones win over the options' defaults. */
function activeCredentials({ store, config }: EmulatorState) {
  const access = (c: { projects: '*' | string[]; accessList?: string[] }) => ({
    projects: c.projects,
    ...(c.accessList ? { accessList: c.accessList } : {}),
  });
  const declared = [
    ...store.credentials.apiKeys().map((key) => ({ kind: 'apiKey', id: key.publicKey, ...access(key), source: 'fixture' })),
    ...store.credentials
      .serviceAccounts()
      .map((account) => ({ kind: 'serviceAccount', id: account.clientId, ...access(account), source: 'fixture' })),
  ];
  const defaults = [
    { kind: 'apiKey', id: config.publicKey, projects: '*', source: 'options' },
    { kind: 'serviceAccount', id: config.clientId, projects: '*', source: 'options' },
  ].filter((d) => !declared.some((c) => c.kind === d.kind && c.id === d.id));
  return [...defaults, ...declared];
}

/** GET /overview: projects, clusters with their counts and schedule, the clock, the active credentials. */
export async function overviewRoutes(app: FastifyInstance): Promise<void> {
  const state = app.emulator;
  const summary =
    'What the emulator holds: projects, their clusters (counts as the API lists them now, schedule), the clock, ' +
    'and the active credentials by public key or client id (never a secret).';
  app.get('/overview', controlSchema({ summary, ok: { 200: OverviewSchema } }), (_request, reply) => {
    const now = state.clock.now();
    reply.send({
      clock: state.clock.state(),
      projects: state.store.projects().map((project) => ({
        ...project,
        clusters: state.store.clustersOf(project.id).map((cluster) => clusterView(state, cluster, now)),
      })),
      credentials: activeCredentials(state),
    });
  });
}
