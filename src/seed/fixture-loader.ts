import type { LoadMode, Store, StoreCounts } from '../store/store.js';
import type { AppliedCluster, StagedCredential, StagedKind, StagingProblem } from '../store/staging.js';
import { RestoreJobSchema, SnapshotSchema, type RestoreJobFixture, type SnapshotFixture } from '../atlas/backup-schemas.js';
import { sortedKeys, type Json } from '../atlas/render.js';
import { jobTimes } from '../backup/restore-jobs.js';
import { generateSnapshots } from '../backup/snapshots.js';
import { describeErrors, jsonPath, precompiledValidator, type Path } from '../validation.js';
import * as precompiled from '../generated/validators.js';
import {
  ApiKeySchema,
  CheckpointSchema,
  ClusterSchema,
  FixtureDocumentSchema,
  ProjectSchema,
  ServiceAccountSchema,
  type ApiKeyFixture,
  type Checkpoint,
  type CheckpointPart,
  type ValidCluster,
  type ProjectFixture,
  type ServiceAccountFixture,
} from './fixture-schema.js';
import { generateCheckpoints, REFERENCE_DATE } from './generate.js';
import { JsonSyntaxError, StreamingJsonReader, walkValue, type Shape, type StreamSink } from './json-stream.js';

// Loading fixture documents: each part is validated against its place in the one fixture
// schema as it is read, staged in the store, checked for what no schema can see, then
// applied; the whole load is one transaction, so a refused document changes nothing. The
// document is never held whole in memory: a million listed checkpoints load like ten.

/** The arrays of a fixture document that are read element by element. */
const FIXTURE_SHAPE: Shape = { projects: { clusters: { checkpoints: 'leaf', snapshots: 'leaf', restoreJobs: 'leaf' } }, apiKeys: 'leaf', serviceAccounts: 'leaf' };

export class FixtureError extends Error {
  constructor(
    /** The document: a file, or how the caller named it. */
    readonly source: string,
    /** Where in it: `$.projects[0].clusters[1].name`. */
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
  }
}

/** A document that is not JSON at all. */
export class FixtureSyntaxError extends FixtureError {}

/** A fixture document to load: something that delivers its parts to a sink, all at once. */
export interface FixtureSource {
  name: string;
  feed(sink: StreamSink): void;
}

/** A document already in memory (the in-process API). */
export function objectSource(document: unknown, name = 'fixture'): FixtureSource {
  return { name, feed: (sink) => walkValue(document, FIXTURE_SHAPE, sink) };
}

/** A document as JSON text, in chunks (a file, a request body). */
export function textSource(name: string, chunks: () => Iterable<Buffer>): FixtureSource {
  return {
    name,
    feed: (sink) => {
      const reader = new StreamingJsonReader(FIXTURE_SHAPE, sink);
      try {
        for (const chunk of chunks()) reader.write(chunk);
        reader.end();
      } catch (err) {
        if (err instanceof JsonSyntaxError) throw new FixtureSyntaxError(name, '$', `is not valid JSON (${err.message})`);
        throw err;
      }
    },
  };
}

/** A schema whose streamed arrays are checked as arrays only: their elements are checked one by one. */
function withoutElements(schema: { properties: object }, streamed: string[]): object {
  const properties: Record<string, object> = { ...schema.properties };
  for (const key of streamed) properties[key] = { type: 'array' };
  return { ...schema, properties };
}

/** The schema of each part of a streamed document (precompiled into src/generated/validators.ts). */
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
const validators = {
  document: precompiledValidator(precompiled.fixtureDocument),
  project: precompiledValidator(precompiled.fixtureProject),
  cluster: precompiledValidator(precompiled.fixtureCluster),
  checkpoint: precompiledValidator(precompiled.fixtureCheckpoint),
  snapshot: precompiledValidator(precompiled.fixtureSnapshot),
  restoreJob: precompiledValidator(precompiled.fixtureRestoreJob),
  apiKey: precompiledValidator(precompiled.fixtureApiKey),
  serviceAccount: precompiledValidator(precompiled.fixtureServiceAccount),
};

/** Atlas's field order, which JSON.stringify keeps: the stored text is what is served. */
function orderedPart(part: CheckpointPart): CheckpointPart {
  const { tokenTimestamp: t } = part;
  return {
    replicaSetName: part.replicaSetName,
    shardName: part.shardName,
    tokenDiscovered: part.tokenDiscovered,
    tokenTimestamp: t && { date: t.date, increment: t.increment },
    typeName: part.typeName,
  };
}

/** Takes one document's parts as they come, checks each, and stages it. */
class DocumentSink implements StreamSink {
  constructor(
    private readonly store: Store,
    private readonly source: string,
  ) {}

  private check<T>(validate: (typeof validators)[keyof typeof validators], value: unknown, path: Path): T {
    if (validate(value)) return value as T;
    const { path: within, problem } = describeErrors(validate.errors!);
    throw new FixtureError(this.source, jsonPath([...path, ...within]), problem);
  }

  element(path: Path, value: unknown): void {
    if (path[0] === 'projects' && path[4] !== 'checkpoints') {
      const [, pi, , ci, kind, k] = path as [string, number, string, number, StagedKind, number];
      const item = this.check<SnapshotFixture | RestoreJobFixture>(kind === 'snapshots' ? validators.snapshot : validators.restoreJob, value, path);
      const { clusterId, clusterName: _name, groupId, ...rest } = item;
      const ts = Date.parse(typeof item.created === 'string' ? item.created : item.created.date);
      this.store.staging.item(kind, pi, ci, k, { id: item.id, ts, clusterId, groupId, rest: JSON.stringify(rest) });
      return;
    }
    if (path[0] === 'projects') {
      const [, pi, , ci, , k] = path as [string, number, string, number, string, number];
      const c = this.check<Checkpoint>(validators.checkpoint, value, path);
      this.store.staging.checkpoint(pi, ci, k, {
        id: c.id,
        ts: Date.parse(c.timestamp),
        completed: c.completed,
        clusterId: c.clusterId,
        groupId: c.groupId,
        rest: JSON.stringify({ id: c.id, parts: c.parts?.map(orderedPart), restorable: c.restorable, started: c.started, timestamp: c.timestamp }),
      });
      return;
    }
    const [kind, i] = path as ['apiKeys' | 'serviceAccounts', number];
    const staged =
      kind === 'apiKeys'
        ? this.credential('apiKey', this.check<ApiKeyFixture>(validators.apiKey, value, path), (k) => [k.publicKey, k.privateKey])
        : this.credential('serviceAccount', this.check<ServiceAccountFixture>(validators.serviceAccount, value, path), (a) => [a.clientId, a.clientSecret]);
    this.store.staging.credential(i, staged);
  }

  private credential<T extends ApiKeyFixture | ServiceAccountFixture>(kind: StagedCredential['kind'], c: T, ids: (c: T) => [string, string]): StagedCredential {
    const [id, secret] = ids(c);
    return { kind, id, secret, projects: JSON.stringify(c.projects), accessList: c.accessList ? JSON.stringify(c.accessList) : null };
  }

  container(path: Path, value: unknown): void {
    if (path.length === 0) {
      this.check(validators.document, value, path);
    } else if (path.length === 2) {
      const p = this.check<ProjectFixture>(validators.project, value, path);
      this.store.staging.project(path[1] as number, { id: p.id, name: p.name ?? `Project ${p.id}` });
    } else {
      const c = this.check<ValidCluster>(validators.cluster, value, path);
      this.store.staging.cluster(path[1] as number, path[3] as number, {
        name: c.name,
        clusterId: c.clusterId,
        type: c.type,
        shards: c.type === 'REPLICASET' ? 1 : c.shards,
        backup: c.backup,
        generateCount: c.generate?.count ?? 0,
        intervalMinutes: c.generate?.intervalMinutes ?? null,
        generateSnapshots: c.generate?.snapshots ?? 0,
        schedule: c.schedule,
        live: c.live,
        liveFrom: c.liveFrom === undefined ? null : Date.parse(c.liveFrom),
      });
    }
  }

  refuse({ place, problem }: StagingProblem): never {
    const path: Path =
      place.kind === undefined
        ? ['projects', place.pi, ...(place.ci === undefined ? [] : ['clusters', place.ci]), ...(place.k === undefined ? [] : [place.list ?? 'checkpoints', place.k])]
        : [place.kind === 'apiKey' ? 'apiKeys' : 'serviceAccounts', place.i!, place.kind === 'apiKey' ? 'publicKey' : 'clientId'];
    if (place.field !== undefined) path.push(place.field);
    throw new FixtureError(this.source, jsonPath(path), problem);
  }
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT') === true;

/** Writes a cluster's schedule, listed and generated snapshots and restore jobs; returns when its live timeline starts. */
function applyBackup(store: Store, seed: number, now: number, cluster: AppliedCluster): number | null {
  const snapshots = store.staging.items('snapshots', cluster);
  const lastSnapshot = snapshots.at(-1)?.ts;
  // A live cluster's timeline starts after what it was loaded with.
  const liveFrom = cluster.live ? Math.max(cluster.liveFrom ?? now, cluster.lastTs ?? -Infinity, lastSnapshot ?? -Infinity) : null;
  store.backup.resetSchedule(cluster.rowid, liveFrom ?? 0, cluster.schedule);
  const owner = { clusterId: cluster.clusterId, clusterName: cluster.name, groupId: cluster.projectId };
  for (const item of snapshots) {
    const { expires, doNotDelete, ...fields } = JSON.parse(item.rest) as Record<string, Json>;
    const body = JSON.stringify(sortedKeys({ complete: true, ...fields, ...owner }));
    store.backup.putSnapshot(cluster.rowid, { id: item.id, ts: item.ts, expires: expires ? Date.parse(expires as string) : null, doNotDelete: doNotDelete === true, deleted: false, body });
  }
  if (cluster.generateSnapshots > 0) {
    const after = Math.max(lastSnapshot ?? REFERENCE_DATE, REFERENCE_DATE);
    for (const row of generateSnapshots(seed, cluster, cluster.schedule, cluster.generateSnapshots, after)) store.backup.putSnapshot(cluster.rowid, row);
  }
  for (const item of store.staging.items('restoreJobs', cluster)) {
    const job = sortedKeys({ ...JSON.parse(item.rest), ...owner }) as Record<string, Json> & { delivery: { methodName: string; expirationHours?: number } };
    // A listed job without a status progresses with the clock from its creation, as a created one does.
    const times = job.statusName === undefined ? jobTimes(item.ts, job.delivery) : { finishes: null, downloadExpires: null };
    store.backup.putRestoreJob(cluster.rowid, { id: item.id, created: item.ts, ...times, body: JSON.stringify(job) });
  }
  return liveFrom;
}

/**
 * Loads fixture documents in one transaction, in order: all of them or none. `replace`
 * empties the store first; `merge` upserts projects, clusters and credentials and merges
 * checkpoints by id. Throws a FixtureError naming the document, the place and the problem.
 */
export function loadFixtures(store: Store, sources: FixtureSource[], mode: LoadMode, seed: number, now: number): StoreCounts {
  store.write(
    () => {
      for (const source of sources) {
        store.staging.clear();
        const sink = new DocumentSink(store, source.name);
        source.feed(sink);
        const problem = store.staging.problem();
        if (problem) sink.refuse(problem);
        try {
          store.staging.apply({
            generate: (cluster) =>
              generateCheckpoints({ seed, groupId: cluster.projectId, cluster, count: cluster.generateCount, intervalMinutes: cluster.intervalMinutes!, after: cluster.lastTs }),
            backup: (cluster) => applyBackup(store, seed, now, cluster),
          });
        } catch (err) {
          const duplicate = isUniqueViolation(err) ? store.staging.duplicateCheckpoint() : undefined;
          if (duplicate) sink.refuse(duplicate);
          throw err;
        }
      }
      store.staging.clear();
    },
    { replace: mode === 'replace' },
  );
  return store.counts();
}
