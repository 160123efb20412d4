import type Database from 'better-sqlite3';
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
}
export interface StoreCounts {
  projects: number;
  clusters: number;
  checkpoints: number;
}
export type LoadMode = 'merge' | 'replace';

/** Checkpoints per export chunk: a chunk is one statement, so writes can run between chunks. */
const EXPORT_CHUNK = 1000;

const CLUSTER_COLUMNS = `rowid, project_id AS projectId, name, cluster_id AS clusterId, type, shards, backup, checkpoint_count AS checkpointCount`;

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
  /** Where a fixture load puts a document before checking and applying it. */
  readonly staging: Staging;

  constructor(readonly db: Database.Database) {
    this.credentials = new CredentialStore(db);
    this.staging = new Staging(db, this.credentials);
    this.sql = {
      project: db.prepare<[string], ProjectRecord>('SELECT id, name FROM projects WHERE id = ?'),
      cluster: db.prepare<[string, string], ClusterRecord>(`SELECT ${CLUSTER_COLUMNS} FROM clusters WHERE project_id = ? AND name = ?`),
      page: db.prepare<[number, number, number], { body: string }>('SELECT body FROM checkpoints WHERE cluster = ? AND ord >= ? AND ord < ? ORDER BY ord'),
      checkpoint: db.prepare<[number, string], { body: string }>('SELECT body FROM checkpoints WHERE cluster = ? AND id = ?'),
      deleteCluster: db.prepare('DELETE FROM clusters WHERE project_id = ? AND name = ?'),
      deleteProject: db.prepare('DELETE FROM projects WHERE id = ?'),
      projects: db.prepare<[], ProjectRecord>('SELECT id, name FROM projects ORDER BY id'),
      clustersOf: db.prepare<[string], ClusterRecord>(`SELECT ${CLUSTER_COLUMNS} FROM clusters WHERE project_id = ? ORDER BY name`),
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
    return this.sql.cluster.get(projectId, name);
  }

  projects(): ProjectRecord[] {
    return this.sql.projects.all();
  }

  clustersOf(projectId: string): ClusterRecord[] {
    return this.sql.clustersOf.all(projectId);
  }

  /** Checkpoint bodies (JSON, without links) at positions [offset, offset + limit). */
  page(cluster: ClusterRecord, offset: number, limit: number): string[] {
    return this.sql.page.all(cluster.rowid, offset, offset + limit).map((row) => row.body);
  }

  checkpoint(cluster: ClusterRecord, id: string): string | undefined {
    return this.sql.checkpoint.get(cluster.rowid, id)?.body;
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
          this.db.exec('DELETE FROM checkpoints; DELETE FROM clusters; DELETE FROM projects;');
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

  /**
   * The whole state as one fixture document (every checkpoint listed), as JSON text in
   * chunks: the same text as JSON.stringify of the document, never all of it in memory.
   * Each chunk is read by its own statement; a consumer that lets writes happen between
   * chunks checks `generation` to know that the state it is exporting has not changed.
   */
  *exportChunks(): Generator<string> {
    const q = JSON.stringify;
    yield '{"projects":[';
    let firstProject = true;
    for (const project of this.projects()) {
      yield `${firstProject ? '' : ','}{"id":${q(project.id)},"name":${q(project.name)},"clusters":[`;
      firstProject = false;
      let firstCluster = true;
      for (const c of this.clustersOf(project.id)) {
        yield `${firstCluster ? '' : ','}{"name":${q(c.name)},"clusterId":${q(c.clusterId)},"type":${q(c.type)},"shards":${c.shards},"backup":${q(c.backup)},"checkpoints":[`;
        firstCluster = false;
        for (let ord = 0; ord < c.checkpointCount; ord += EXPORT_CHUNK) {
          yield (ord === 0 ? '' : ',') + this.page(c, ord, EXPORT_CHUNK).join(',');
        }
        yield ']}';
      }
      yield ']}';
    }
    yield ']';
    yield this.credentials.exportFields();
    yield '}';
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
