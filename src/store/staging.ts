import type Database from 'better-sqlite3';
import type { Schedule } from '../model/backup-schemas.js';
import type { CredentialStore } from './credential-store.js';

// A fixture document on its way into the store. The loader stages each part as it is read
// (the document may be far larger than memory: the staging tables are SQLite TEMP tables,
// kept on disk), then asks for every problem no schema can see (duplicates, mismatched ids),
// then applies it, all inside the store's one write transaction. Parts are keyed by their
// place in the document (pi: project index, ci: cluster index, k: checkpoint index), so they
// may arrive in any order: a cluster's checkpoints before its name, for instance.

export interface StagedProject {
  id: string;
  name: string;
}
export interface StagedCluster {
  name: string;
  clusterId: string;
  type: 'SHARDED' | 'REPLICASET';
  shards: number;
  backup: 'LEGACY' | 'CLOUD';
  generateCount: number;
  /** Minutes between generated checkpoints (null when none are generated). */
  intervalMinutes: number | null;
  generateSnapshots: number;
  schedule: Required<Schedule>;
  live: boolean;
  /** When its timeline starts, as the document says (null: when it is loaded). */
  liveFrom: number | null;
}
export interface StagedCheckpoint {
  id: string;
  /** Its timestamp, epoch ms: with the id, its place in the cluster. */
  ts: number;
  completed: string | undefined;
  /** As given in the document (the loader checks them against the cluster's and project's). */
  clusterId: string | undefined;
  groupId: string | undefined;
  /** JSON of the checkpoint from `id` on, in Atlas's field order: {"id":...,"parts":...,...,"timestamp":...}. */
  rest: string;
}
/** A listed snapshot or restore job: its time, its ids as given, and its JSON without them. */
export interface StagedItem {
  id: string;
  ts: number;
  clusterId: string | undefined;
  groupId: string | undefined;
  /** The item as JSON, without clusterId, clusterName and groupId. */
  rest: string;
}

export interface StagedCredential {
  kind: 'apiKey' | 'serviceAccount';
  id: string;
  secret: string;
  projects: string;
  accessList: string | null;
}

/** A checkpoint row as the store keeps it. */
export interface CheckpointRow {
  id: string;
  ts: number;
  /** The checkpoint as JSON, without links. */
  body: string;
}

/** A cluster as applied, for the generator of its checkpoints and what follows them. */
export interface AppliedCluster extends StagedCluster {
  pi: number;
  ci: number;
  rowid: number;
  projectId: string;
  /** The timestamp of its last checkpoint, if it has any. */
  lastTs: number | undefined;
}

export type StagedKind = 'snapshots' | 'restoreJobs';

/** Where a problem is: a project, a cluster, an item of one of its lists (checkpoints by default), a credential. */
export type Place = {
  pi: number;
  ci?: number;
  k?: number;
  list?: 'checkpoints' | StagedKind;
  field?: string;
  kind?: StagedCredential['kind'];
  i?: number;
};
export interface StagingProblem {
  place: Place;
  problem: string;
  /** The value found there, when the problem does not name it. */
  found?: string;
}

const INSERT_BATCH = 64;

/** A listed item whose clusterId or groupId (when given) is not its cluster's or project's: both as found and as expected. */
interface ForeignIds {
  pi: number;
  ci: number;
  k: number;
  clusterId: string;
  foundClusterId: string | null;
  groupId: string;
  foundGroupId: string | null;
}
const FOREIGN_IDS =
  'l.pi, l.ci, l.k, c.cluster_id AS clusterId, l.cluster_id AS foundClusterId, p.id AS groupId, l.group_id AS foundGroupId';

/** What applying a document does that is not the store's to decide: data generation and the Legacy Backup state. */
export interface ApplySteps {
  /** A cluster's generated checkpoints. */
  generate(cluster: AppliedCluster): Iterable<CheckpointRow>;
  /** Writes a cluster's schedule, snapshots and restore jobs; returns when its live timeline starts (null: not live). */
  backup(cluster: AppliedCluster): number | null;
}

// The stored body: the staged fields put back in Atlas's order (clusterId, completed, groupId,
// then `rest`). Ids and dates need no escaping, so json_quote writes them as JSON.stringify does.
const BODY = `'{"clusterId":' || json_quote(:clusterId) ||
  CASE WHEN completed IS NULL THEN '' ELSE ',"completed":' || json_quote(completed) END ||
  ',"groupId":' || json_quote(:groupId) || ',' || substr(rest, 2)`;

/** The problems of an item with foreign ids: one for each of its two ids that is wrong. */
function foreignIds(row: ForeignIds, list: Place['list'], report: (problem: StagingProblem) => void): void {
  const { pi, ci, k } = row;
  if (row.foundClusterId !== null && row.foundClusterId !== row.clusterId) {
    const problem = `must be the cluster's clusterId ${row.clusterId} when given`;
    report({ place: { pi, ci, k, list, field: 'clusterId' }, problem, found: row.foundClusterId });
  }
  if (row.foundGroupId !== null && row.foundGroupId !== row.groupId) {
    const problem = `must be the project's id ${row.groupId} when given`;
    report({ place: { pi, ci, k, list, field: 'groupId' }, problem, found: row.foundGroupId });
  }
}

export class Staging {
  private readonly sql;

  constructor(
    db: Database.Database,
    private readonly credentials: CredentialStore,
  ) {
    db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS load_projects (pi INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL);
      CREATE TEMP TABLE IF NOT EXISTS load_clusters (
        pi INTEGER NOT NULL, ci INTEGER NOT NULL, name TEXT NOT NULL, cluster_id TEXT NOT NULL, type TEXT NOT NULL,
        shards INTEGER NOT NULL, backup TEXT NOT NULL, generate_count INTEGER NOT NULL, interval_minutes INTEGER,
        generate_snapshots INTEGER NOT NULL, schedule TEXT NOT NULL, live INTEGER NOT NULL, live_from INTEGER,
        PRIMARY KEY (pi, ci));
      -- Listed snapshots and restore jobs (kind), by their place in the document.
      CREATE TEMP TABLE IF NOT EXISTS load_items (
        kind TEXT NOT NULL, pi INTEGER NOT NULL, ci INTEGER NOT NULL, k INTEGER NOT NULL, id TEXT NOT NULL, ts INTEGER NOT NULL,
        cluster_id TEXT, group_id TEXT, rest TEXT NOT NULL,
        PRIMARY KEY (kind, pi, ci, k)) WITHOUT ROWID;
      -- k < 0: a checkpoint already stored, moved here to be renumbered with the new ones (body set).
      CREATE TEMP TABLE IF NOT EXISTS load_checkpoints (
        pi INTEGER NOT NULL, ci INTEGER NOT NULL, k INTEGER NOT NULL, id TEXT NOT NULL, ts INTEGER NOT NULL,
        completed TEXT, cluster_id TEXT, group_id TEXT, rest TEXT, body TEXT,
        PRIMARY KEY (pi, ci, k)) WITHOUT ROWID;
      CREATE TEMP TABLE IF NOT EXISTS load_credentials (
        kind TEXT NOT NULL, i INTEGER NOT NULL, id TEXT NOT NULL, secret TEXT NOT NULL, projects TEXT NOT NULL, access_list TEXT,
        PRIMARY KEY (kind, i));
    `);
    this.sql = {
      clear: () =>
        db.exec(
          'DELETE FROM load_projects; DELETE FROM load_clusters; DELETE FROM load_checkpoints; DELETE FROM load_items; DELETE FROM load_credentials;',
        ),
      project: db.prepare('INSERT INTO load_projects (pi, id, name) VALUES (?, ?, ?)'),
      cluster: db.prepare(
        `INSERT INTO load_clusters (pi, ci, name, cluster_id, type, shards, backup, generate_count, interval_minutes, generate_snapshots, schedule, live, live_from)
         VALUES (:pi, :ci, :name, :clusterId, :type, :shards, :backup, :generateCount, :intervalMinutes, :generateSnapshots, :schedule, :live, :liveFrom)`,
      ),
      item: db.prepare(
        `INSERT INTO load_items (kind, pi, ci, k, id, ts, cluster_id, group_id, rest) VALUES (:kind, :pi, :ci, :k, :id, :ts, :clusterId, :groupId, :rest)`,
      ),
      items: db.prepare<[string, number, number], StagedItem>(
        'SELECT id, ts, cluster_id AS clusterId, group_id AS groupId, rest FROM load_items WHERE kind = ? AND pi = ? AND ci = ? ORDER BY ts, id',
      ),
      duplicateItem: db.prepare<[], { kind: StagedKind; pi: number; ci: number; k: number; id: string }>(
        `SELECT kind, pi, ci, k, id FROM load_items a
          WHERE EXISTS (SELECT 1 FROM load_items b WHERE b.kind = a.kind AND b.pi = a.pi AND b.ci = a.ci AND b.id = a.id AND b.k < a.k)
          ORDER BY kind, pi, ci, k`,
      ),
      foreignItemIds: db.prepare<[], ForeignIds & { kind: StagedKind }>(
        `SELECT l.kind, ${FOREIGN_IDS} FROM load_items l JOIN load_clusters c ON c.pi = l.pi AND c.ci = l.ci JOIN load_projects p ON p.pi = l.pi
          WHERE l.cluster_id <> c.cluster_id OR l.group_id <> p.id ORDER BY l.kind, l.pi, l.ci, l.k`,
      ),
      checkpoint: db.prepare(
        `INSERT INTO load_checkpoints (pi, ci, k, id, ts, completed, cluster_id, group_id, rest)
         VALUES (:pi, :ci, :k, :id, :ts, :completed, :clusterId, :groupId, :rest)`,
      ),
      credential: db.prepare(
        'INSERT INTO load_credentials (kind, i, id, secret, projects, access_list) VALUES (:kind, :i, :id, :secret, :projects, :accessList)',
      ),
      // The second of two projects with one id, clusters with one name, credentials with one id.
      duplicateProject: db.prepare<[], { pi: number; id: string }>(
        'SELECT pi, id FROM load_projects a WHERE EXISTS (SELECT 1 FROM load_projects b WHERE b.id = a.id AND b.pi < a.pi) ORDER BY pi',
      ),
      duplicateCluster: db.prepare<[], { pi: number; ci: number; name: string }>(
        `SELECT pi, ci, name FROM load_clusters a
          WHERE EXISTS (SELECT 1 FROM load_clusters b WHERE b.pi = a.pi AND b.name = a.name AND b.ci < a.ci) ORDER BY pi, ci`,
      ),
      duplicateCredential: db.prepare<[], { kind: StagedCredential['kind']; i: number; id: string }>(
        `SELECT kind, i, id FROM load_credentials a
          WHERE EXISTS (SELECT 1 FROM load_credentials b WHERE b.kind = a.kind AND b.id = a.id AND b.i < a.i) ORDER BY kind, i`,
      ),
      // Every listed checkpoint after the first of its id in its cluster (by sorting, not a search per checkpoint).
      duplicateCheckpoints: db.prepare<[], { pi: number; ci: number; k: number; id: string }>(
        `SELECT pi, ci, k, id FROM (
           SELECT pi, ci, k, id, row_number() OVER (PARTITION BY pi, ci, id ORDER BY k) AS n FROM load_checkpoints WHERE k >= 0)
          WHERE n > 1 ORDER BY pi, ci, k`,
      ),
      cloudWithCheckpoints: db.prepare<[], { pi: number; ci: number }>(
        `SELECT pi, ci FROM load_clusters c WHERE backup = 'CLOUD'
            AND (generate_count > 0 OR generate_snapshots > 0 OR live = 1 OR EXISTS (SELECT 1 FROM load_checkpoints l WHERE l.pi = c.pi AND l.ci = c.ci)
                 OR EXISTS (SELECT 1 FROM load_items l WHERE l.pi = c.pi AND l.ci = c.ci)) ORDER BY pi, ci`,
      ),
      foreignIds: db.prepare<[], ForeignIds>(
        `SELECT ${FOREIGN_IDS} FROM load_checkpoints l JOIN load_clusters c ON c.pi = l.pi AND c.ci = l.ci JOIN load_projects p ON p.pi = l.pi
          WHERE l.cluster_id <> c.cluster_id OR l.group_id <> p.id ORDER BY l.pi, l.ci, l.k`,
      ),
      projects: db.prepare<[], StagedProject & { pi: number }>('SELECT pi, id, name FROM load_projects ORDER BY pi'),
      clusters: db.prepare<
        [],
        Omit<StagedCluster, 'schedule' | 'live'> & { pi: number; ci: number; projectId: string; schedule: string; live: number }
      >(
        `SELECT c.pi, c.ci, p.id AS projectId, c.name, c.cluster_id AS clusterId, c.type, c.shards, c.backup,
                c.generate_count AS generateCount, c.interval_minutes AS intervalMinutes, c.generate_snapshots AS generateSnapshots,
                c.schedule, c.live, c.live_from AS liveFrom
           FROM load_clusters c JOIN load_projects p ON p.pi = c.pi ORDER BY c.pi, c.ci`,
      ),
      setLive: db.prepare('UPDATE clusters SET live = ?, live_from = ? WHERE rowid = ?'),
      stagedCount: db.prepare<[number, number], { n: number }>('SELECT count(*) AS n FROM load_checkpoints WHERE pi = ? AND ci = ?'),
      firstStaged: db.prepare<[number, number], { ts: number; id: string }>(
        'SELECT ts, id FROM load_checkpoints WHERE pi = ? AND ci = ? ORDER BY ts, id LIMIT 1',
      ),
      overlaps: db.prepare<[number, number, number], { one: number }>(
        `SELECT 1 AS one FROM load_checkpoints l WHERE l.pi = ? AND l.ci = ?
            AND EXISTS (SELECT 1 FROM checkpoints c WHERE c.cluster = ? AND c.id = l.id) LIMIT 1`,
      ),
      // Stored checkpoints not re-listed by the document join the staged ones, to be renumbered.
      takeStored: db.prepare(
        `INSERT INTO load_checkpoints (pi, ci, k, id, ts, body)
         SELECT :pi, :ci, -1 - ord, id, ts, body FROM checkpoints
          WHERE cluster = :cluster AND id NOT IN (SELECT id FROM load_checkpoints WHERE pi = :pi AND ci = :ci)`,
      ),
      insertStaged: db.prepare(
        `INSERT INTO checkpoints (cluster, ord, id, ts, body)
         SELECT :cluster, :from + row_number() OVER (ORDER BY ts, id) - 1, id, ts, coalesce(body, ${BODY})
           FROM load_checkpoints WHERE pi = :pi AND ci = :ci ORDER BY ts, id`,
      ),
      upsertProject: db.prepare('INSERT INTO projects (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name'),
      upsertCluster: db.prepare<[string, string, string, string, number, string], { rowid: number; checkpointCount: number }>(
        `INSERT INTO clusters (project_id, name, cluster_id, type, shards, backup) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (project_id, name) DO UPDATE SET cluster_id = excluded.cluster_id, type = excluded.type,
           shards = excluded.shards, backup = excluded.backup
         RETURNING rowid, checkpoint_count AS checkpointCount`,
      ),
      last: db.prepare<[number], { id: string; ts: number }>('SELECT id, ts FROM checkpoints WHERE cluster = ? ORDER BY ord DESC LIMIT 1'),
      deleteCheckpoints: db.prepare('DELETE FROM checkpoints WHERE cluster = ?'),
      setCount: db.prepare('UPDATE clusters SET checkpoint_count = ? WHERE rowid = ?'),
      insert: db.prepare('INSERT INTO checkpoints (cluster, ord, id, ts, body) VALUES (?, ?, ?, ?, ?)'),
      insertBatch: db.prepare(
        `INSERT INTO checkpoints (cluster, ord, id, ts, body) VALUES ${'(?, ?, ?, ?, ?), '.repeat(INSERT_BATCH - 1)}(?, ?, ?, ?, ?)`,
      ),
      credentials: db.prepare<[], StagedCredential>(
        'SELECT kind, id, secret, projects, access_list AS accessList FROM load_credentials ORDER BY kind, i',
      ),
    };
  }

  clear(): void {
    this.sql.clear();
  }

  project(pi: number, project: StagedProject): void {
    this.sql.project.run(pi, project.id, project.name);
  }

  cluster(pi: number, ci: number, cluster: StagedCluster): void {
    this.sql.cluster.run({ pi, ci, ...cluster, schedule: JSON.stringify(cluster.schedule), live: cluster.live ? 1 : 0 });
  }

  /** A listed snapshot or restore job. */
  item(kind: StagedKind, pi: number, ci: number, k: number, item: StagedItem): void {
    this.sql.item.run({ kind, pi, ci, k, ...item });
  }

  /** A cluster's listed snapshots or restore jobs, by time then id. */
  items(kind: StagedKind, cluster: AppliedCluster): StagedItem[] {
    return this.sql.items.all(kind, cluster.pi, cluster.ci);
  }

  checkpoint(pi: number, ci: number, k: number, checkpoint: StagedCheckpoint): void {
    this.sql.checkpoint.run({ pi, ci, k, ...checkpoint });
  }

  credential(i: number, credential: StagedCredential): void {
    this.sql.credential.run({ i, ...credential });
  }

  /** Reports every problem of the staged document that no schema can see. */
  problems(report: (problem: StagingProblem) => void): void {
    for (const project of this.sql.duplicateProject.iterate())
      report({ place: { pi: project.pi, field: 'id' }, problem: `duplicates project ${project.id}` });
    for (const cluster of this.sql.duplicateCluster.iterate())
      report({ place: { pi: cluster.pi, ci: cluster.ci, field: 'name' }, problem: `duplicates cluster ${cluster.name}` });
    for (const cloud of this.sql.cloudWithCheckpoints.iterate())
      report({ place: { pi: cloud.pi, ci: cloud.ci }, problem: 'a cluster on Cloud Backup (backup: CLOUD) has no checkpoints' });
    for (const row of this.sql.foreignIds.iterate()) foreignIds(row, 'checkpoints', report);
    for (const item of this.sql.duplicateItem.iterate())
      report({ place: { pi: item.pi, ci: item.ci, k: item.k, list: item.kind, field: 'id' }, problem: `duplicates ${item.id}` });
    for (const row of this.sql.foreignItemIds.iterate()) foreignIds(row, row.kind, report);
    for (const credential of this.sql.duplicateCredential.iterate())
      report({ place: { pi: -1, kind: credential.kind, i: credential.i }, problem: `duplicates ${credential.id}` });
  }

  /** Reports every listed checkpoint of a cluster whose id an earlier one has (looked for when the store refuses a duplicate, or the document has other problems). */
  duplicateCheckpoints(report: (problem: StagingProblem) => void): void {
    for (const found of this.sql.duplicateCheckpoints.iterate())
      report({ place: { pi: found.pi, ci: found.ci, k: found.k, field: 'id' }, problem: `duplicates checkpoint ${found.id}` });
  }

  /**
   * Writes the staged document into the store (inside the caller's transaction): projects and
   * clusters upserted, listed checkpoints merged into their cluster's (a listed id replaces a
   * stored one), then each cluster's generated checkpoints appended.
   */
  apply(steps: ApplySteps): void {
    for (const project of this.sql.projects.all()) this.sql.upsertProject.run(project.id, project.name);
    for (const staged of this.sql.clusters.all()) {
      const { rowid, checkpointCount } = this.sql.upsertCluster.get(
        staged.projectId,
        staged.name,
        staged.clusterId,
        staged.type,
        staged.shards,
        staged.backup,
      )!;
      let count = 0;
      if (staged.backup === 'LEGACY') {
        count = this.mergeListed(rowid, checkpointCount, staged.pi, staged.ci, staged.clusterId, staged.projectId);
        if (staged.generateCount > 0) {
          const lastTs = count > 0 ? this.sql.last.get(rowid)!.ts : undefined;
          count = this.append(
            rowid,
            count,
            steps.generate({ ...staged, schedule: JSON.parse(staged.schedule), live: staged.live === 1, rowid, lastTs }),
          );
        }
      } else {
        this.sql.deleteCheckpoints.run(rowid);
      }
      this.sql.setCount.run(count, rowid);
      const lastTs = count > 0 ? this.sql.last.get(rowid)!.ts : undefined;
      const cluster: AppliedCluster = { ...staged, schedule: JSON.parse(staged.schedule), live: staged.live === 1, rowid, lastTs };
      const liveFrom = steps.backup(cluster);
      this.sql.setLive.run(cluster.live ? 1 : 0, liveFrom, rowid);
    }
    this.credentials.upsert(this.sql.credentials.all());
  }

  /** Puts a cluster's listed checkpoints among its stored ones; returns the cluster's count. */
  private mergeListed(cluster: number, stored: number, pi: number, ci: number, clusterId: string, groupId: string): number {
    const listed = this.sql.stagedCount.get(pi, ci)!.n;
    if (listed === 0) return stored;
    const last = stored > 0 ? this.sql.last.get(cluster) : undefined;
    const first = this.sql.firstStaged.get(pi, ci)!;
    const after = !last || first.ts > last.ts || (first.ts === last.ts && first.id > last.id);
    const params = { cluster, pi, ci, clusterId, groupId };
    if (after && !this.sql.overlaps.get(pi, ci, cluster)) {
      // The common case: the new checkpoints all come after the stored ones.
      this.sql.insertStaged.run({ ...params, from: stored });
      return stored + listed;
    }
    // They fall among the stored ones (or replace some): renumber the cluster.
    const moved = this.sql.takeStored.run({ cluster, pi, ci }).changes;
    this.sql.deleteCheckpoints.run(cluster);
    this.sql.insertStaged.run({ ...params, from: 0 });
    return listed + moved;
  }

  /** Stores rows at positions `from`, `from + 1`, ... of a cluster; returns the next position. */
  private append(cluster: number, from: number, rows: Iterable<CheckpointRow>): number {
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
