import type { Faker } from '@faker-js/faker';
import type { RestoreJobRequest } from '../model/backup-schemas.js';
import { errors } from '../model/errors.js';
import type { Json } from '../model/json.js';
import { isoSeconds, partNames } from './generate.js';
import { fnv1a, hexDigits, objectIdAt, seededFaker } from '../lib/random.js';
import type { RestoreJobRow } from '../store/backup-store.js';
import type { ClusterRecord, Store } from '../store/store.js';
import type { Checkpoints } from './checkpoints.js';
import type { Snapshots } from './snapshots.js';
import { HOUR, MINUTE } from '../lib/time.js';
import { segmentsOf, currentSchedule } from './timeline.js';

// Restore jobs. A job is created IN_PROGRESS and is FINISHED after JOB_DURATION of emulator
// time; an HTTP delivery then is READY to download (at a URL of the emulator's) until
// expirationHours later, then EXPIRED. A sharded cluster restores as one job per shard and one
// for the config server, sharing a batchId. Where the restore point comes from (a snapshot,
// a checkpoint, a point in time or an oplog position) is checked against what the cluster
// has now.

/** How long a restore takes, in emulator time. */
export const JOB_DURATION = 10 * MINUTE;
const DEFAULT_EXPIRATION_HOURS = 48;
const DEFAULT_MAX_DOWNLOADS = 1;
/** Fields of a restore request the description marks writeOnly: a job never shows them. */
const WRITE_ONLY = new Set(['checkpointId', 'oplogInc', 'oplogTs', 'pointInTimeUTCMillis']);

/** When a job created at `created` finishes, and when its download (HTTP delivery only) expires. */
export function jobTimes(
  created: number,
  delivery: { methodName: string; expirationHours?: number },
): { finishes: number; downloadExpires: number | null } {
  const finishes = created + JOB_DURATION;
  const http = delivery.methodName === 'HTTP' || delivery.methodName === 'CLIENT_PIT_HTTP';
  return { finishes, downloadExpires: http ? finishes + (delivery.expirationHours ?? DEFAULT_EXPIRATION_HOURS) * HOUR : null };
}

/** The restore point a request names, as Atlas shows it on the job: the source as asked, and its time. */
type RestorePoint = Pick<RestoreJobRequest, 'snapshotId' | 'checkpointId' | 'pointInTimeUTCMillis' | 'oplogTs' | 'oplogInc'> & {
  timestamp: { date: string; increment: number };
};

export class RestoreJobs {
  /** Seeded again for each batch of jobs and each job's download (used synchronously). */
  private readonly faker: Faker = seededFaker(0);

  constructor(
    private readonly store: Store,
    private readonly checkpoints: Checkpoints,
    private readonly snapshots: Snapshots,
    private readonly seed: number,
  ) {}

  /** What a request restores from; throws Atlas's error when the source is missing, unknown or out of reach. */
  private restorePoint(cluster: ClusterRecord, request: RestoreJobRequest, now: number): RestorePoint {
    const { snapshotId, checkpointId, pointInTimeUTCMillis, oplogTs, oplogInc } = request;
    if ((oplogTs === undefined) !== (oplogInc === undefined)) throw errors.missingAttribute(oplogTs === undefined ? 'oplogTs' : 'oplogInc');
    const given = [snapshotId, checkpointId, pointInTimeUTCMillis, oplogTs].filter((source) => source !== undefined).length;
    if (given !== 1) throw errors.restoreSourceRequired();
    if (snapshotId !== undefined) {
      const snapshot = this.snapshots.get(cluster, now, snapshotId);
      if (!snapshot) throw errors.snapshotNotFound(snapshotId, cluster.name);
      if (!snapshot.complete) throw errors.snapshotIncomplete(snapshotId, cluster.name);
      return { timestamp: snapshot.view().lastOplogAppliedTimestamp as RestorePoint['timestamp'], snapshotId };
    }
    if (checkpointId !== undefined) {
      const checkpoint = this.checkpoints.get(cluster, now, checkpointId);
      if (checkpoint === undefined) throw errors.checkpointNotFound(checkpointId, cluster.name);
      return { checkpointId, timestamp: { date: JSON.parse(checkpoint).timestamp, increment: 1 } };
    }
    const window = currentSchedule(segmentsOf(this.store.backup.schedules(cluster.rowid))).pointInTimeWindowHours;
    const point = pointInTimeUTCMillis ?? Date.parse(oplogTs!);
    if (point > now || point <= now - window * HOUR) throw errors.pointInTimeOutsideWindow(isoSeconds(point), window);
    return { pointInTimeUTCMillis, oplogTs, oplogInc, timestamp: { date: isoSeconds(point), increment: oplogInc ?? 1 } };
  }

  /**
   * Creates the jobs a request asks for, stores them and returns their rows. `assertAccess`
   * throws when the caller may not use the target project of an automated restore.
   */
  create(
    cluster: ClusterRecord,
    request: RestoreJobRequest,
    now: number,
    assertAccess: (groupId: string) => void = () => {},
  ): RestoreJobRow[] {
    const point = this.restorePoint(cluster, request, now);
    const { methodName, targetGroupId, targetClusterName, targetClusterId } = request.delivery;
    if (methodName === 'AUTOMATED_RESTORE') {
      if (targetGroupId === undefined) throw errors.missingAttribute('delivery.targetGroupId');
      if (targetClusterName === undefined && targetClusterId === undefined) throw errors.missingAttribute('delivery.targetClusterName');
      if (!this.store.project(targetGroupId)) throw errors.groupNotFound(targetGroupId);
      assertAccess(targetGroupId);
      const target =
        targetClusterName === undefined
          ? this.store.clustersOf(targetGroupId).find((c) => c.clusterId === targetClusterId)
          : this.store.cluster(targetGroupId, targetClusterName);
      if (!target) throw errors.clusterNotFound(targetClusterName ?? targetClusterId!, targetGroupId);
    }
    // A cluster's jobs and batches have their own ObjectId makers; jobs count from the number it has.
    this.faker.seed(fnv1a(`${this.seed}/${cluster.projectId}/${cluster.name}/restore`));
    const maker = hexDigits(this.faker, 10);
    const batchMaker = hexDigits(this.faker, 10);
    const counter = this.store.backup.restoreJobCount(cluster.rowid);
    const parts = partNames(cluster);
    const batchId = parts.length > 1 ? objectIdAt(now, batchMaker, counter) : undefined;
    const http = methodName === 'HTTP' || methodName === 'CLIENT_PIT_HTTP';
    const expirationHours = request.delivery.expirationHours ?? DEFAULT_EXPIRATION_HOURS;
    return parts.map((_part, i) => {
      const job = {
        ...point,
        batchId,
        clusterId: cluster.clusterId,
        clusterName: cluster.name,
        created: isoSeconds(now),
        delivery: {
          ...request.delivery,
          ...(http ? { expirationHours, maxDownloads: request.delivery.maxDownloads ?? DEFAULT_MAX_DOWNLOADS } : {}),
        },
        encryptionEnabled: false,
        groupId: cluster.projectId,
        id: objectIdAt(now, maker, counter + i),
      };
      return { id: job.id, created: now, ...jobTimes(now, job.delivery), body: JSON.stringify(job) };
    });
  }

  /**
   * A job as Atlas shows it at `now` (without links): the clock decides its status and its
   * download. The source fields the description marks writeOnly stay in the stored job (a
   * fixture export keeps them) and are never shown.
   */
  view(row: RestoreJobRow, now: number, base: string): Record<string, Json> {
    const stored = JSON.parse(row.body) as Record<string, Json> & { delivery: Record<string, Json> };
    const job = Object.fromEntries(Object.entries(stored).filter(([key]) => !WRITE_ONLY.has(key))) as typeof stored;
    if (row.finishes === null) return job;
    const finished = now >= row.finishes;
    const delivery: Record<string, Json> = { ...job.delivery };
    delivery.statusName = !finished ? 'IN_PROGRESS' : row.downloadExpires !== null && now >= row.downloadExpires ? 'EXPIRED' : 'READY';
    const shown: Record<string, Json> = { ...job, statusName: finished ? 'FINISHED' : 'IN_PROGRESS' };
    if (row.downloadExpires !== null) {
      // Atlas's download links carry a key, and a finished job the file's SHA-1: drawn for the
      // job, as the emulator serves no file behind them (docs/fidelity.md).
      this.faker.seed(fnv1a(`${this.seed}/${row.id}/download`));
      const key = hexDigits(this.faker, 32);
      const sha1 = hexDigits(this.faker, 40);
      const file = `${job.clusterName}-${row.id}.tar.gz`;
      Object.assign(delivery, {
        authHeader: 'Authorization',
        authValue: `Bearer ${key}`,
        expires: isoSeconds(row.downloadExpires),
        url: `${base}/backup/restore/v2/pull/${row.id}/${key}/${file}`,
        urlV2: `${base}/backup/restore/v2/pull/${row.id}/${file}`,
      });
      if (finished) shown.hashes = [{ fileName: file, hash: sha1, typeName: 'SHA1' }];
    }
    shown.delivery = Object.fromEntries(
      Object.keys(delivery)
        .sort()
        .map((k) => [k, delivery[k]!]),
    );
    return Object.fromEntries(
      Object.keys(shown)
        .sort()
        .map((key) => [key, shown[key]!]),
    );
  }
}
