import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { digestHeader, parseChallenge } from '../helpers/test-app.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';

// A fixture load is one SQLite transaction in WAL mode: a process killed with SIGKILL in the
// middle of it restarts on a database holding the whole load or none of it. The child really
// is killed, several times, at different points of a 300,000-checkpoint load: the start-up
// seeding, and a fixture load through the control plane of a serving process.

const CLUSTERS = 3;
const PER_CLUSTER = 100_000;
const TOTAL = CLUSTERS * PER_CLUSTER;
const GROUP = 'aaaaaaaaaaaaaaaaaaaaaaaa';
/** When to kill, counted from the first write of the load (the load takes seconds). */
const KILL_AFTER_MS = [200, 800, 1600];

const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-crash-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'state.db');
const fixture = join(dir, 'large.json');
writeFileSync(
  fixture,
  JSON.stringify({
    projects: [
      {
        id: GROUP,
        name: 'Large',
        clusters: Array.from({ length: CLUSTERS }, (_, i) => ({
          name: `Large${i}`,
          clusterId: `bbbbbbbbbbbbbbbbbbbbbbb${i}`,
          type: 'REPLICASET',
          shards: 1,
          backup: 'LEGACY',
          checkpoints: [],
          // One a minute: all of them fall before now (generation stops at the clock's now).
          generate: { count: PER_CLUSTER, intervalMinutes: 1 },
        })),
      },
    ],
  }),
);

function walStamp(file = db): string {
  const wal = `${file}-wal`;
  return existsSync(wal) ? `${statSync(wal).mtimeMs}/${statSync(wal).size}` : 'none';
}

interface Consistency {
  checkpoints: number;
  /** Clusters whose recorded count, row count and dense positions disagree. */
  torn: string[];
}

/** Opens the file as the next process would (WAL recovery included) and checks it whole. */
function inspect(file = db): Consistency {
  const handle = new Database(file);
  try {
    const clusters = handle
      .prepare(
        `SELECT c.name, c.checkpoint_count AS recorded, count(k.ord) AS rows, coalesce(max(k.ord) + 1, 0) AS span
           FROM clusters c LEFT JOIN checkpoints k ON k.cluster = c.rowid GROUP BY c.rowid`,
      )
      .all() as { name: string; recorded: number; rows: number; span: number }[];
    const checkpoints = (handle.prepare('SELECT count(*) AS n FROM checkpoints').get() as { n: number }).n;
    return {
      checkpoints,
      torn: clusters.filter((c) => c.recorded !== c.rows || c.rows !== c.span).map((c) => c.name),
    };
  } finally {
    handle.close();
  }
}

for (const [iteration, delay] of KILL_AFTER_MS.entries()) {
  t.test(`SIGKILL ${delay} ms into the load (iteration ${iteration + 1})`, async (t) => {
    // Each iteration from no database: a file that an earlier iteration's load completed would
    // be served as it is, never written, and the wait for the load's first write below would
    // never end (on a machine fast enough to finish the load within a kill delay).
    for (const file of [db, `${db}-wal`, `${db}-shm`]) rmSync(file, { force: true });
    const before = walStamp();
    const server = spawnEmulator({ env: { ATLAS_EMU_DB: db, ATLAS_EMU_FIXTURES: fixture, ATLAS_EMU_LOG_LEVEL: 'warn' } });
    while (walStamp() === before) {
      if (server.child.exitCode !== null) throw new Error(`the emulator exited before loading:\n${server.output()}`);
      await sleep(20);
    }
    await sleep(delay);
    // The ready line comes after the commit: once it is out, the load must be there.
    const finished = /ready at/.test(server.output());
    server.child.kill('SIGKILL');
    t.equal(await server.exited, 'SIGKILL');
    const state = inspect();
    t.same(state.torn, [], 'every cluster whole');
    if (finished) t.equal(state.checkpoints, TOTAL, 'killed after the load: wholly present');
    else
      t.ok(
        state.checkpoints === 0 || state.checkpoints === TOTAL,
        `killed during the load: wholly absent or present (${state.checkpoints})`,
      );
  });
}

t.test('a load that committed survives SIGKILL, and the restart serves it', async (t) => {
  const loading = spawnEmulator({ env: { ATLAS_EMU_DB: db, ATLAS_EMU_FIXTURES: fixture, ATLAS_EMU_LOG_LEVEL: 'warn' } });
  await loading.ready;
  loading.child.kill('SIGKILL');
  t.equal(await loading.exited, 'SIGKILL');
  t.same(inspect(), { checkpoints: TOTAL, torn: [] }, 'the load is wholly present');

  // The restart neither refuses the crashed file nor reseeds it: it serves what was committed.
  const server = spawnEmulator({ env: { ATLAS_EMU_DB: db, ATLAS_EMU_LOG_LEVEL: 'warn' } });
  t.teardown(() => server.child.kill('SIGKILL'));
  const url = await server.ready;
  t.match(server.output(), `1 project, ${CLUSTERS} clusters, ${TOTAL} checkpoints`);
  const path = `/api/atlas/v2/groups/${GROUP}/clusters/Large2/backupCheckpoints?pageNum=1000&itemsPerPage=100`;
  const challenge = await fetch(url + path);
  const { nonce } = parseChallenge(challenge.headers.get('www-authenticate')!);
  const res = await fetch(url + path, {
    headers: { accept: 'application/vnd.atlas.2023-01-01+json', authorization: digestHeader({ method: 'GET', uri: path, nonce: nonce! }) },
  });
  t.equal(res.status, 200);
  const page = (await res.json()) as { totalCount: number; results: unknown[] };
  t.equal(page.totalCount, PER_CLUSTER);
  t.equal(page.results.length, 100, 'the last page is full');
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0);
});

t.test('SIGKILL in the middle of a control-plane fixture load on a serving process', async (t) => {
  const live = join(dir, 'live.db');
  const server = spawnEmulator({ env: { ATLAS_EMU_DB: live, ATLAS_EMU_LOG_LEVEL: 'warn' } });
  const url = await server.ready;
  const before = inspect(live).checkpoints;
  const stamp = walStamp(live);
  // The load answers only when it is done; the process is killed long before.
  const load = fetch(`${url}/_emulator/fixtures?mode=merge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: readFileSync(fixture),
  });
  load.catch(() => {});
  while (walStamp(live) === stamp) await sleep(20);
  await sleep(KILL_AFTER_MS[1]!);
  server.child.kill('SIGKILL');
  t.equal(await server.exited, 'SIGKILL');
  const state = inspect(live);
  t.same(state.torn, [], 'every cluster whole');
  t.ok(
    state.checkpoints === before || state.checkpoints === before + TOTAL,
    `the merge wholly absent or present (${before} before, ${state.checkpoints} after)`,
  );
});
