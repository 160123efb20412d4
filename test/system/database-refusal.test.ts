import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { DEFAULT_FIXTURE, fixtureFiles } from '../../src/fixtures/fixture-files.js';
import { loadFixtures } from '../../src/fixtures/fixture-loader.js';
import { openDatabase, SCHEMA_VERSION } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';

// A database file the emulator cannot serve is refused at start: a clear message on stderr,
// exit status 2, and the file left byte-for-byte as it was, with no -wal/-shm beside it.

function folder(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-refusal-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real emulator database holding the default dataset, closed cleanly. */
function emulatorDatabase(file: string): void {
  const store = new Store(openDatabase(file));
  loadFixtures(store, fixtureFiles(DEFAULT_FIXTURE), 'replace', 1, Date.now());
  store.close();
}

async function assertRefused(t: Test, dir: string, file: string, message: RegExp): Promise<void> {
  const before = readFileSync(file);
  const listing = readdirSync(dir).sort();
  const server = spawnEmulator({ env: { ATLAS_EMU_DB: file } });
  t.equal(await server.exited, 2, 'exit status 2');
  t.match(server.output(), message);
  t.match(server.output(), /^atlas-backup-emulator: /, 'one line for the user, no stack trace');
  t.notMatch(server.output(), /\n\s+at /, 'no stack trace');
  t.ok(readFileSync(file).equals(before), 'the file is unchanged');
  t.same(readdirSync(dir).sort(), listing, 'no file was created beside it');
}

t.test('a file that is not SQLite is refused and left untouched', async (t) => {
  const dir = folder(t);
  const file = join(dir, 'notes.db');
  writeFileSync(file, 'These are my notes, not a database.\n'.repeat(200));
  await assertRefused(t, dir, file, /^atlas-backup-emulator: database .*notes\.db is not a SQLite database; refusing to open it\n$/);
});

t.test('a database from a newer schema is refused and left untouched', async (t) => {
  const dir = folder(t);
  const file = join(dir, 'newer.db');
  emulatorDatabase(file);
  const db = new Database(file);
  // In rollback-journal mode, as a copy made with the sqlite3 shell may be: switching it to
  // WAL before reading its version would already rewrite its header.
  db.pragma('journal_mode = DELETE');
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  await assertRefused(
    t,
    dir,
    file,
    new RegExp(
      `database .*newer\\.db has schema version ${SCHEMA_VERSION + 1}, newer than this emulator's ${SCHEMA_VERSION}; refusing to open it`,
    ),
  );
});

t.test('a corrupt database is refused and left untouched', async (t) => {
  const dir = folder(t);
  const file = join(dir, 'corrupt.db');
  emulatorDatabase(file);
  // Page 1 (header and schema) stays valid; b-tree pages after it are overwritten.
  const bytes = readFileSync(file);
  t.ok(bytes.length > 6 * 4096, 'the database spans several pages');
  bytes.fill(0x41, 2 * 4096, 6 * 4096);
  writeFileSync(file, bytes);
  await assertRefused(t, dir, file, /database .*corrupt\.db is corrupt \(.+\); refusing to open it/);
});

t.test('a truncated database is refused and left untouched', async (t) => {
  const dir = folder(t);
  const file = join(dir, 'truncated.db');
  emulatorDatabase(file);
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 4096 / 2) * 4096));
  await assertRefused(t, dir, file, /database .*truncated\.db is corrupt/);
});

t.test('a sound existing database is served as it is', async (t) => {
  const dir = folder(t);
  const file = join(dir, 'sound.db');
  emulatorDatabase(file);
  const db = new Database(file);
  db.prepare('UPDATE projects SET name = ?').run('Renamed behind its back');
  db.close();
  const server = spawnEmulator({ env: { ATLAS_EMU_DB: file } });
  t.teardown(() => server.child.kill('SIGKILL'));
  await server.ready;
  t.match(server.output(), `checkpoints (seed 1, store ${file})`);
  // Not reseeded: the edit made behind the emulator's back is still there.
  const served = new Database(file, { readonly: true });
  t.same(served.prepare('SELECT DISTINCT name FROM projects').all(), [{ name: 'Renamed behind its back' }]);
  served.close();
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0);
});
