import type { Faker } from '@faker-js/faker';
import type { Schedule } from '../model/backup-schemas.js';
import type { Json } from '../model/json.js';
import { isoSeconds, partNames } from './generate.js';
import { fnv1a, hexDigits, objectIdAt, seededFaker } from '../lib/random.js';
import type { SnapshotRow } from '../store/backup-store.js';
import type { ClusterRecord, Store } from '../store/store.js';
import { DAY, HOUR, MINUTE } from '../lib/time.js';
import { nthSlot, segmentsOf, slotsIn, type Segment } from './timeline.js';

// A cluster's snapshots as the API lists them, by creation time then id, none after now. A
// static cluster's are its stored (listed) snapshots. A live cluster takes one every
// snapshotIntervalHours (on the multiples of the interval since the epoch, as checkpoints do)
// and keeps each until it expires: a snapshot at 00:00 UTC on the 1st of a month is monthly,
// on a Monday weekly, on any other day daily, the others recent; each class kept as long as
// the schedule under which it was taken says (a class kept 0 falls to the next shorter one).
// Derived from the time, never stored, but for the changes made to them (doNotDelete,
// expires, deletion): each one is drawn from the Faker seeded for it (seed, project, cluster,
// time).

/** How long taking a snapshot takes: until then it is incomplete. */
export const SNAPSHOT_DURATION = 5 * MINUTE;

export interface Snapshot {
  id: string;
  /** Its creation time. */
  ts: number;
  complete: boolean;
  doNotDelete: boolean;
  expires: number | null;
  /** The snapshot as Atlas shows it, without links; `keepExpiry` (an export) keeps the expiry doNotDelete hides. */
  view(keepExpiry?: boolean): Record<string, Json>;
}

/** Which retention keeps a snapshot: its class by its creation time under its schedule. */
export type SnapshotClass = 'monthly' | 'weekly' | 'daily' | 'recent';

export function classOf(time: number, schedule: Required<Schedule>): SnapshotClass {
  const date = new Date(time);
  const midnight = time % DAY === 0;
  if (midnight && date.getUTCDate() === 1 && schedule.monthlySnapshotRetentionMonths > 0) return 'monthly';
  if (midnight && date.getUTCDay() === 1 && schedule.weeklySnapshotRetentionWeeks > 0) return 'weekly';
  if (midnight && schedule.dailySnapshotRetentionDays > 0) return 'daily';
  return 'recent';
}

/** When a snapshot taken at `time` under `schedule` expires. */
export function expiryOf(time: number, schedule: Required<Schedule>): number {
  switch (classOf(time, schedule)) {
    case 'monthly': {
      const date = new Date(time);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + schedule.monthlySnapshotRetentionMonths, date.getUTCDate());
    }
    case 'weekly':
      return time + schedule.weeklySnapshotRetentionWeeks * 7 * DAY;
    case 'daily':
      return time + schedule.dailySnapshotRetentionDays * DAY;
    case 'recent':
      return time + schedule.snapshotRetentionDays * DAY;
  }
}

/** The longest a snapshot taken under `schedule` can be kept. */
const longestKept = (s: Required<Schedule>) =>
  Math.max(
    s.snapshotRetentionDays * DAY,
    s.dailySnapshotRetentionDays * DAY,
    s.weeklySnapshotRetentionWeeks * 7 * DAY,
    s.monthlySnapshotRetentionMonths * 31 * DAY,
  );

/** What a snapshot needs to know of its cluster. */
type SnapshotCluster = Pick<ClusterRecord, 'projectId' | 'name' | 'clusterId' | 'type' | 'shards'>;

/** A cluster's snapshots as it takes them, drawn from `faker`, which it seeds again for each one. */
class SnapshotTaker {
  private readonly hash: number;
  /** The ObjectId maker of its snapshots. */
  private readonly maker: string;
  private readonly host: string;

  constructor(
    private readonly faker: Faker,
    seed: number,
    private readonly cluster: SnapshotCluster,
  ) {
    this.hash = fnv1a(`${seed}/${cluster.projectId}/${cluster.name}/snapshots/`);
    faker.seed(this.hash);
    this.maker = hexDigits(faker, 10);
    this.host = hexDigits(faker, 5);
  }

  /**
   * The id of the snapshot taken at `time`, drawn from nothing (a list is filtered by id before
   * anything is drawn): its counter counts the hours since the epoch, as snapshots are taken on
   * whole hours.
   */
  id(time: number): string {
    return objectIdAt(time, this.maker, time / HOUR);
  }

  /** The snapshot taken at `time`, as Atlas shows it (without links, doNotDelete and expires). */
  taken(time: number, schedule: Required<Schedule>): Record<string, Json> {
    const { faker, cluster } = this;
    faker.seed(fnv1a(String(time), this.hash));
    const created = { date: isoSeconds(time), increment: faker.number.int({ min: 1, max: 8 }) };
    return {
      clusterId: cluster.clusterId,
      clusterName: cluster.name,
      created,
      groupId: cluster.projectId,
      id: this.id(time),
      incremental: classOf(time, schedule) !== 'monthly',
      lastOplogAppliedTimestamp: created,
      parts: partNames(cluster).map((part, i) => {
        const dataSizeBytes = faker.number.int({ min: 1_000_000_000, max: 8_000_000_000 });
        return {
          clusterId: cluster.clusterId,
          completedTime: isoSeconds(time + SNAPSHOT_DURATION - faker.number.int(60) * 1000),
          compressionSetting: 'GZIP',
          dataSizeBytes,
          encryptionEnabled: false,
          fcv: '4.0',
          fileSizeBytes: Math.round(dataSizeBytes * 1.2),
          machineId: `${cluster.name.toLowerCase()}-shard-00-0${i % 3}.${this.host}.mongodb.net:27017`,
          mongodVersion: '4.0.28',
          replicaSetName: part.replicaSetName!,
          storageSizeBytes: Math.round(dataSizeBytes * 0.4),
          typeName: part.typeName!,
        };
      }),
    };
  }
}

/** Snapshots generated for a fixture (static data): `count` of them, one every interval after `after`, none after `until`. */
export function* generateSnapshots(
  seed: number,
  cluster: SnapshotCluster,
  schedule: Required<Schedule>,
  count: number,
  after: number,
  until: number,
): Generator<SnapshotRow> {
  const every = schedule.snapshotIntervalHours * HOUR;
  const taker = new SnapshotTaker(seededFaker(0), seed, cluster);
  for (let n = 0; n < count; n++) {
    const time = nthSlot(after, every, n);
    if (time > until) return;
    const view = taker.taken(time, schedule);
    yield {
      id: view.id as string,
      ts: time,
      expires: expiryOf(time, schedule),
      doNotDelete: false,
      deleted: false,
      body: JSON.stringify({ complete: true, ...view }),
    };
  }
}

/** A snapshot as Atlas shows it, the stored changes applied (fields in Atlas's order). */
function view(body: Record<string, Json>, doNotDelete: boolean, expires: number | null, keepExpiry = false): Record<string, Json> {
  const shown: Record<string, Json> = { ...body, doNotDelete };
  if ((keepExpiry || !doNotDelete) && expires !== null) shown.expires = isoSeconds(expires);
  return Object.fromEntries(
    Object.keys(shown)
      .sort()
      .map((key) => [key, shown[key]!]),
  );
}

export class Snapshots {
  /** Seeded again for each cluster and each snapshot it derives (derivation is synchronous). */
  private readonly faker: Faker = seededFaker(0);

  constructor(
    private readonly store: Store,
    private readonly seed: number,
  ) {}

  /** The snapshots the list shows now, oldest first, and the first moment the clock changes them. */
  list(cluster: ClusterRecord, now: number): { snapshots: Snapshot[]; validUntil: number } {
    const rows = this.store.backup.snapshots(cluster.rowid);
    const listed = rows.filter((row) => row.body !== null && !row.deleted).map((row) => this.listed(row, cluster.live, now));
    if (!cluster.live) {
      // What a fixture dates after now shows from its time on (rows come by time).
      const later = listed.findIndex((s) => s.ts > now);
      return later < 0 ? { snapshots: listed, validUntil: Infinity } : { snapshots: listed.slice(0, later), validUntil: listed[later]!.ts };
    }
    const changes = new Map(rows.filter((row) => row.body === null).map((row) => [row.id, row]));
    const segments = segmentsOf(this.store.backup.schedules(cluster.rowid));
    const all = [...listed.filter((s) => kept(s, now)), ...this.derived(cluster, segments, now, changes)].sort(
      (a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    // The list changes when the next snapshot is taken or completes, or a kept one expires.
    const every = segments.at(-1)!.schedule.snapshotIntervalHours * HOUR;
    const events = [
      nthSlot(now, every, 0),
      ...all.flatMap((s) => [s.complete ? Infinity : s.ts + SNAPSHOT_DURATION, s.doNotDelete || s.expires === null ? Infinity : s.expires]),
    ];
    return { snapshots: all, validUntil: Math.min(...events) };
  }

  get(cluster: ClusterRecord, now: number, id: string): Snapshot | undefined {
    return this.list(cluster, now).snapshots.find((s) => s.id === id);
  }

  /** A listed snapshot; on a live cluster an incomplete one completes with time, as a taken one does. */
  private listed(row: SnapshotRow, live: boolean, now: number): Snapshot {
    const body = JSON.parse(row.body!) as Record<string, Json>;
    const complete = body.complete !== false || (live && now >= row.ts + SNAPSHOT_DURATION);
    return {
      id: row.id,
      ts: row.ts,
      complete,
      doNotDelete: row.doNotDelete,
      expires: row.expires,
      view: (keepExpiry) => view({ ...body, complete }, row.doNotDelete, row.expires, keepExpiry),
    };
  }

  /** The snapshots a live cluster has taken and keeps at `now`, its stored changes applied. */
  private derived(cluster: ClusterRecord, segments: Segment[], now: number, changes: Map<string, SnapshotRow>): Snapshot[] {
    const times = new Set<number>([...changes.values()].map((row) => row.ts));
    for (const segment of segments) {
      const { schedule } = segment;
      const every = schedule.snapshotIntervalHours * HOUR;
      const recent = Math.max(segment.from, now - schedule.snapshotRetentionDays * DAY);
      const to = Math.min(segment.to, now);
      // Every snapshot of the recent days; before them only midnight ones (daily, weekly, monthly) can be left.
      for (let n = 0, count = slotsIn(recent, to, every); n < count; n++) times.add(nthSlot(recent, every, n));
      const oldest = Math.max(segment.from, now - longestKept(schedule));
      for (let n = 0, count = slotsIn(oldest, Math.min(to, recent), DAY); n < count; n++) times.add(nthSlot(oldest, DAY, n));
    }
    const taker = new SnapshotTaker(this.faker, this.seed, cluster);
    const snapshots: Snapshot[] = [];
    for (const time of times) {
      const segment = segments.find((s) => time > s.from && time <= s.to);
      if (!segment || time % (segment.schedule.snapshotIntervalHours * HOUR) !== 0) continue;
      const id = taker.id(time);
      const change = changes.get(id);
      if (change?.deleted) continue;
      const doNotDelete = change?.doNotDelete ?? false;
      const expires = change ? change.expires : expiryOf(time, segment.schedule);
      const complete = now >= time + SNAPSHOT_DURATION;
      const snapshot: Snapshot = {
        id,
        ts: time,
        complete,
        doNotDelete,
        expires,
        view: (keepExpiry) => view({ ...taker.taken(time, segment.schedule), complete }, doNotDelete, expires, keepExpiry),
      };
      if (kept(snapshot, now)) snapshots.push(snapshot);
    }
    return snapshots;
  }
}

/** Whether a live cluster still has a snapshot at `now`: taken, and not expired unless kept for good. */
const kept = (s: Snapshot, now: number) => s.ts <= now && (s.doNotDelete || s.expires === null || s.expires > now);
