import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import {
  AtlasError,
  ClockError,
  ConfigError,
  DatabaseOpenError,
  EmulatorClock,
  FixtureFileError,
  RecordError,
  record,
  startEmulator,
} from 'atlas-backup-emulator';

// Each failure of the in-process API is an instance of a class exported by the package entry
// point, so that a suite can catch it by class (the table in docs/control.md#errors-it-throws).

const dir = mkdtempSync(join(tmpdir(), 'emu-errors-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `call` and returns what it threw (fails the test when it throws nothing). */
async function thrown(t: Test, call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  t.fail('nothing was thrown');
  return undefined;
}

t.test('startEmulator: ConfigError, FixtureFileError, DatabaseOpenError', async (t) => {
  const config = await thrown(t, () => startEmulator({ port: -1 }));
  t.ok(config instanceof ConfigError, 'a bad option: ConfigError');
  t.match((config as Error).message, /port/);

  const missing = join(dir, 'missing.json');
  const unreadable = await thrown(t, () => startEmulator({ fixtures: missing }));
  t.ok(unreadable instanceof FixtureFileError, 'a fixture file that cannot be read: FixtureFileError');
  t.match((unreadable as Error).message, missing);

  const invalid = join(dir, 'invalid.json');
  writeFileSync(invalid, JSON.stringify({ projects: [{ id: 'not-an-id' }] }));
  const refused = await thrown(t, () => startEmulator({ fixtures: invalid }));
  t.ok(refused instanceof FixtureFileError, 'an invalid fixture document: FixtureFileError');
  t.match((refused as Error).message, invalid);

  const notSqlite = join(dir, 'not-a-database.db');
  writeFileSync(notSqlite, 'plain text, not SQLite');
  const database = await thrown(t, () => startEmulator({ db: notSqlite }));
  t.ok(database instanceof DatabaseOpenError, 'a file that is not a database: DatabaseOpenError');
  t.equal((database as Error).message, `database ${notSqlite} is not a SQLite database; refusing to open it`);
});

t.test("a running emulator's calls: AtlasError, the control plane's 400", async (t) => {
  const emulator = await startEmulator({ clock: '2026-01-01T00:00:00Z' });
  t.teardown(() => emulator.close());
  const refusals: [string, () => unknown, string][] = [
    [
      'load',
      () => emulator.load({ projects: [{ id: 'not-an-id' }] }),
      'Invalid $.projects[0].id: must be a 24-hexadecimal-digit id, got "not-an-id".',
    ],
    ['requests', () => emulator.requests({ status: 99 }), 'Invalid status: must be an integer from 100 to 599.'],
    [
      'faults.add',
      () => emulator.faults.add({ effect: { type: 'delay', ms: -1 } }),
      'Invalid effect.ms: must be an integer from 0 to 600000.',
    ],
    [
      'clock.set',
      () => emulator.clock.set('2025-01-01T00:00:00Z'),
      'Invalid set: the emulator clock only moves forward: 2025-01-01T00:00:00.000Z is before its time, 2026-01-01T00:00:00.000Z.',
    ],
    ['clock.advance', () => emulator.clock.advance('6 hours'), 'Invalid advance: must be an ISO 8601 duration like PT6H or P2D.'],
  ];
  for (const [call, run, message] of refusals) {
    const err = await thrown(t, run);
    t.ok(err instanceof AtlasError, `${call}: AtlasError`);
    t.match(err, { status: 400, errorCode: 'INVALID_CONTROL_REQUEST', message }, call);
  }
});

t.test('reset: FixtureFileError when a start-up fixture file can no longer be read', async (t) => {
  const fixture = join(dir, 'start-up.json');
  writeFileSync(fixture, JSON.stringify({ projects: [] }));
  const emulator = await startEmulator({ fixtures: fixture });
  t.teardown(() => emulator.close());
  rmSync(fixture);
  const err = await thrown(t, () => emulator.reset());
  t.ok(err instanceof FixtureFileError, 'FixtureFileError');
  t.match((err as Error).message, fixture);
});

t.test('an EmulatorClock of the caller: ClockError', async (t) => {
  const clock = new EmulatorClock(Date.parse('2026-01-01T00:00:00Z'));
  const err = await thrown(t, () => clock.set(Date.parse('2025-01-01T00:00:00Z')));
  t.ok(err instanceof ClockError, 'ClockError');
  t.equal(
    (err as Error).message,
    'the emulator clock only moves forward: 2025-01-01T00:00:00.000Z is before its time, 2026-01-01T00:00:00.000Z',
  );
});

t.test('record: ConfigError for a bad option, RecordError for a recording that cannot go on', async (t) => {
  const out = join(dir, 'recorded.json');
  const config = await thrown(t, () => record({ group: 'not-an-id', clusters: ['C'], out }));
  t.ok(config instanceof ConfigError, 'ConfigError');

  const refused = await thrown(t, () =>
    record(
      {
        group: 'aaaaaaaaaaaaaaaaaaaaaaaa',
        clusters: ['C'],
        out,
        sourcePublicKey: 'k',
        sourcePrivateKey: 's',
        source: 'http://127.0.0.1:9',
      },
      { fetch: async () => new Response('{"error":401}', { status: 401, headers: { 'content-type': 'application/json' } }) },
    ),
  );
  t.ok(refused instanceof RecordError, 'RecordError');
});
