import type { FastifyInstance } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { ClusterParamsSchema } from '../model/query-schemas.js';
import type { CheckpointListing } from '../backup/checkpoints.js';
import { classOf, type Snapshot } from '../backup/snapshots.js';
import { currentSchedule, segmentsOf, type Segment } from '../backup/timeline.js';
import type { EmulatorState } from '../control/emulator-state.js';
import { ScheduleSchema } from '../model/backup-schemas.js';
import { invalid } from '../model/control-input.js';
import { ClockStateSchema, controlSchema } from '../model/control-schemas.js';
import { errors } from '../model/errors.js';
import { ACCEPTS } from '../lib/validation.js';
import { DateTimeSchema } from '../model/value-schemas.js';
import type { RestoreJobRow } from '../store/backup-store.js';
import type { ClusterRecord, Store } from '../store/store.js';

// A cluster's backups on the emulator clock, for the inspector's Timeline: what its lists show
// now (checkpoints, snapshots, restore jobs) as marks in time. Computed from the backup domain
// on each request, as the list operations compute them; nothing is kept, and the API's routes
// do no work for it.

/** At most this many marks of a kind in one answer: beyond it, an even selection of them. */
export const MAX_MARKS = 1000;

const STRING = { type: 'string' } as const;
const INSTANT = { type: 'string', format: 'date-time' } as const;
const COUNT = { type: 'integer', minimum: 0 } as const;

const ExtentSchema = {
  type: ['object', 'null'],
  description: 'from the oldest to the newest mark (a snapshot’s creation, a restore batch’s end); null: nothing to draw',
  required: ['from', 'to'],
  properties: { from: INSTANT, to: INSTANT },
} as const;
const TotalsSchema = {
  type: ['object', 'null'],
  description:
    'as the list operations count them now (snapshots: the completed ones, the list’s default); null: the cluster is on Cloud Backup',
  required: ['checkpoints', 'snapshots', 'restoreJobs', 'restoreBatches'],
  properties: {
    checkpoints: COUNT,
    snapshots: COUNT,
    restoreJobs: COUNT,
    restoreBatches: { ...COUNT, description: 'restore jobs grouped by batchId (a job without one is a batch of its own)' },
  },
} as const;
const SummaryClusterSchema = {
  type: 'object',
  required: ['name', 'clusterId', 'type', 'backup', 'live', 'liveFrom', 'schedule', 'version', 'totals', 'extent'],
  properties: {
    name: STRING,
    clusterId: STRING,
    type: { enum: ['SHARDED', 'REPLICASET'] },
    backup: { enum: ['LEGACY', 'CLOUD'] },
    live: { type: 'boolean' },
    liveFrom: { type: ['string', 'null'], format: 'date-time' },
    schedule: { ...ScheduleSchema, description: 'the snapshot schedule in force now' },
    version: {
      type: ['string', 'null'],
      description:
        'changes whenever what the cluster’s lists show may have changed (a write, or the clock passing a moment that changes them)',
    },
    totals: TotalsSchema,
    extent: ExtentSchema,
  },
} as const;
const SummarySchema = {
  type: 'object',
  required: ['clock', 'projects'],
  properties: {
    clock: ClockStateSchema,
    projects: {
      type: 'array',
      description: 'in the order they were loaded (a document’s order), each with its clusters in that order',
      items: {
        type: 'object',
        required: ['id', 'name', 'clusters'],
        properties: { id: STRING, name: STRING, clusters: { type: 'array', items: SummaryClusterSchema } },
      },
    },
  },
} as const;

const marks = (item: object, description: string) =>
  ({
    type: 'object',
    required: ['inRange', 'marks'],
    properties: {
      inRange: { ...COUNT, description },
      marks: { type: 'array', maxItems: MAX_MARKS, items: item, description: `oldest first; at most ${MAX_MARKS}, evenly chosen` },
    },
  }) as const;
const CheckpointMarkSchema = { type: 'object', required: ['id', 'timestamp'], properties: { id: STRING, timestamp: INSTANT } } as const;
const SnapshotMarkSchema = {
  type: 'object',
  required: ['id', 'created', 'expires', 'complete', 'doNotDelete', 'retention'],
  properties: {
    id: STRING,
    created: INSTANT,
    expires: { type: ['string', 'null'], format: 'date-time', description: 'null: kept until deleted (doNotDelete, or no expiry)' },
    complete: { type: 'boolean' },
    doNotDelete: { type: 'boolean' },
    retention: {
      enum: ['monthly', 'weekly', 'daily', 'recent'],
      description: 'which retention of its schedule keeps it (recent: snapshotRetentionDays)',
    },
  },
} as const;
const JobStatus = { type: ['string', 'null'], description: 'statusName as the API shows it now' } as const;
const BatchMarkSchema = {
  type: 'object',
  required: ['batchId', 'created', 'finishes', 'statusName', 'jobs'],
  properties: {
    batchId: { type: ['string', 'null'], description: 'null: a job without a batch' },
    created: INSTANT,
    finishes: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'when its jobs are FINISHED; null: a loaded job whose status is as listed',
    },
    statusName: JobStatus,
    jobs: { type: 'array', items: { type: 'object', required: ['id', 'statusName'], properties: { id: STRING, statusName: JobStatus } } },
  },
} as const;
const ClusterTimelineSchema = {
  type: 'object',
  required: ['version', 'checkpoints', 'snapshots', 'restoreBatches'],
  properties: {
    version: SummaryClusterSchema.properties.version,
    checkpoints: marks(CheckpointMarkSchema, 'checkpoints listed now with a timestamp in the range'),
    snapshots: marks(SnapshotMarkSchema, 'snapshots listed now (completed or not) from creation to expiry overlapping the range'),
    restoreBatches: marks(BatchMarkSchema, 'restore batches from creation to end overlapping the range'),
  },
} as const;

const RangeQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { ...DateTimeSchema, [ACCEPTS]: DateTimeSchema.description, description: 'marks from this instant on (default: the oldest)' },
    to: { ...DateTimeSchema, [ACCEPTS]: DateTimeSchema.description, description: 'marks up to this instant (default: the newest)' },
  },
} as const;

const iso = (ms: number) => new Date(ms).toISOString();

/** A cluster's lists at `now`, and the version of what they show. */
interface Lists {
  checkpoints: CheckpointListing;
  snapshots: Snapshot[];
  jobs: RestoreJobRow[];
  version: string;
}

function listsOf({ store, checkpoints, snapshots }: EmulatorState, cluster: ClusterRecord, now: number): Lists {
  const listing = checkpoints.list(cluster, now);
  const taken = snapshots.list(cluster, now);
  const jobs = store.backup.restoreJobs(cluster.rowid, 0, store.backup.restoreJobCount(cluster.rowid));
  const changes = Math.min(listing.validUntil, taken.validUntil, store.backup.nextRestoreJobChange(cluster.rowid, now));
  return {
    checkpoints: listing,
    snapshots: taken.snapshots,
    jobs,
    version: `${store.generation}/${changes === Infinity ? 'writes' : changes}`,
  };
}

const checkpointAt = (listing: CheckpointListing, i: number) => JSON.parse(listing.page(i, 1)[0]!) as { id: string; timestamp: string };
const batchKey = (row: RestoreJobRow) => (JSON.parse(row.body) as { batchId?: string }).batchId ?? row.id;

/** The first index in [0, n) where `after` holds (n when none): `after` is false, then true. */
function firstWhere(n: number, after: (i: number) => boolean): number {
  let low = 0;
  let high = n;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (after(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** `count` items, or MAX_MARKS of them evenly chosen, by index. */
function chosen<T>(count: number, item: (i: number) => T): T[] {
  const shown = Math.min(count, MAX_MARKS);
  return Array.from({ length: shown }, (_, j) => item(Math.floor((j * count) / shown)));
}

function extentOf(lists: Lists): { from: string; to: string } | null {
  const times: number[] = [];
  const { checkpoints, snapshots, jobs } = lists;
  if (checkpoints.total > 0)
    times.push(Date.parse(checkpointAt(checkpoints, 0).timestamp), Date.parse(checkpointAt(checkpoints, checkpoints.total - 1).timestamp));
  for (const s of snapshots) times.push(s.ts);
  for (const job of jobs) times.push(job.created, job.finishes ?? job.created);
  return times.length === 0 ? null : { from: iso(Math.min(...times)), to: iso(Math.max(...times)) };
}

function summaryOf(state: EmulatorState, cluster: ClusterRecord, now: number) {
  const legacy = cluster.backup === 'LEGACY';
  const lists = legacy ? listsOf(state, cluster, now) : undefined;
  return {
    name: cluster.name,
    clusterId: cluster.clusterId,
    type: cluster.type,
    backup: cluster.backup,
    live: cluster.live,
    liveFrom: cluster.liveFrom === null ? null : iso(cluster.liveFrom),
    schedule: currentSchedule(segmentsOf(state.store.backup.schedules(cluster.rowid))),
    version: lists?.version ?? null,
    totals: lists
      ? {
          checkpoints: lists.checkpoints.total,
          snapshots: lists.snapshots.filter((s) => s.complete).length,
          restoreJobs: lists.jobs.length,
          restoreBatches: new Set(lists.jobs.map(batchKey)).size,
        }
      : null,
    extent: lists ? extentOf(lists) : null,
  };
}

/** Projects and their clusters in the order they were loaded (clusters' rows follow a document's order). */
function inLoadOrder(store: Store): { id: string; name: string; clusters: ClusterRecord[] }[] {
  const projects = store
    .projects()
    .map((project) => ({ ...project, clusters: store.clustersOf(project.id).sort((a, b) => a.rowid - b.rowid) }));
  const first = (p: (typeof projects)[number]) => p.clusters[0]?.rowid ?? Infinity;
  return projects.sort((a, b) => (first(a) === first(b) ? 0 : first(a) < first(b) ? -1 : 1));
}

const scheduleAt = (segments: Segment[], time: number) =>
  (segments.find((s) => time > s.from && time <= s.to) ?? segments.at(-1))?.schedule ?? currentSchedule(segments);

function clusterTimeline(state: EmulatorState, cluster: ClusterRecord, now: number, from: number, to: number) {
  const lists = listsOf(state, cluster, now);
  const listing = lists.checkpoints;
  const first = firstWhere(listing.total, (i) => Date.parse(checkpointAt(listing, i).timestamp) >= from);
  const end = firstWhere(listing.total, (i) => Date.parse(checkpointAt(listing, i).timestamp) > to);
  const checkpoints =
    end - first <= MAX_MARKS
      ? listing.page(first, end - first).map((body) => JSON.parse(body) as { id: string; timestamp: string })
      : chosen(end - first, (i) => checkpointAt(listing, first + i));

  const segments = segmentsOf(state.store.backup.schedules(cluster.rowid));
  const kept = (s: Snapshot) => (s.doNotDelete ? null : s.expires);
  const snapshots = lists.snapshots.filter((s) => s.ts <= to && (kept(s) ?? Infinity) >= from);

  const batches = new Map<string, { rows: RestoreJobRow[]; batchId: string | null }>();
  for (const row of lists.jobs) {
    const key = batchKey(row);
    const batch = batches.get(key) ?? { rows: [], batchId: key === row.id ? null : key };
    batch.rows.push(row);
    batches.set(key, batch);
  }
  const shown = [...batches.values()]
    .map(({ rows, batchId }) => {
      const jobs = rows.map((row) => ({
        id: row.id,
        statusName: (state.restoreJobs.view(row, now, '').statusName as string | undefined) ?? null,
      }));
      const finishes = rows.every((row) => row.finishes !== null) ? Math.max(...rows.map((row) => row.finishes!)) : null;
      const created = Math.min(...rows.map((row) => row.created));
      return {
        batchId,
        created,
        finishes,
        statusName: jobs.find((job) => job.statusName !== 'FINISHED')?.statusName ?? jobs[0]!.statusName,
        jobs,
      };
    })
    .filter((batch) => batch.created <= to && (batch.finishes ?? batch.created) >= from)
    .sort((a, b) => a.created - b.created);

  return {
    version: lists.version,
    checkpoints: { inRange: end - first, marks: checkpoints.map(({ id, timestamp }) => ({ id, timestamp })) },
    snapshots: {
      inRange: snapshots.length,
      marks: chosen(snapshots.length, (i) => {
        const s = snapshots[i]!;
        const expires = kept(s);
        return {
          id: s.id,
          created: iso(s.ts),
          expires: expires === null ? null : iso(expires),
          complete: s.complete,
          doNotDelete: s.doNotDelete,
          retention: classOf(s.ts, scheduleAt(segments, s.ts)),
        };
      }),
    },
    restoreBatches: {
      inRange: shown.length,
      marks: chosen(shown.length, (i) => {
        const batch = shown[i]!;
        return { ...batch, created: iso(batch.created), finishes: batch.finishes === null ? null : iso(batch.finishes) };
      }),
    },
  };
}

/** GET /timeline and GET /timeline/{groupId}/{clusterName}: the backups of every cluster, and of one in a range, on the emulator clock. */
export async function timelineRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const state = app.emulator;
  const summary =
    'Every project and cluster in the order they were loaded: the totals the Legacy Backup lists give now, the time ' +
    'their marks span, the schedule, and a version that changes whenever what the lists show may have changed.';
  app.get('/timeline', controlSchema({ summary, ok: { 200: SummarySchema } }), (_request, reply) => {
    const now = state.clock.now();
    reply.send({
      clock: state.clock.state(),
      projects: inLoadOrder(state.store).map(({ clusters, ...project }) => ({
        ...project,
        clusters: clusters.map((cluster) => summaryOf(state, cluster, now)),
      })),
    });
  });

  const one =
    'One cluster’s checkpoints, snapshots (created to expiry, with the retention that keeps them) and restore batches ' +
    '(created to end, with their jobs’ status) that its lists show now, within from and to.';
  const notFound = 'GROUP_NOT_FOUND or CLUSTER_NOT_FOUND; 400 BACKUP_JOB_NOT_FOUND for a cluster on Cloud Backup, as the API answers.';
  const schema = controlSchema({
    summary: one,
    params: ClusterParamsSchema,
    querystring: RangeQuerySchema,
    ok: { 200: ClusterTimelineSchema },
    badRequest: true,
    notFound,
  });
  app.get('/timeline/:groupId/:clusterName', schema, (request, reply) => {
    const { groupId, clusterName } = request.params;
    const range = request.query;
    const from = range.from === undefined ? -Infinity : Date.parse(range.from);
    const to = range.to === undefined ? Infinity : Date.parse(range.to);
    if (to < from) throw invalid('to', 'must not be before from');
    if (!state.store.project(groupId)) throw errors.groupNotFound(groupId);
    const cluster = state.store.cluster(groupId, clusterName);
    if (!cluster) throw errors.clusterNotFound(clusterName, groupId);
    if (cluster.backup === 'CLOUD') throw errors.legacyBackupNotEnabled(cluster.name);
    reply.send(clusterTimeline(state, cluster, state.clock.now(), from, to));
  });
}
