import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { authed, buildTestApp, exportDocument, json, load, TestClock } from '../helpers/test-app.js';
import { assertError, atlasError } from '../helpers/atlas-answers.js';

// Nothing the emulator generates or lists lies after its clock's now (docs/fidelity.md):
// generation stops at the load's now, whatever `count` asks for; a checkpoint, snapshot or
// restore job a fixture dates later shows once the clock reaches it; a restore from a point
// after now is refused. The clock starts at 2026-01-01T00:00:00Z (TestClock).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 0, 1);
const GROUP = '6c0000000000000000000005';
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const base = (cluster: string) => `/api/atlas/v1.0/groups/${GROUP}/clusters/${cluster}`;

// 'Gen' lists a snapshot six hours and a checkpoint twelve hours before now, and asks for
// three snapshots (every 6 h) and a hundred checkpoints (every hour) after them.
const LISTED_SNAPSHOT = { id: '6c0000000000000000000501', created: { date: '2025-12-31T18:00:00Z', increment: 1 } };
const LISTED_CHECKPOINT = { id: '6c0000000000000000000601', timestamp: '2025-12-31T12:00:00Z' };
// 'Ahead' lists a checkpoint, a snapshot and a restore job dated a day after now, and a checkpoint before.
const TOMORROW = NOW + DAY;
const PAST_CHECKPOINT = { id: '6c0000000000000000000602', timestamp: '2025-12-31T23:00:00Z' };
const AHEAD_CHECKPOINT = { id: '6c0000000000000000000603', timestamp: iso(TOMORROW) };
const AHEAD_SNAPSHOT = { id: '6c0000000000000000000502', created: { date: iso(TOMORROW), increment: 1 } };
const AHEAD_JOB = { id: '6c0000000000000000000701', created: iso(TOMORROW), delivery: { methodName: 'QUERY' }, statusName: 'FINISHED' };
const FIXTURE = {
  projects: [
    {
      id: GROUP,
      clusters: [
        {
          name: 'Gen',
          clusterId: '6c00000000000000000000e1',
          shards: 1,
          snapshots: [LISTED_SNAPSHOT],
          checkpoints: [LISTED_CHECKPOINT],
          generate: { count: 100, intervalMinutes: 60, snapshots: 3 },
        },
        {
          name: 'Ahead',
          clusterId: '6c00000000000000000000e2',
          shards: 1,
          checkpoints: [PAST_CHECKPOINT, AHEAD_CHECKPOINT],
          snapshots: [AHEAD_SNAPSHOT],
          restoreJobs: [AHEAD_JOB],
        },
      ],
    },
  ],
};

function appAt(t: Parameters<typeof buildTestApp>[0], at: number): { app: FastifyInstance; clock: TestClock } {
  const clock = new TestClock(at);
  const app = buildTestApp(t, { seed: 3 }, { clock });
  load(app, FIXTURE);
  return { app, clock };
}

const list = async (app: FastifyInstance, path: string) => json(await authed(app, { url: `${path}?itemsPerPage=500` }));
const notFound = (code: string, what: string, id: string, cluster: string) =>
  atlasError(404, code, `No ${what} with ID ${id} exists for cluster ${cluster}.`, [id, cluster]);
const restore = (app: FastifyInstance, cluster: string, source: Record<string, string>) =>
  authed(app, { url: `${base(cluster)}/restoreJobs`, method: 'POST', payload: { ...source, delivery: { methodName: 'QUERY' } } });

t.test("generation stops at the load's now: the same sequence, cut, never moved", async (t) => {
  const { app } = appAt(t, NOW);
  const snapshots = (await list(app, `${base('Gen')}/snapshots`)).results as { id: string; created: { date: string } }[];
  t.same(
    snapshots.map((s) => s.created.date),
    ['2025-12-31T18:00:00Z', '2026-01-01T00:00:00Z'],
    'the listed one, then the one slot at or before now',
  );
  const checkpoints = (await list(app, `${base('Gen')}/backupCheckpoints`)).results as { id: string; timestamp: string }[];
  t.equal(checkpoints[0]!.id, LISTED_CHECKPOINT.id);
  t.ok(checkpoints.length > 1 && checkpoints.length < 101, `${checkpoints.length - 1} of the 100 generated`);
  t.ok(
    checkpoints.every((c) => Date.parse(c.timestamp) <= NOW),
    'none after now',
  );

  // Loaded ten days later, the hundred checkpoints and three snapshots all fit: the ones made at
  // 2026-01-01 are their beginning.
  const later = appAt(t, NOW + 10 * DAY).app;
  const allSnapshots = (await list(later, `${base('Gen')}/snapshots`)).results as { id: string; created: { date: string } }[];
  t.same(
    allSnapshots.map((s) => s.created.date),
    ['2025-12-31T18:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T06:00:00Z', '2026-01-01T12:00:00Z'],
  );
  t.same(allSnapshots.slice(0, 2), snapshots);
  const allCheckpoints = (await list(later, `${base('Gen')}/backupCheckpoints`)).results;
  t.equal(allCheckpoints.length, 101);
  t.same(allCheckpoints.slice(0, checkpoints.length), checkpoints);
  t.ok(Date.parse(allCheckpoints[checkpoints.length].timestamp) > NOW, 'the first left out lies after now');

  // The snapshot 2026-01-01 would have at 06:00 does not exist there.
  const sixAm = allSnapshots[2]!.id;
  assertError(
    t,
    await restore(app, 'Gen', { snapshotId: sixAm }),
    404,
    'SNAPSHOT_NOT_FOUND',
    notFound('SNAPSHOT_NOT_FOUND', 'snapshot', sixAm, 'Gen'),
  );
  t.equal((await restore(app, 'Gen', { snapshotId: snapshots[1]!.id })).statusCode, 200, 'the one at now restores');
});

t.test('what a fixture dates after now shows when the clock gets there; restores from it are refused until then', async (t) => {
  const { app, clock } = appAt(t, NOW);
  const ids = async () => [
    (await list(app, `${base('Ahead')}/backupCheckpoints`)).results.map((c: { id: string }) => c.id),
    (await list(app, `${base('Ahead')}/snapshots`)).results.map((s: { id: string }) => s.id),
    (await list(app, `${base('Ahead')}/restoreJobs`)).results.map((j: { id: string }) => j.id),
  ];
  t.same(await ids(), [[PAST_CHECKPOINT.id], [], []]);
  const checkpoints = await list(app, `${base('Ahead')}/backupCheckpoints`);
  t.equal(checkpoints.totalCount, 1, 'counted as shown');
  const one = (path: string) => authed(app, { url: `${base('Ahead')}/${path}` });
  const checkpointNotFound = notFound('CHECKPOINT_NOT_FOUND', 'checkpoint', AHEAD_CHECKPOINT.id, 'Ahead');
  const snapshotNotFound = notFound('SNAPSHOT_NOT_FOUND', 'snapshot', AHEAD_SNAPSHOT.id, 'Ahead');
  assertError(t, await one(`backupCheckpoints/${AHEAD_CHECKPOINT.id}`), 404, 'CHECKPOINT_NOT_FOUND', checkpointNotFound);
  assertError(t, await one(`snapshots/${AHEAD_SNAPSHOT.id}`), 404, 'SNAPSHOT_NOT_FOUND', snapshotNotFound);
  assertError(
    t,
    await one(`restoreJobs/${AHEAD_JOB.id}`),
    404,
    'RESTORE_JOB_NOT_FOUND',
    notFound('RESTORE_JOB_NOT_FOUND', 'restore job', AHEAD_JOB.id, 'Ahead'),
  );
  assertError(t, await restore(app, 'Ahead', { snapshotId: AHEAD_SNAPSHOT.id }), 404, 'SNAPSHOT_NOT_FOUND', snapshotNotFound);
  assertError(t, await restore(app, 'Ahead', { checkpointId: AHEAD_CHECKPOINT.id }), 404, 'CHECKPOINT_NOT_FOUND', checkpointNotFound);
  t.same(await ids(), [[PAST_CHECKPOINT.id], [], []], 'no refused restore made a job');
  // An export keeps them: loaded again, they show at their time too.
  const exported = exportDocument(app)
    .projects?.find((p) => p.id === GROUP)
    ?.clusters?.find((c) => c.name === 'Ahead');
  t.same(
    [exported?.checkpoints?.map((c) => c.id), exported?.snapshots?.map((s) => s.id), exported?.restoreJobs?.map((j) => j.id)],
    [[PAST_CHECKPOINT.id, AHEAD_CHECKPOINT.id], [AHEAD_SNAPSHOT.id], [AHEAD_JOB.id]],
  );

  clock.set(TOMORROW - 1);
  t.same(await ids(), [[PAST_CHECKPOINT.id], [], []], 'a millisecond before');
  clock.set(TOMORROW);
  t.same(await ids(), [[PAST_CHECKPOINT.id, AHEAD_CHECKPOINT.id], [AHEAD_SNAPSHOT.id], [AHEAD_JOB.id]], 'all there at their time');
  t.equal((await one(`restoreJobs/${AHEAD_JOB.id}`)).statusCode, 200);
  const fromSnapshot = await restore(app, 'Ahead', { snapshotId: AHEAD_SNAPSHOT.id });
  t.equal(fromSnapshot.statusCode, 200);
  t.equal((await restore(app, 'Ahead', { checkpointId: AHEAD_CHECKPOINT.id })).statusCode, 200);
  t.equal((await list(app, `${base('Ahead')}/restoreJobs`)).totalCount, 1 + 2 * 2, 'the listed job and two batches of two');
});
