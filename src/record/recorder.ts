import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ValidateFunction } from 'ajv';
import * as precompiled from '../generated/fixture-validators.js';
import { VERSION } from '../lib/package-root.js';
import { describeErrors, jsonPath, precompiledValidator } from '../lib/validation.js';
import { RestoreJobSchema, SCHEDULE_FIELDS, SnapshotSchema } from '../model/backup-schemas.js';
import { CheckpointSchema } from '../model/fixture-schema.js';
import { HEX24 } from '../model/value-schemas.js';
import { Anonymizer } from './anonymizer.js';
import { AtomicFile } from './atomic-file.js';
import { RecordError } from './record-error.js';
import { resolveRecordOptions, type RecordOptions, type RecordSettings, type SourceCredentials } from './record-options.js';
import { Pacer, SourceClient, type ClientIo } from './source-client.js';

// Recording a project's Legacy Backup state into one fixture document: each named cluster's
// snapshot schedule, then every page of its checkpoints, snapshots (completed=all) and
// restore jobs, each item written to the file as it comes (never the whole list in memory),
// as the emulator serves it again: links and fields the fixture schema does not know left
// out, a live cluster as static data as it was listed, restore jobs in the state they had.
// Nothing but the description depends on when it runs: the same source gives the same bytes.

/** Atlas's largest page. */
export const PAGE_SIZE = 500;
/** Reads of a list that keeps changing while it is read before the recording gives up. */
const MAX_LIST_READS = 5;
/** Where a fixture in a project that has the package installed finds its schema (docs/fixtures.md). */
export const FIXTURE_SCHEMA_REF = './node_modules/atlas-backup-emulator/fixtures/fixture.schema.json';

export interface RecordProgress {
  /** Pages (and schedules) read so far, and how many there are as far as is known. */
  pagesRead: number;
  pagesKnown: number;
}

/** What record() takes besides the options: the world, injected (tests control time). */
export interface RecordIo {
  fetch?: typeof fetch;
  /** Epoch milliseconds, for the pace and the description's date (default: the system clock). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Ends the recording (the previous file is left as it was). */
  signal?: AbortSignal;
  progress?: (progress: RecordProgress) => void;
}

export interface RecordedCluster {
  name: string;
  checkpoints: number;
  snapshots: number;
  restoreJobs: number;
}

export interface RecordSummary {
  out: string;
  clusters: RecordedCluster[];
  /** Requests sent to the source (challenges, token requests and retries included). */
  requests: number;
}

type Item = Record<string, unknown>;
type SchemaNode = {
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly [keyword: string]: unknown;
};

interface ListKind {
  collection: string;
  key: 'checkpoints' | 'snapshots' | 'restoreJobs';
  /** What an item is, in messages. */
  noun: string;
  query: string;
  schema: SchemaNode;
  validate: ValidateFunction;
}

const LISTS: ListKind[] = [
  {
    collection: 'backupCheckpoints',
    key: 'checkpoints',
    noun: 'checkpoint',
    query: '',
    schema: CheckpointSchema,
    validate: precompiledValidator(precompiled.fixtureCheckpoint),
  },
  {
    collection: 'snapshots',
    key: 'snapshots',
    noun: 'snapshot',
    query: 'completed=all&',
    schema: SnapshotSchema,
    validate: precompiledValidator(precompiled.fixtureSnapshot),
  },
  {
    collection: 'restoreJobs',
    key: 'restoreJobs',
    noun: 'restore job',
    query: '',
    schema: RestoreJobSchema,
    validate: precompiledValidator(precompiled.fixtureRestoreJob),
  },
];
const validateCluster = precompiledValidator(precompiled.fixtureCluster);

/** What the fixture schema knows of a value: links, fields it does not know and nulls (a field not set) left out. */
function fitted(schema: SchemaNode, value: unknown): unknown {
  if (Array.isArray(value)) return schema.items ? value.map((element) => fitted(schema.items!, element)) : value;
  if (value === null || typeof value !== 'object' || !schema.properties) return value;
  const properties = schema.properties;
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, member]) =>
      Object.hasOwn(properties, key) && member !== null ? [[key, fitted(properties[key]!, member)]] : [],
    ),
  );
}

/**
 * A cluster's type and shard count, which the Legacy Backup API does not state: read off the
 * parts of its checkpoints and snapshots (a config server: sharded; one replica set a shard)
 * and the size of its restore batches (a job per shard and one for the config server).
 */
class Topology {
  private sharded = false;
  private shards = 1;
  private batch: { id: unknown; jobs: number } = { id: undefined, jobs: 0 };

  see(item: Item): void {
    if (Array.isArray(item.parts)) {
      const types = item.parts.map((part) => String((part as Item).typeName));
      if (types.some((type) => type.startsWith('CONFIG_SERVER') || type === 'CONFIG_SHARD_REPLICA_SET')) this.sharded = true;
      this.shards = Math.max(this.shards, types.filter((type) => type === 'REPLICA_SET' || type === 'CONFIG_SHARD_REPLICA_SET').length);
    }
    if (item.batchId !== undefined) {
      this.sharded = true;
      this.batch = item.batchId === this.batch.id ? { id: item.batchId, jobs: this.batch.jobs + 1 } : { id: item.batchId, jobs: 1 };
      this.shards = Math.max(this.shards, this.batch.jobs - 1);
    }
  }

  get fields(): { type: 'SHARDED' | 'REPLICASET'; shards: number } {
    return this.sharded ? { type: 'SHARDED', shards: Math.min(this.shards, 100) } : { type: 'REPLICASET', shards: 1 };
  }
}

/** A list page's parts, or a RecordError when the answer is not one. */
function pageOf(body: Item, shown: string): { results: Item[]; totalCount: number } {
  const { results, totalCount } = body;
  if (
    !Array.isArray(results) ||
    typeof totalCount !== 'number' ||
    !results.every((r) => typeof r === 'object' && r !== null && typeof (r as Item).id === 'string')
  ) {
    throw new RecordError(`the source's answer to ${shown} is not a list page (links, results with ids, totalCount)`);
  }
  return { results: results as Item[], totalCount };
}

class Recording {
  private readonly client: SourceClient;
  private readonly anonymizer: Anonymizer | undefined;
  private readonly progress: RecordProgress;

  constructor(
    private readonly settings: RecordSettings,
    credentials: SourceCredentials,
    private readonly file: AtomicFile,
    private readonly io: Required<Omit<RecordIo, 'signal' | 'progress'>> & Pick<RecordIo, 'signal' | 'progress'>,
  ) {
    const clientIo: ClientIo = { fetch: io.fetch, now: io.now, sleep: io.sleep, signal: io.signal };
    this.client = new SourceClient(
      settings.source,
      settings.group,
      settings.api,
      credentials,
      new Pacer(settings.rate, clientIo),
      clientIo,
    );
    this.anonymizer = settings.anonymize ? new Anonymizer(settings.seed, () => randomBytes(32), new Set(settings.clusters)) : undefined;
    // A schedule and at least one page of each list per cluster.
    this.progress = { pagesRead: 0, pagesKnown: settings.clusters.length * (1 + LISTS.length) };
  }

  private advance(pagesRead: number, morePagesKnown = 0): void {
    this.progress.pagesRead += pagesRead;
    this.progress.pagesKnown += morePagesKnown;
    this.io.progress?.({ ...this.progress });
  }

  private description(): string {
    const { source, group, clusters, api, anonymize } = this.settings;
    const when = new Date(this.io.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const what = anonymize
      ? `${clusters.length} cluster${clusters.length === 1 ? '' : 's'}, anonymized`
      : `project ${group} (${clusters.join(', ')}) of ${source}`;
    return `Recorded by atlas-backup-emulator ${VERSION} record at ${when} through the ${api} API: ${what}.`;
  }

  async run(): Promise<RecordSummary> {
    const { group, clusters } = this.settings;
    // Every cluster's schedule first: a wrong name, or a cluster on Cloud Backup, ends the recording before the long part.
    const schedules: { name: string; clusterId: string; schedule: Item }[] = [];
    for (const name of clusters) {
      const body = await this.client.get(`/clusters/${encodeURIComponent(name)}/snapshotSchedule`, { cluster: name });
      if (typeof body.clusterId !== 'string' || !HEX24.test(body.clusterId))
        throw new RecordError(`the source's snapshot schedule of cluster ${name} has no clusterId`);
      const schedule = Object.fromEntries(
        SCHEDULE_FIELDS.filter((field) => body[field] !== undefined && body[field] !== null).map((field) => [field, body[field]]),
      );
      schedules.push({ name, clusterId: body.clusterId, schedule });
      this.advance(1);
    }
    const q = JSON.stringify;
    const a = this.anonymizer;
    this.file.write(
      `{"$schema":${q(FIXTURE_SCHEMA_REF)},"description":${q(this.description())},"projects":[{"id":${q(a ? a.id(group) : group)},"clusters":[`,
    );
    const recorded: RecordedCluster[] = [];
    for (const [i, { name, clusterId, schedule }] of schedules.entries()) {
      const header = { name: a ? a.name(name) : name, clusterId: a ? a.id(clusterId) : clusterId, backup: 'LEGACY', live: false, schedule };
      if (!validateCluster(structuredClone(header))) throw this.misfit(`snapshot schedule of cluster ${name}`, validateCluster);
      this.file.write(`${i === 0 ? '' : ','}\n${q(header).slice(0, -1)}`);
      const topology = new Topology();
      const counts: RecordedCluster = { name, checkpoints: 0, snapshots: 0, restoreJobs: 0 };
      for (const list of LISTS) {
        this.file.write(`,${q(list.key)}:[`);
        counts[list.key] = await this.list(name, list, topology);
        this.file.write(']');
      }
      const tail = topology.fields;
      this.file.write(`,"type":${q(tail.type)},"shards":${tail.shards}}`);
      recorded.push(counts);
    }
    this.file.write('\n]}]}\n');
    return { out: this.settings.out, clusters: recorded, requests: this.client.requests };
  }

  private misfit(what: string, validate: ValidateFunction): RecordError {
    const { path, problem } = describeErrors(validate.errors!);
    return new RecordError(`the source's ${what} does not fit the fixture schema: ${jsonPath(path)} ${problem}`);
  }

  /** Every item of one list, written as it comes; read again from the start when it changed meanwhile. */
  private async list(cluster: string, list: ListKind, topology: Topology): Promise<number> {
    for (let read = 1; ; read++) {
      const start = this.file.position();
      const count = await this.pages(cluster, list, topology);
      if (count !== undefined) return count;
      if (read === MAX_LIST_READS)
        throw new RecordError(
          `the ${list.noun}s of cluster ${cluster} kept changing while they were read (${MAX_LIST_READS} times): try again`,
        );
      this.file.rewind(start);
      // Its first page once more.
      this.advance(0, 1);
    }
  }

  /**
   * One read of a list, page by page: the number of items, or undefined when the list changed
   * while it was read (its total moved, an item came twice, its first item is another now).
   */
  private async pages(cluster: string, list: ListKind, topology: Topology): Promise<number | undefined> {
    const path = `/clusters/${encodeURIComponent(cluster)}/${list.collection}`;
    const place = { cluster };
    let first: { total: number; id: unknown } | undefined;
    let previous = new Set<unknown>();
    let count = 0;
    let pageNum = 1;
    for (; ; pageNum++) {
      const shown = `GET ${path}?${list.query}pageNum=${pageNum}`;
      const { results, totalCount } = pageOf(
        await this.client.get(`${path}?${list.query}pageNum=${pageNum}&itemsPerPage=${PAGE_SIZE}`, place),
        shown,
      );
      if (first === undefined) {
        first = { total: totalCount, id: results[0]?.id };
        this.advance(1, Math.max(0, Math.ceil(totalCount / PAGE_SIZE) - 1));
      } else {
        if (totalCount !== first.total) return undefined;
        this.advance(1);
      }
      const ids = new Set(results.map((item) => item.id));
      if (ids.size !== results.length || results.some((item) => previous.has(item.id))) return undefined;
      for (const item of results) this.write(cluster, list, item, count++ === 0, topology);
      if (results.length < PAGE_SIZE || count >= first.total) break;
      previous = ids;
    }
    if (count !== first.total) return undefined;
    if (pageNum > 1) {
      // Nothing left the front of the list while its later pages were read.
      const again = pageOf(await this.client.get(`${path}?${list.query}pageNum=1&itemsPerPage=1`, place), `GET ${path}`);
      if (again.totalCount !== first.total || again.results[0]?.id !== first.id) return undefined;
    }
    return count;
  }

  private write(cluster: string, list: ListKind, item: Item, first: boolean, topology: Topology): void {
    const known = fitted(list.schema, item) as Item;
    const shown = this.anonymizer ? this.anonymizer.item(known) : known;
    const text = JSON.stringify(shown);
    if (!list.validate(shown)) throw this.misfit(`${list.noun} ${String(item.id)} of cluster ${cluster}`, list.validate);
    topology.see(shown);
    this.file.write(`${first ? '' : ','}\n${text}`);
  }
}

/**
 * Records the settings' clusters into their `out` file (replaced only once the recording is
 * complete). Throws a RecordError of one line for what ends it; the previous file is then
 * left as it was.
 */
export async function recordWith(settings: RecordSettings, credentials: SourceCredentials, io: RecordIo = {}): Promise<RecordSummary> {
  const signal = io.signal;
  const world = {
    fetch: io.fetch ?? fetch,
    now: io.now ?? Date.now,
    sleep: io.sleep ?? ((ms: number) => sleep(ms, undefined, { signal })),
    signal,
    progress: io.progress,
  };
  const file = new AtomicFile(settings.out);
  try {
    const summary = await new Recording(settings, credentials, file, world).run();
    file.commit();
    return summary;
  } catch (err) {
    file.discard();
    if (signal?.aborted) throw new RecordError('interrupted: the previous file is left as it was');
    throw err;
  }
}

/**
 * Records a project's Legacy Backup state into a fixture document (the in-process form of
 * `atlas-backup-emulator record`). Bad options are a ConfigError naming the option; what ends
 * the recording is a RecordError of one line.
 */
export async function record(options: RecordOptions, io: RecordIo = {}): Promise<RecordSummary> {
  const { settings, credentials } = resolveRecordOptions([options]);
  return recordWith(settings, credentials, io);
}
