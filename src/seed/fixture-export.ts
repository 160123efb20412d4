import type { Checkpoints } from '../backup/checkpoints.js';
import type { Snapshots } from '../backup/snapshots.js';
import { currentSchedule, segmentsOf } from '../backup/timeline.js';
import type { Store } from '../store/store.js';
import { isoSeconds } from './generate.js';

/** Checkpoints per export chunk: a chunk is one statement, so writes can run between chunks. */
const EXPORT_CHUNK = 1000;

export interface ExportContext {
  store: Store;
  checkpoints: Checkpoints;
  snapshots: Snapshots;
}

/**
 * The whole state at `now` as one fixture document, every item listed: JSON text in chunks,
 * the same text as JSON.stringify of the document, never all of it in memory. A live cluster
 * is written as what it shows now, and goes on from `now` when loaded again. Each chunk is
 * read by its own statements; a consumer that lets writes happen between chunks checks the
 * store's `generation` to know that the state it is exporting has not changed.
 */
export function* exportChunks({ store, checkpoints, snapshots }: ExportContext, now: number): Generator<string> {
  const q = JSON.stringify;
  yield '{"projects":[';
  let firstProject = true;
  for (const project of store.projects()) {
    yield `${firstProject ? '' : ','}{"id":${q(project.id)},"name":${q(project.name)},"clusters":[`;
    firstProject = false;
    let firstCluster = true;
    for (const c of store.clustersOf(project.id)) {
      const schedule = currentSchedule(segmentsOf(store.backup.schedules(c.rowid)));
      const live = c.live ? `,"live":true,"liveFrom":${q(isoSeconds(now))}` : ',"live":false';
      yield `${firstCluster ? '' : ','}{"name":${q(c.name)},"clusterId":${q(c.clusterId)},"type":${q(c.type)},"shards":${c.shards},"backup":${q(c.backup)}${live},"schedule":${q(schedule)},"checkpoints":[`;
      firstCluster = false;
      const listing = checkpoints.list(c, now);
      for (let offset = 0; offset < listing.total; offset += EXPORT_CHUNK) yield (offset === 0 ? '' : ',') + listing.page(offset, EXPORT_CHUNK).join(',');
      yield `],"snapshots":${q(snapshots.list(c, now).snapshots.map((s) => s.view(true)))},"restoreJobs":[`;
      for (let offset = 0, total = store.backup.restoreJobCount(c.rowid); offset < total; offset += EXPORT_CHUNK) {
        yield (offset === 0 ? '' : ',') + store.backup.restoreJobs(c.rowid, offset, EXPORT_CHUNK).map((row) => row.body).join(',');
      }
      yield ']}';
    }
    yield ']}';
  }
  yield ']';
  yield store.credentials.exportFields();
  yield '}';
}
