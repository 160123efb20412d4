import type Database from 'better-sqlite3';
import { BackupStore } from './backup-store.js';
import { CredentialStore } from './credential-store.js';
import { Staging } from './staging.js';

export interface ProjectRecord {
  id: string;
  name: string;
}
export interface ClusterRecord {
  rowid: number;
  projectId: string;
  name: string;
  clusterId: string;
  type: 'SHARDED' | 'REPLICASET';
  shards: number;
  backup: 'LEGACY' | 'CLOUD';
  checkpointCount: number;
  /** Time passes in its data (its timeline starts at liveFrom). */
  live: boolean;
  liveFrom: number | null;
}
export interface StoreCounts {
  projects: number;
  clusters: number;
  checkpoints: number;
}
export type LoadMode = 'merge' | 'replace';
/** A stored checkpoint: its time (epoch ms, the body's timestamp) and its body (JSON, without links). */
export interface StoredCheckpoint {
  ts: number;
  body: string;
}

const CLUSTER_COLUMNS = `rowid, project_id AS projectId, name, cluster_id AS clusterId, type, shards, backup, checkpoint_count AS checkpointCount,
  live, live_from AS liveFrom`;
type RawCluster = Omit<ClusterRecord, 'live'> & { live: number };
const clusterRecord = (row: RawCluster): ClusterRecord => ({ ...row, live: row.live === 1 });

/**
 * The emulator's state in SQLite: projects, clusters, checkpoints and the credentials fixture
 * documents declare. Every statement is prepared once here; nothing else sees SQL. Writes go
 * through write(): one transaction each, after which `generation` moves on and listeners run
 * (caches of rendered pages drop what is stale).
 */
export class Store {
  generation = 0;
  private readonly listeners = new Set<() => void>();
  private readonly sql;
  readonly credentials: CredentialStore;
  /** Schedules, snapshots and restore jobs. */
  readonly backup: BackupStore;
  /** Where a fixture load puts a document before checking and applying it. */
  readonly staging: Staging;

  constructor(readonly db: Database.Database) {
    this.credentials = new CredentialStore(db);
    this.backup = new BackupStore(db);
    this.staging = new Staging(db, this.credentials);
    this.sql = {
      project: db.prepare<[string], ProjectRecord>('SELECT id, name FROM projects WHERE id = ?'),
      cluster: db.prepare<[string, string], RawCluster>(`SELECT ${CLUSTER_COLUMNS} FROM clusters WHERE project_id = ? AND name = ?`),
      tsAt: db.prepare<[number, number], { ts: number }>('SELECT ts FROM checkpoints WHERE cluster = ? AND ord = ?'),
      page: db.prepare<[number, number, number], { body: string }>(
        'SELECT body FROM checkpoints WHERE cluster = ? AND ord >= ? AND ord < ? ORDER BY ord',
      ),
      checkpoint: db.prepare<[number, string], StoredCheckpoint>('SELECT ts, body FROM checkpoints WHERE cluster = ? AND id = ?'),
      deleteCluster: db.prepare('DELETE FROM clusters WHERE project_id = ? AND name = ?'),
      deleteProject: db.prepare('DELETE FROM projects WHERE id = ?'),
      projects: db.prepare<[], ProjectRecord>('SELECT id, name FROM projects ORDER BY id'),
      clustersOf: db.prepare<[string], RawCluster>(`SELECT ${CLUSTER_COLUMNS} FROM clusters WHERE project_id = ? ORDER BY name`),
      counts: db.prepare<[], StoreCounts>(
        `SELECT (SELECT count(*) FROM projects) AS projects, (SELECT count(*) FROM clusters) AS clusters,
                (SELECT coalesce(sum(checkpoint_count), 0) FROM clusters) AS checkpoints`,
      ),
    };
  }

  project(id: string): ProjectRecord | undefined {
    return this.sql.project.get(id);
  }

  cluster(projectId: string, name: string): ClusterRecord | undefined {
    const row = this.sql.cluster.get(projectId, name);
    return row && clusterRecord(row);
  }

  projects(): ProjectRecord[] {
    return this.sql.projects.all();
  }

  clustersOf(projectId: string): ClusterRecord[] {
    return this.sql.clustersOf.all(projectId).map(clusterRecord);
  }

  /** The first position whose checkpoint is later than `ms` (the count when there is none): positions follow time. */
  firstCheckpointAfter(cluster: ClusterRecord, ms: number): number {
    let low = 0;
    let high = cluster.checkpointCount;
    // Often none is later (a static cluster's list at now): one lookup instead of a search.
    const last = this.checkpointTime(cluster, high - 1);
    if (last === undefined || last <= ms) return high;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.checkpointTime(cluster, mid)! > ms) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** The time of the checkpoint at `position` (undefined: there is none). */
  checkpointTime(cluster: ClusterRecord, position: number): number | undefined {
    return this.sql.tsAt.get(cluster.rowid, position)?.ts;
  }

  /** Checkpoint bodies (JSON, without links) at positions [offset, offset + limit). */
  page(cluster: ClusterRecord, offset: number, limit: number): string[] {
    return this.sql.page.all(cluster.rowid, offset, offset + limit).map((row) => row.body);
  }

  /** A stored checkpoint by id: its time (epoch ms) and body. */
  checkpoint(cluster: ClusterRecord, id: string): StoredCheckpoint | undefined {
    return this.sql.checkpoint.get(cluster.rowid, id);
  }

  counts(): StoreCounts {
    return this.sql.counts.get()!;
  }

  isEmpty(): boolean {
    return this.counts().projects === 0;
  }

  /** Runs `fn` after every committed write. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Runs `fn` in one transaction: all of it or nothing. With `replace`, the data and the
   * declared credentials are emptied first.
   */
  write<T>(fn: () => T, { replace = false } = {}): T {
    // With foreign keys enforced SQLite deletes row by row (a reset of a million checkpoints
    // cost more than seeding them); without them it truncates. The pragma cannot change inside
    // a transaction, so a replace nested in one keeps the keys (and the slow path).
    const truncate = replace && !this.db.inTransaction;
    if (truncate) this.db.pragma('foreign_keys = OFF');
    let result: T;
    try {
      result = this.db.transaction(() => {
        if (replace) {
          this.db.exec(
            'DELETE FROM checkpoints; DELETE FROM schedules; DELETE FROM snapshots; DELETE FROM restore_jobs; DELETE FROM clusters; DELETE FROM projects;',
          );
          this.credentials.clear();
        }
        return fn();
      })();
    } finally {
      if (truncate) this.db.pragma('foreign_keys = ON');
    }
    this.generation++;
    for (const listener of this.listeners) listener();
    return result;
  }

  deleteProject(id: string): boolean {
    return this.write(() => this.sql.deleteProject.run(id).changes > 0);
  }

  deleteCluster(projectId: string, name: string): boolean {
    return this.write(() => this.sql.deleteCluster.run(projectId, name).changes > 0);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
