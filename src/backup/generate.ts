import { DAY, MINUTE } from '../lib/time.js';
import type { CheckpointRow } from '../store/staging.js';
import type { CheckpointPart } from '../model/fixture-schema.js';
import { fnv1a, hexDigits, objectIdAt, seededFaker } from '../lib/random.js';

// Deterministic checkpoint generation. The sequence depends only on the seed, the project,
// the cluster and where it starts, never on the clock or on other clusters, so the same
// seed and fixtures give byte-identical responses. Each generation job has its own seeded
// Faker (lib/random.ts). Ids are built as MongoDB ObjectIds are (the timestamp's seconds, a
// per-cluster maker drawn once, a counter) rather than drawn whole, so that they sort as their
// checkpoints do.

/** Generated histories start here when nothing precedes them (the documentation's era). */
export const REFERENCE_DATE = Date.UTC(2018, 1, 8);

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
// Seeding formats millions of times that fall on few days: the date part is formatted once per day.
let cachedDay = NaN;
let cachedDate = '';

/** An instant as Atlas writes it, `YYYY-MM-DDTHH:MM:SSZ` (milliseconds dropped). */
export function isoSeconds(ms: number): string {
  // Outside years 1970 to 9999 (never generated) Date's own formatting decides, as it always did.
  if (!(ms >= 0 && ms < 253_402_300_800_000)) return `${new Date(ms).toISOString().slice(0, 19)}Z`;
  const day = Math.floor(ms / DAY);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDate = new Date(day * DAY).toISOString().slice(0, 11);
  }
  const second = Math.floor((ms - day * DAY) / 1000);
  return `${cachedDate}${TWO_DIGITS[Math.floor(second / 3600)]}:${TWO_DIGITS[Math.floor(second / 60) % 60]}:${TWO_DIGITS[second % 60]}Z`;
}

/** What generation needs to know of a cluster. */
export interface GeneratedCluster {
  name: string;
  clusterId: string;
  type: 'SHARDED' | 'REPLICASET';
  shards: number;
}

export function partNames(cluster: GeneratedCluster): Omit<CheckpointPart, 'tokenDiscovered' | 'tokenTimestamp'>[] {
  if (cluster.type === 'REPLICASET') return [{ replicaSetName: `${cluster.name}-shard-0`, typeName: 'REPLICA_SET' }];
  // Shards in descending order, then the config server: the order of the documentation's example.
  const parts: Omit<CheckpointPart, 'tokenDiscovered' | 'tokenTimestamp'>[] = [];
  for (let shard = cluster.shards - 1; shard >= 0; shard--) {
    const name = `${cluster.name}-shard-${shard}`;
    parts.push({ replicaSetName: name, shardName: name, typeName: 'REPLICA_SET' });
  }
  parts.push({ replicaSetName: `${cluster.name}-config-0`, typeName: 'CONFIG_SERVER_REPLICA_SET' });
  return parts;
}

export interface GenerationInput {
  seed: number;
  groupId: string;
  cluster: GeneratedCluster;
  count: number;
  intervalMinutes: number;
  /** Epoch ms after which the first generated checkpoint falls (REFERENCE_DATE when it is earlier or absent). */
  after: number | undefined;
  /** Epoch ms after which none is generated (the load's now): fewer than `count` when they would reach past it. */
  until: number;
}

/**
 * A cluster's checkpoints as text, exactly as JSON.stringify writes them (Atlas's field order,
 * no links), from fragments serialized once per cluster: seeding a million checkpoints, or
 * deriving a live cluster's page, is dominated by per-checkpoint work. Only dates, hex ids,
 * integers and booleans are filled in, none of which JSON escapes.
 */
export class CheckpointText {
  readonly parts: number;
  private readonly partHeads: string[];
  private readonly partTails: string[];
  private readonly head: string;
  private readonly groupField: string;

  constructor(cluster: GeneratedCluster, groupId: string) {
    const names = partNames(cluster);
    this.parts = names.length;
    // Each part is {replicaSetName, shardName?, tokenDiscovered, tokenTimestamp: {date, increment}, typeName}.
    this.partHeads = names.map((name) => {
      const shard = name.shardName === undefined ? '' : `,"shardName":${JSON.stringify(name.shardName)}`;
      return `{"replicaSetName":${JSON.stringify(name.replicaSetName)}${shard},"tokenDiscovered":`;
    });
    this.partTails = names.map((name) => `},"typeName":${JSON.stringify(name.typeName)}}`);
    this.head = `{"clusterId":${JSON.stringify(cluster.clusterId)},"completed":"`;
    this.groupField = `","groupId":${JSON.stringify(groupId)},"id":"`;
  }

  /** Part `p`, its token seen (or not) at `tokenDate`; parts are joined with commas. */
  part(p: number, discovered: boolean, tokenDate: string, increment: number): string {
    return `${p === 0 ? '' : ','}${this.partHeads[p]}${discovered},"tokenTimestamp":{"date":"${tokenDate}","increment":${increment}${this.partTails[p]}`;
  }

  checkpoint(id: string, completed: string, parts: string, restorable: boolean, started: string, timestamp: string): string {
    return `${this.head}${completed}${this.groupField}${id}","parts":[${parts}],"restorable":${restorable},"started":"${started}","timestamp":"${timestamp}"}`;
  }
}

/** Yields `count` checkpoints with strictly increasing timestamps after `input.after` and not after `input.until`, as the store keeps them. */
export function* generateCheckpoints(input: GenerationInput): Generator<CheckpointRow> {
  const { groupId, cluster, count } = input;
  const faker = seededFaker(fnv1a(`${input.seed}/${groupId}/${cluster.name}`));
  const text = new CheckpointText(cluster, groupId);
  const intervalMs = input.intervalMinutes * MINUTE;
  const jitterMs = Math.floor(intervalMs / 10);
  const maker = hexDigits(faker, 10);
  let counter = faker.number.int(0xffffff);
  let time = Math.floor(Math.max(input.after ?? REFERENCE_DATE, REFERENCE_DATE) / 1000) * 1000;
  for (let i = 0; i < count; i++) {
    time += Math.max(1000, Math.round((intervalMs + faker.number.int({ min: -jitterMs, max: jitterMs })) / 1000) * 1000);
    if (time > input.until) return;
    const started = time + faker.number.int({ min: 20, max: 120 }) * 1000;
    const completed = started + faker.number.int({ min: 0, max: 90 }) * 1000;
    // About one in twenty checkpoints is not restorable: one of its parts never saw its token.
    const missingToken = faker.datatype.boolean(0.05) ? faker.number.int(text.parts - 1) : -1;
    const startedIso = isoSeconds(started);
    let parts = '';
    for (let p = 0; p < text.parts; p++) parts += text.part(p, p !== missingToken, startedIso, faker.number.int({ min: 1, max: 8 }));
    counter = (counter + 1) & 0xffffff;
    const id = objectIdAt(time, maker, counter);
    yield { id, ts: time, body: text.checkpoint(id, isoSeconds(completed), parts, missingToken < 0, startedIso, isoSeconds(time)) };
  }
}
