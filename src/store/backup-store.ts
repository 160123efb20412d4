import type Database from 'better-sqlite3';
import type { Schedule } from '../model/backup-schemas.js';

/** A schedule in force from `fromMs` on (0: from the beginning) until the next one's `fromMs`. */
export interface ScheduleSegment extends Required<Schedule> {
  fromMs: number;
}

/** A snapshot row: a listed snapshot (with its body) or a change to a derived one (body null). */
export interface SnapshotRow {
  id: string;
  ts: number;
  expires: number | null;
  doNotDelete: boolean;
  deleted: boolean;
  body: string | null;
}

export interface RestoreJobRow {
  id: string;
  created: number;
  /** When a job that progresses with the clock is FINISHED; null: its status is as listed. */
  finishes: number | null;
  /** When the download of such a job expires (HTTP delivery). */
  downloadExpires: number | null;
  /** The job as JSON, without links and without what the clock decides. */
  body: string;
}

const SCHEDULE_COLUMNS = `from_ms AS fromMs, checkpoint_interval_min AS clusterCheckpointIntervalMin, daily_days AS dailySnapshotRetentionDays,
  monthly_months AS monthlySnapshotRetentionMonths, window_hours AS pointInTimeWindowHours, snapshot_interval_hours AS snapshotIntervalHours,
  snapshot_retention_days AS snapshotRetentionDays, weekly_weeks AS weeklySnapshotRetentionWeeks`;
const SNAPSHOT_COLUMNS = 'id, ts, expires, do_not_delete AS doNotDelete, deleted, body';
const JOB_COLUMNS = 'id, created, finishes, download_expires AS downloadExpires, body';
const SHOWN = "cluster = @cluster AND created <= @now AND (@batchId IS NULL OR json_extract(body, '$.batchId') = @batchId)";

/** Which of a cluster's restore jobs a list shows: those created by `now`, of one batch when `batchId` is given. */
export interface ShownJobs {
  now: number;
  batchId?: string | undefined;
}
type ShownParams = { cluster: number; now: number; batchId: string | null };

type RawSnapshot = Omit<SnapshotRow, 'doNotDelete' | 'deleted'> & { doNotDelete: number; deleted: number };
const snapshotRow = (row: RawSnapshot): SnapshotRow => ({ ...row, doNotDelete: row.doNotDelete === 1, deleted: row.deleted === 1 });

/**
 * The Legacy Backup state besides checkpoints, by cluster: the schedule's history, snapshots
 * (listed ones, and changes made to derived ones) and restore jobs. Writes run inside the
 * store's transactions.
 */
export class BackupStore {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      schedules: db.prepare<[number], ScheduleSegment>(`SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE cluster = ? ORDER BY from_ms`),
      insertSchedule: db.prepare(
        `INSERT OR REPLACE INTO schedules (cluster, from_ms, checkpoint_interval_min, daily_days, monthly_months, window_hours,
           snapshot_interval_hours, snapshot_retention_days, weekly_weeks)
         VALUES (:cluster, :fromMs, :clusterCheckpointIntervalMin, :dailySnapshotRetentionDays, :monthlySnapshotRetentionMonths,
           :pointInTimeWindowHours, :snapshotIntervalHours, :snapshotRetentionDays, :weeklySnapshotRetentionWeeks)`,
      ),
      clearSchedules: db.prepare('DELETE FROM schedules WHERE cluster = ?'),
      snapshots: db.prepare<[number], RawSnapshot>(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE cluster = ? ORDER BY ts, id`),
      snapshot: db.prepare<[number, string], RawSnapshot>(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE cluster = ? AND id = ?`),
      upsertSnapshot: db.prepare(
        `INSERT INTO snapshots (cluster, id, ts, expires, do_not_delete, deleted, body) VALUES (:cluster, :id, :ts, :expires, :doNotDelete, :deleted, :body)
         ON CONFLICT (cluster, id) DO UPDATE SET ts = excluded.ts, expires = excluded.expires, do_not_delete = excluded.do_not_delete,
           deleted = excluded.deleted, body = coalesce(excluded.body, body)`,
      ),
      lastSnapshot: db.prepare<[number], { ts: number }>(
        'SELECT ts FROM snapshots WHERE cluster = ? AND body IS NOT NULL ORDER BY ts DESC, id DESC LIMIT 1',
      ),
      jobCount: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM restore_jobs WHERE cluster = ?'),
      jobs: db.prepare<[number, number, number], RestoreJobRow>(
        `SELECT ${JOB_COLUMNS} FROM restore_jobs WHERE cluster = ? ORDER BY created, id LIMIT ? OFFSET ?`,
      ),
      // The jobs a list shows; the batchId is in the stored job only (few jobs per cluster: no index).
      shownCount: db.prepare<[ShownParams], { n: number }>(`SELECT count(*) AS n FROM restore_jobs WHERE ${SHOWN}`),
      shown: db.prepare<[ShownParams & { limit: number; offset: number }], RestoreJobRow>(
        `SELECT ${JOB_COLUMNS} FROM restore_jobs WHERE ${SHOWN} ORDER BY created, id LIMIT @limit OFFSET @offset`,
      ),
      job: db.prepare<[number, string], RestoreJobRow>(`SELECT ${JOB_COLUMNS} FROM restore_jobs WHERE cluster = ? AND id = ?`),
      upsertJob: db.prepare(
        `INSERT INTO restore_jobs (cluster, id, created, finishes, download_expires, body) VALUES (:cluster, :id, :created, :finishes, :downloadExpires, :body)
         ON CONFLICT (cluster, id) DO UPDATE SET created = excluded.created, finishes = excluded.finishes,
           download_expires = excluded.download_expires, body = excluded.body`,
      ),
      // The next moment a list of jobs changes: jobs show, finish, downloads expire.
      nextJobChange: db.prepare<[{ cluster: number; now: number }], { at: number | null }>(
        `SELECT min(at) AS at FROM (
           SELECT min(created) AS at FROM restore_jobs WHERE cluster = @cluster AND created > @now
           UNION ALL SELECT min(finishes) FROM restore_jobs WHERE cluster = @cluster AND finishes > @now
           UNION ALL SELECT min(download_expires) FROM restore_jobs WHERE cluster = @cluster AND download_expires > @now)`,
      ),
    };
  }

  schedules(cluster: number): ScheduleSegment[] {
    return this.sql.schedules.all(cluster);
  }

  /** Replaces a cluster's schedule history with one schedule in force from `fromMs`. */
  resetSchedule(cluster: number, fromMs: number, schedule: Required<Schedule>): void {
    this.sql.clearSchedules.run(cluster);
    this.sql.insertSchedule.run({ cluster, fromMs, ...schedule });
  }

  /** A change of schedule from `fromMs` on. */
  addSchedule(cluster: number, fromMs: number, schedule: Required<Schedule>): void {
    this.sql.insertSchedule.run({ cluster, fromMs, ...schedule });
  }

  snapshots(cluster: number): SnapshotRow[] {
    return this.sql.snapshots.all(cluster).map(snapshotRow);
  }

  snapshot(cluster: number, id: string): SnapshotRow | undefined {
    const row = this.sql.snapshot.get(cluster, id);
    return row && snapshotRow(row);
  }

  /** Stores a listed snapshot, or (body null) a change to a derived one, keeping a listed body. */
  putSnapshot(cluster: number, row: SnapshotRow): void {
    this.sql.upsertSnapshot.run({ cluster, ...row, doNotDelete: row.doNotDelete ? 1 : 0, deleted: row.deleted ? 1 : 0 });
  }

  /** The creation time of a cluster's last listed snapshot. */
  lastListedSnapshot(cluster: number): number | undefined {
    return this.sql.lastSnapshot.get(cluster)?.ts;
  }

  /** How many restore jobs the cluster stores, or (`shown`) a list shows. */
  restoreJobCount(cluster: number, shown?: ShownJobs): number {
    return (shown === undefined ? this.sql.jobCount.get(cluster) : this.sql.shownCount.get(shownParams(cluster, shown)))!.n;
  }

  /** A slice of the restore jobs the cluster stores, or (`shown`) a list shows, by creation time, then id. */
  restoreJobs(cluster: number, offset: number, limit: number, shown?: ShownJobs): RestoreJobRow[] {
    return shown === undefined
      ? this.sql.jobs.all(cluster, limit, offset)
      : this.sql.shown.all({ ...shownParams(cluster, shown), limit, offset });
  }

  restoreJob(cluster: number, id: string): RestoreJobRow | undefined {
    return this.sql.job.get(cluster, id);
  }

  putRestoreJob(cluster: number, row: RestoreJobRow): void {
    this.sql.upsertJob.run({ cluster, ...row });
  }

  /** After `now`, the first moment one of the cluster's jobs shows (a fixture's dated later), finishes or its download expires. */
  nextRestoreJobChange(cluster: number, now: number): number {
    return this.sql.nextJobChange.get({ cluster, now })?.at ?? Infinity;
  }
}

const shownParams = (cluster: number, { now, batchId }: ShownJobs): ShownParams => ({ cluster, now, batchId: batchId ?? null });
