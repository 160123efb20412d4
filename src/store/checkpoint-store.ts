import type Database from 'better-sqlite3';
import { generateCheckpoints, REFERENCE_DATE } from '../seed/generate.js';
import type { Checkpoint, ClusterFixture, FixtureDocument } from '../seed/fixture-document.js';
import { CredentialStore } from './credential-store.js';

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

interface Row {
  id: string;
  ts: number;
  body: string;
}

const INSERT_BATCH = 64;

const byTimeThenId = (a: { ts: number; id: string }, b: { ts: number; id: string }) =>
  a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The emulator's state: projects, clusters and checkpoints in SQLite. Every statement is
 * prepared once here; nothing else sees SQL. `generation` moves on every write so that
 * caches of rendered pages know when they are stale.
 */
export class CheckpointStore {
  generation = 0;
  private readonly listeners = new Set<() => void>();
  private readonly sql;
  /** The credentials fixture documents declare, loaded and exported with the data. */
  readonly credentials: CredentialStore;

  constructor(
    readonly db: Database.Database,
    readonly seed: number,
  ) {
    this.credentials = new CredentialStore(db);
    this.sql = {
      project: db.prepare<[string], ProjectRecord>('SELECT id, name FROM projects WHERE id = ?'),
      cluster: db.prepare<[string, string], ClusterRecord>(
        `SELECT rowid, project_id AS projectId, name, cluster_id AS clusterId, type, shards, backup,
                checkpoint_count AS checkpointCount
           FROM clusters WHERE project_id = ? AND name = ?`,
      ),
      page: db.prepare<[number, number, number], { body: string }>(
        'SELECT body FROM checkpoints WHERE cluster = ? AND ord >= ? AND ord < ? ORDER BY ord',
      ),
      checkpoint: db.prepare<[number, string], { body: string }>('SELECT body FROM checkpoints WHERE cluster = ? AND id = ?'),
      hasId: db.prepare<[number, string], { one: number }>('SELECT 1 AS one FROM checkpoints WHERE cluster = ? AND id = ?'),
      last: db.prepare<[number], Row>('SELECT id, ts, body FROM checkpoints WHERE cluster = ? ORDER BY ord DESC LIMIT 1'),
      allRows: db.prepare<[number], Row>('SELECT id, ts, body FROM checkpoints WHERE cluster = ? ORDER BY ord'),
      upsertProject: db.prepare('INSERT INTO projects (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name'),
      upsertCluster: db.prepare<[string, string, string, string, number, string], { rowid: number; checkpointCount: number }>(
        `INSERT INTO clusters (project_id, name, cluster_id, type, shards, backup) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (project_id, name) DO UPDATE SET cluster_id = excluded.cluster_id, type = excluded.type,
           shards = excluded.shards, backup = excluded.backup
         RETURNING rowid, checkpoint_count AS checkpointCount`,
      ),
      setCount: db.prepare('UPDATE clusters SET checkpoint_count = ? WHERE rowid = ?'),
      insert: db.prepare('INSERT INTO checkpoints (cluster, ord, id, ts, body) VALUES (?, ?, ?, ?, ?)'),
      insertBatch: db.prepare(`INSERT INTO checkpoints (cluster, ord, id, ts, body) VALUES ${'(?, ?, ?, ?, ?), '.repeat(INSERT_BATCH - 1)}(?, ?, ?, ?, ?)`),
      deleteCheckpoints: db.prepare('DELETE FROM checkpoints WHERE cluster = ?'),
      deleteCluster: db.prepare('DELETE FROM clusters WHERE project_id = ? AND name = ?'),
      deleteProject: db.prepare('DELETE FROM projects WHERE id = ?'),
      projects: db.prepare<[], ProjectRecord>('SELECT id, name FROM projects ORDER BY id'),
      clustersOf: db.prepare<[string], ClusterRecord>(
        `SELECT rowid, project_id AS projectId, name, cluster_id AS clusterId, type, shards, backup,
                checkpoint_count AS checkpointCount
           FROM clusters WHERE project_id = ? ORDER BY name`,
      ),
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

  /** Loads fixture documents in one transaction: all of them or nothing. */
  load(documents: FixtureDocument[], mode: LoadMode = 'merge'): StoreCounts {
    // A replace empties the tables first: with foreign keys enforced SQLite deletes row by row
    // (a reset of a million checkpoints cost more than seeding them), without them it
    // truncates. A load needs no cascade and writes parents before children. The pragma cannot
    // change inside a transaction, so a load nested in one keeps the keys (and the slow path).
    const truncate = mode === 'replace' && !this.db.inTransaction;
    if (truncate) this.db.pragma('foreign_keys = OFF');
    try {
      this.write(() => {
        if (mode === 'replace') {
          this.db.exec('DELETE FROM checkpoints; DELETE FROM clusters; DELETE FROM projects;');
          this.credentials.clear();
        }
        for (const document of documents) {
          this.credentials.load(document);
          for (const project of document.projects) {
            this.sql.upsertProject.run(project.id, project.name);
            for (const cluster of project.clusters) this.loadCluster(project.id, cluster);
          }
        }
      });
    } finally {
      if (truncate) this.db.pragma('foreign_keys = ON');
    }
    return this.counts();
  }

  deleteProject(id: string): boolean {
    return this.write(() => this.sql.deleteProject.run(id).changes > 0);
  }

  deleteCluster(projectId: string, name: string): boolean {
    return this.write(() => this.sql.deleteCluster.run(projectId, name).changes > 0);
  }

  /** The whole state as one fixture document, every checkpoint listed explicitly. */
  exportDocument(): FixtureDocument {
    return {
      projects: this.sql.projects.all().map((project) => ({
        id: project.id,
        name: project.name,
        clusters: this.sql.clustersOf.all(project.id).map((c) => ({
          name: c.name,
          clusterId: c.clusterId,
          type: c.type,
          shards: c.shards,
          backup: c.backup,
          checkpoints: this.sql.allRows.all(c.rowid).map((row) => JSON.parse(row.body) as Checkpoint),
        })),
      })),
      ...this.credentials.exportFields(),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private write<T>(fn: () => T): T {
    const result = this.db.transaction(fn)();
    this.generation++;
    for (const listener of this.listeners) listener();
    return result;
  }

  private loadCluster(projectId: string, fixture: ClusterFixture): void {
    const { rowid, checkpointCount } = this.sql.upsertCluster.get(
      projectId,
      fixture.name,
      fixture.clusterId,
      fixture.type,
      fixture.shards,
      fixture.backup,
    )!;
    if (fixture.backup === 'CLOUD') {
      this.sql.deleteCheckpoints.run(rowid);
      this.sql.setCount.run(0, rowid);
      return;
    }
    const explicit: Row[] = fixture.checkpoints
      .map((c) => ({ id: c.id, ts: Date.parse(c.timestamp), body: JSON.stringify(c) }))
      .sort(byTimeThenId);
    let count = checkpointCount;
    const last = count > 0 ? this.sql.last.get(rowid) : undefined;
    const appends =
      !last || explicit.length === 0 || (byTimeThenId(explicit[0]!, last) > 0 && explicit.every((r) => !this.sql.hasId.get(rowid, r.id)));
    if (appends) {
      count = this.append(rowid, count, explicit);
    } else {
      // New checkpoints fall among existing ones (or replace some): renumber the cluster.
      const merged = new Map(this.sql.allRows.all(rowid).map((row) => [row.id, row]));
      for (const row of explicit) merged.set(row.id, row);
      this.sql.deleteCheckpoints.run(rowid);
      count = this.append(rowid, 0, [...merged.values()].sort(byTimeThenId));
    }
    if (fixture.generate && fixture.generate.count > 0) {
      const generated = generateCheckpoints({
        seed: this.seed,
        groupId: projectId,
        cluster: fixture,
        count: fixture.generate.count,
        intervalMinutes: fixture.generate.intervalMinutes,
        after: Math.max(count > 0 ? this.sql.last.get(rowid)!.ts : REFERENCE_DATE, REFERENCE_DATE),
      });
      count = this.append(rowid, count, generated);
    }
    this.sql.setCount.run(count, rowid);
  }

  /** Stores rows at positions `from`, `from + 1`, ... of a cluster; returns the next position. */
  private append(cluster: number, from: number, rows: Iterable<Row>): number {
    // Many rows per statement: seeding a million checkpoints is mostly the cost of insert calls.
    const values: (number | string)[] = [];
    let ord = from;
    for (const row of rows) {
      values.push(cluster, ord++, row.id, row.ts, row.body);
      if (values.length === INSERT_BATCH * 5) {
        this.sql.insertBatch.run(values);
        values.length = 0;
      }
    }
    for (let i = 0; i < values.length; i += 5) this.sql.insert.run(values.slice(i, i + 5));
    return ord;
  }
}
