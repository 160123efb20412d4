import { SCHEDULE_FIELDS, ScheduleSchema, type Schedule } from '../model/backup-schemas.js';
import type { ScheduleSegment } from '../store/backup-store.js';

// Time in a live cluster: events (checkpoints, snapshots) fall on the multiples of their
// interval since the epoch, so any stretch of time holds a number of them that is known
// without listing them, and the same clock moves give the same events. A change of schedule
// starts a new segment; what happened before keeps the schedule it happened under.

/** The schedule a cluster starts with: the defaults of the schedule's schema. */
export const DEFAULT_SCHEDULE = Object.fromEntries(
  SCHEDULE_FIELDS.map((field) => [field, ScheduleSchema.properties[field].default]),
) as Required<Schedule>;

/** How many multiples of `every` lie in (from, to]. */
export function slotsIn(from: number, to: number, every: number): number {
  return to <= from ? 0 : Math.floor(to / every) - Math.floor(from / every);
}

/** The n-th (from 0) multiple of `every` after `from`. */
export function nthSlot(from: number, every: number, n: number): number {
  return (Math.floor(from / every) + 1 + n) * every;
}

/** A schedule and the stretch of time it is in force, (from, to]. */
export interface Segment {
  from: number;
  to: number;
  schedule: Required<Schedule>;
}

/** A live cluster's schedules as segments from its start; a static cluster's one schedule from the beginning. */
export function segmentsOf(rows: ScheduleSegment[]): Segment[] {
  return rows.map(({ fromMs, ...schedule }, i) => ({ from: fromMs, to: rows[i + 1]?.fromMs ?? Infinity, schedule }));
}

/** The schedule in force now: the last one. */
export const currentSchedule = (segments: Segment[]): Required<Schedule> => segments.at(-1)?.schedule ?? DEFAULT_SCHEDULE;
