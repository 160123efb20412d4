import type { Faker } from '@faker-js/faker';
import { CheckpointText, isoSeconds } from './generate.js';
import { fnv1a, hexDigits, objectIdAt, seededFaker } from '../lib/random.js';
import type { ClusterRecord, Store } from '../store/store.js';
import { HOUR, MINUTE } from '../lib/time.js';
import { nthSlot, segmentsOf, slotsIn, type Segment } from './timeline.js';

// A cluster's checkpoints as the API lists them, by timestamp then id, none after now. A
// static cluster's are its stored rows. A live cluster's are those of the last
// pointInTimeWindowHours: its stored rows (the history it was loaded with) that are that
// recent, then one checkpoint every clusterCheckpointIntervalMin since it went live, derived
// from the time, never stored, so that a clock moved by a month costs nothing. Each derived
// checkpoint is drawn from the Faker seeded for its slot (seed, project, cluster, time), so
// any one is made without the ones before it.

/** What the list operation needs: how many, a page of them, and until when the answer holds. */
export interface CheckpointListing {
  total: number;
  page(offset: number, limit: number): string[];
  /** The first moment the clock changes this listing (Infinity: only a write does). */
  validUntil: number;
}

/** A stretch of derived checkpoints: the multiples of `every` in (from, to]. */
interface Span {
  from: number;
  to: number;
  every: number;
}

/** A live cluster's checkpoint text and the seeds of its draws. */
interface LiveForm {
  key: string;
  text: CheckpointText;
  /** FNV-1a of "seed/project/cluster/", which each slot's time continues. */
  hash: number;
  /** The ObjectId maker of its checkpoints. */
  maker: string;
}

export class Checkpoints {
  /** By cluster row (so bounded by the clusters the store holds), checked against its identity. */
  private readonly forms = new Map<number, LiveForm>();
  /** Seeded again for each cluster and each checkpoint it derives (derivation is synchronous). */
  private readonly faker: Faker = seededFaker(0);

  constructor(
    private readonly store: Store,
    private readonly seed: number,
  ) {}

  list(cluster: ClusterRecord, now: number): CheckpointListing {
    if (!cluster.live) {
      // What a fixture dates after now shows from its time on.
      const total = this.store.firstCheckpointAfter(cluster, now);
      return {
        total,
        page: (offset, limit) => this.store.page(cluster, offset, Math.min(limit, total - offset)),
        validUntil: this.store.checkpointTime(cluster, total) ?? Infinity,
      };
    }
    const { windowMs, spans, segments } = this.window(cluster, now);
    const first = this.store.firstCheckpointAfter(cluster, now - windowMs);
    const stored = this.store.firstCheckpointAfter(cluster, now) - first;
    const derived = spans.reduce((n, s) => n + slotsIn(s.from, s.to, s.every), 0);
    const oldest = stored > 0 ? JSON.parse(this.store.page(cluster, first, 1)[0]!).timestamp : undefined;
    const oldestMs = oldest !== undefined ? Date.parse(oldest) : derived > 0 ? nthSlot(spans[0]!.from, spans[0]!.every, 0) : Infinity;
    const current = segments.at(-1)!;
    const next = cluster.type === 'SHARDED' ? nthSlot(now, current.schedule.clusterCheckpointIntervalMin * MINUTE, 0) : Infinity;
    return {
      total: stored + derived,
      validUntil: Math.min(next, oldestMs + windowMs),
      page: (offset, limit) => {
        const rows = offset < stored ? this.store.page(cluster, first + offset, Math.min(limit, stored - offset)) : [];
        for (let i = Math.max(0, offset - stored); rows.length < limit && i < derived; i++)
          rows.push(this.derived(cluster, slotOf(spans, i)));
        return rows;
      },
    };
  }

  /** One checkpoint by id, if the list shows it now. */
  get(cluster: ClusterRecord, now: number, id: string): string | undefined {
    const stored = this.store.checkpoint(cluster, id);
    if (!cluster.live) return stored !== undefined && stored.ts <= now ? stored.body : undefined;
    const { windowMs, spans } = this.window(cluster, now);
    if (stored !== undefined) return stored.ts > now - windowMs && stored.ts <= now ? stored.body : undefined;
    // A derived checkpoint's id starts with its second: the slot it would stand for.
    const time = parseInt(id.slice(0, 8), 16) * 1000;
    const span = spans.find((s) => time > s.from && time <= s.to && time % s.every === 0);
    if (!span) return undefined;
    const body = this.derived(cluster, time);
    return JSON.parse(body).id === id ? body : undefined;
  }

  /** The window (now - pointInTimeWindowHours, now] and the stretches of derived checkpoints in it. */
  private window(cluster: ClusterRecord, now: number): { windowMs: number; spans: Span[]; segments: Segment[] } {
    const segments = segmentsOf(this.store.backup.schedules(cluster.rowid));
    const windowMs = segments.at(-1)!.schedule.pointInTimeWindowHours * HOUR;
    // Checkpoints are for sharded clusters only (docs/fidelity.md).
    const spans =
      cluster.type === 'SHARDED'
        ? segments
            .map((s) => ({
              from: Math.max(s.from, now - windowMs),
              to: Math.min(s.to, now),
              every: s.schedule.clusterCheckpointIntervalMin * MINUTE,
            }))
            .filter((s) => s.to > s.from)
        : [];
    return { windowMs, spans, segments };
  }

  /** What a live cluster's checkpoints share: made once per cluster, not per checkpoint. */
  private form(cluster: ClusterRecord): LiveForm {
    const key = `${cluster.rowid}/${cluster.projectId}/${cluster.name}/${cluster.clusterId}/${cluster.type}/${cluster.shards}`;
    let form = this.forms.get(cluster.rowid);
    if (form?.key !== key) {
      const hash = fnv1a(`${this.seed}/${cluster.projectId}/${cluster.name}/`);
      this.faker.seed(hash);
      form = { key, text: new CheckpointText(cluster, cluster.projectId), hash, maker: hexDigits(this.faker, 10) };
      this.forms.set(cluster.rowid, form);
    }
    return form;
  }

  /** The checkpoint a live cluster takes at `time`, as JSON in Atlas's field order. */
  private derived(cluster: ClusterRecord, time: number): string {
    const { text, hash, maker } = this.form(cluster);
    const { faker } = this;
    faker.seed(fnv1a(String(time), hash));
    const started = time + faker.number.int({ min: 20, max: 120 }) * 1000;
    const completed = started + faker.number.int({ min: 0, max: 90 }) * 1000;
    const id = objectIdAt(time, maker, faker.number.int(0xffffff));
    const startedIso = isoSeconds(started);
    let parts = '';
    for (let p = 0; p < text.parts; p++) parts += text.part(p, true, startedIso, faker.number.int({ min: 1, max: 8 }));
    return text.checkpoint(id, isoSeconds(completed), parts, true, startedIso, isoSeconds(time));
  }
}

/** The i-th derived slot across the spans, oldest first. */
function slotOf(spans: Span[], i: number): number {
  for (const span of spans) {
    const n = slotsIn(span.from, span.to, span.every);
    if (i < n) return nthSlot(span.from, span.every, i);
    i -= n;
  }
  throw new RangeError('no such derived checkpoint');
}
