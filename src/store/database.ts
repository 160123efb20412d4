import Database from 'better-sqlite3';

// Schema versions are PRAGMA user_version values; each migration moves the file one step up.
export const SCHEMA_VERSION = 1;

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
  `,
};

export class DatabaseOpenError extends Error {}

/** Opens (and creates or migrates) the store's SQLite database. */
export function openDatabase(location: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(location, { fileMustExist: false });
    db.pragma('foreign_keys = ON');
    if (location !== ':memory:') {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      db.close();
      throw new DatabaseOpenError(
        `database ${location} has schema version ${version}, newer than this emulator's ${SCHEMA_VERSION}; refusing to open it`,
      );
    }
    if (version < SCHEMA_VERSION) {
      db.transaction(() => {
        for (let v = version + 1; v <= SCHEMA_VERSION; v++) {
          db.exec(MIGRATIONS[v]!);
        }
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    }
  } catch (err) {
    if (err instanceof DatabaseOpenError) throw err;
    throw new DatabaseOpenError(`cannot open database ${location}: ${(err as Error).message}`);
  }
  return db;
}
