import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from 'node:fs';

// Schema versions are PRAGMA user_version values; each migration moves the file one step up.
export const SCHEMA_VERSION = 2;

const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE projects (
      id   TEXT PRIMARY KEY,
      name TEXT NOT NULL
    );
    CREATE TABLE clusters (
      rowid            INTEGER PRIMARY KEY,
      project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      name             TEXT NOT NULL,
      cluster_id       TEXT NOT NULL,
      type             TEXT NOT NULL,
      shards           INTEGER NOT NULL,
      backup           TEXT NOT NULL,
      checkpoint_count INTEGER NOT NULL DEFAULT 0,
      UNIQUE (project_id, name)
    );
    -- ord is the checkpoint's dense position in its cluster by (timestamp, id), so a page is a
    -- primary-key range scan whatever its number.
    CREATE TABLE checkpoints (
      cluster INTEGER NOT NULL REFERENCES clusters(rowid) ON DELETE CASCADE,
      ord     INTEGER NOT NULL,
      id      TEXT NOT NULL,
      ts      INTEGER NOT NULL,
      body    TEXT NOT NULL,
      PRIMARY KEY (cluster, ord)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX checkpoints_by_id ON checkpoints (cluster, id);
    -- Credentials declared by fixture documents (credential-store.ts). projects is JSON: "*"
    -- or an array of project ids; access_list is a JSON array of addresses/CIDRs, or NULL.
    CREATE TABLE api_keys (
      public_key  TEXT PRIMARY KEY,
      private_key TEXT NOT NULL,
      projects    TEXT NOT NULL,
      access_list TEXT
    ) WITHOUT ROWID;
    CREATE TABLE service_accounts (
      client_id     TEXT PRIMARY KEY,
      client_secret TEXT NOT NULL,
      projects      TEXT NOT NULL,
      access_list   TEXT
    ) WITHOUT ROWID;
  `,
  // The rest of the Legacy Backup API: the snapshot schedule (a history, so that a change
  // applies from its time on), snapshots, restore jobs, and live clusters.
  2: `
    ALTER TABLE clusters ADD COLUMN live INTEGER NOT NULL DEFAULT 0;
    -- When a live cluster's timeline starts (epoch ms).
    ALTER TABLE clusters ADD COLUMN live_from INTEGER;
    CREATE TABLE schedules (
      cluster                 INTEGER NOT NULL REFERENCES clusters(rowid) ON DELETE CASCADE,
      from_ms                 INTEGER NOT NULL,
      checkpoint_interval_min INTEGER NOT NULL,
      daily_days              INTEGER NOT NULL,
      monthly_months          INTEGER NOT NULL,
      window_hours            INTEGER NOT NULL,
      snapshot_interval_hours INTEGER NOT NULL,
      snapshot_retention_days INTEGER NOT NULL,
      weekly_weeks            INTEGER NOT NULL,
      PRIMARY KEY (cluster, from_ms)
    ) WITHOUT ROWID;
    -- A listed snapshot (body: its JSON without links, expires and doNotDelete), or, with no
    -- body, a change made to a snapshot a live cluster took (derived, not stored).
    CREATE TABLE snapshots (
      cluster       INTEGER NOT NULL REFERENCES clusters(rowid) ON DELETE CASCADE,
      id            TEXT NOT NULL,
      ts            INTEGER NOT NULL,
      expires       INTEGER,
      do_not_delete INTEGER NOT NULL DEFAULT 0,
      deleted       INTEGER NOT NULL DEFAULT 0,
      body          TEXT,
      PRIMARY KEY (cluster, id)
    ) WITHOUT ROWID;
    CREATE INDEX snapshots_by_time ON snapshots (cluster, ts, id);
    -- finishes: when a job that progresses with the clock is FINISHED, and its download
    -- expires (both NULL: its status is as listed).
    CREATE TABLE restore_jobs (
      cluster  INTEGER NOT NULL REFERENCES clusters(rowid) ON DELETE CASCADE,
      id       TEXT NOT NULL,
      created  INTEGER NOT NULL,
      finishes INTEGER,
      download_expires INTEGER,
      body     TEXT NOT NULL,
      PRIMARY KEY (cluster, id)
    ) WITHOUT ROWID;
    CREATE INDEX restore_jobs_by_time ON restore_jobs (cluster, created, id);
  `,
};

export class DatabaseOpenError extends Error {}

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * Refuses an existing file that is not a database this emulator can serve, before anything
 * writes to it: not SQLite, a newer schema, or corrupt. The file is left byte-for-byte as it
 * was, and side files (-wal, -shm) that the read-only check had to create are removed.
 */
function verifyExisting(location: string): void {
  let header: Buffer;
  try {
    if (!existsSync(location) || statSync(location).size === 0) return;
    header = Buffer.alloc(100);
    const fd = openSync(location, 'r');
    try {
      readSync(fd, header, 0, 100, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw new DatabaseOpenError(`cannot open database ${location}: ${(err as Error).message}`);
  }
  if (header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new DatabaseOpenError(`database ${location} is not a SQLite database; refusing to open it`);
  }
  refuseNewer(location, header.readUInt32BE(60));
  // A read-only connection cannot write the file, not even a checkpoint when it closes.
  const created = ['-wal', '-shm'].map((suffix) => location + suffix).filter((file) => !existsSync(file));
  try {
    const db = new Database(location, { readonly: true, fileMustExist: true });
    try {
      refuseNewer(location, db.pragma('user_version', { simple: true }) as number);
      const check = db.pragma('quick_check(1)', { simple: true }) as string;
      if (check !== 'ok')
        throw new DatabaseOpenError(`database ${location} is corrupt (${check.replace(/\s+/g, ' ')}); refusing to open it`);
    } finally {
      db.close();
    }
  } catch (err) {
    if (err instanceof DatabaseOpenError) throw err;
    throw new DatabaseOpenError(
      `database ${location} is corrupt or not a SQLite database (${(err as Error).message}); refusing to open it`,
    );
  } finally {
    for (const file of created) rmSync(file, { force: true });
  }
}

function refuseNewer(location: string, version: number): void {
  if (version > SCHEMA_VERSION) {
    throw new DatabaseOpenError(
      `database ${location} has schema version ${version}, newer than this emulator's ${SCHEMA_VERSION}; refusing to open it`,
    );
  }
}

/** Opens (and creates or migrates) the store's SQLite database. */
export function openDatabase(location: string): Database.Database {
  if (location !== ':memory:') verifyExisting(location);
  let db: Database.Database;
  try {
    db = new Database(location, { fileMustExist: false });
    db.pragma('foreign_keys = ON');
    if (location !== ':memory:') {
      // WAL: a write (a fixture load) commits whole or not at all, even under SIGKILL, and
      // readers never wait for it. NORMAL is durable against process crashes (not power loss).
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < SCHEMA_VERSION) {
      db.transaction(() => {
        for (let v = version + 1; v <= SCHEMA_VERSION; v++) {
          db.exec(MIGRATIONS[v]!);
        }
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    }
  } catch (err) {
    throw new DatabaseOpenError(`cannot open database ${location}: ${(err as Error).message}`);
  }
  return db;
}
