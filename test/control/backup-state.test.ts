import t from 'tap';
import { authed, buildTestApp, exportDocument, GROUP, json, load, type Call } from '../helpers/test-app.js';
import { control } from '../helpers/control-client.js';
import { BASE, FIXTURE, START } from '../helpers/live-scenario.js';

// The control plane covers the whole Legacy Backup API: reset, export and load carry the
// schedule, snapshots and restore jobs (and a live cluster's clock-made data); the journal
// records, and fault rules match, the new operations.

const CLUSTER0 = `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0`;
const LIVE = `/api/atlas/v1.0${BASE}`;

/** Every operation's answer for both clusters, as bytes: what a round trip must keep. */
async function everything(app: Parameters<typeof authed>[0]): Promise<string[]> {
  const bodies: string[] = [];
  for (const cluster of [CLUSTER0, LIVE]) {
    for (const path of [
      '/backupCheckpoints?itemsPerPage=500',
      '/snapshotSchedule',
      '/snapshots?itemsPerPage=500',
      '/restoreJobs?itemsPerPage=500',
    ]) {
      const res = await authed(app, { url: cluster + path });
      bodies.push(`${res.statusCode} ${res.body}`);
    }
  }
  return bodies;
}

/** Changes one of everything: the schedule, a snapshot kept, one deleted, a restore batch. */
async function changeEverything(app: Parameters<typeof authed>[0]): Promise<void> {
  const call = async (c: Call, status: number) => {
    const res = await authed(app, c);
    if (res.statusCode !== status) throw new Error(`${c.method} ${c.url}: ${res.statusCode} ${res.body}`);
    return res;
  };
  await control(app, 'POST', '/clock', { advance: 'P2DT3H' });
  for (const cluster of [CLUSTER0, LIVE]) {
    await call(
      { url: `${cluster}/snapshotSchedule`, method: 'PATCH', payload: { snapshotRetentionDays: 5, pointInTimeWindowHours: 48 } },
      200,
    );
    const snapshots = json(await call({ url: `${cluster}/snapshots` }, 200)).results;
    await call({ url: `${cluster}/snapshots/${snapshots[0].id}`, method: 'PATCH', payload: { doNotDelete: true } }, 200);
    await call({ url: `${cluster}/snapshots/${snapshots[1].id}`, method: 'DELETE' }, 204);
    await call(
      { url: `${cluster}/restoreJobs`, method: 'POST', payload: { snapshotId: snapshots[2].id, delivery: { methodName: 'HTTP' } } },
      200,
    );
  }
  await control(app, 'POST', '/clock', { advance: 'PT5M' });
}

t.test('export then load into a fresh emulator at the same time: every answer byte-identical', async (t) => {
  const app = buildTestApp(t, { clock: START });
  load(app, FIXTURE);
  await changeEverything(app);
  // Export while the live cluster is taking a snapshot (they take 5 minutes): 2 minutes past a 6-hour slot.
  await control(app, 'POST', '/clock', { set: '2026-03-04T06:02:00Z' });
  const before = await everything(app);
  const document = exportDocument(app);
  t.ok(JSON.stringify(document).includes('"complete":false'), 'one snapshot is still being taken');

  const fresh = buildTestApp(t, { clock: START });
  await control(fresh, 'POST', '/clock', { set: json(await control(app, 'GET', '/clock')).now });
  const loaded = await control(fresh, 'POST', '/fixtures?mode=replace', document);
  t.equal(loaded.statusCode, 200, loaded.body);
  t.same(await everything(fresh), before);
  // ... and time goes on the same way in both: the snapshot completes, a kept one can expire again.
  for (const emulator of [app, fresh]) {
    await control(emulator, 'POST', '/clock', { advance: 'PT5M' });
    const kept = json(await authed(emulator, { url: `${LIVE}/snapshots?itemsPerPage=500` })).results.find(
      (s: { doNotDelete: boolean }) => s.doNotDelete,
    );
    t.equal(
      (await authed(emulator, { url: `${LIVE}/snapshots/${kept.id}`, method: 'PATCH', payload: { doNotDelete: false } })).statusCode,
      200,
    );
  }
  t.same(await everything(fresh), await everything(app));
  t.notOk((await everything(fresh)).join().includes('"complete":false'), 'the snapshot being taken completed after the load too');
  for (const emulator of [app, fresh]) await control(emulator, 'POST', '/clock', { advance: 'P9D' });
  t.same(await everything(fresh), await everything(app));
});

t.test('reset data: the schedule, snapshots and restore jobs as they were at start-up', async (t) => {
  const app = buildTestApp(t, { clock: START });
  const startup = await everything(app);
  load(app, FIXTURE);
  await changeEverything(app);
  t.not((await everything(app)).join(), startup.join());
  await control(app, 'POST', '/reset', { scope: 'all' });
  t.same(await everything(app), startup);
});

t.test('the journal records the new operations; fault rules match them by method and path', async (t) => {
  const app = buildTestApp(t, { clock: START });
  const rule = json(
    await control(app, 'POST', '/faults', {
      match: { method: 'PATCH', path: '/api/atlas/*/groups/*/clusters/*/snapshotSchedule' },
      effect: { type: 'error', status: 503 },
      times: 1,
    }),
  );
  const patch = { url: `${CLUSTER0}/snapshotSchedule`, method: 'PATCH', payload: { snapshotIntervalHours: 12 } } as const;
  t.equal((await authed(app, { url: `${CLUSTER0}/snapshotSchedule` })).statusCode, 200, 'GET is not matched');
  const faulted = await authed(app, patch);
  t.equal(faulted.statusCode, 503);
  t.equal(json(faulted).errorCode, 'SERVICE_UNAVAILABLE');
  const applied = await authed(app, patch);
  t.equal(applied.statusCode, 200, 'times: 1');
  t.equal(json(applied).snapshotIntervalHours, 12);
  t.equal(
    json(await authed(app, { url: `${CLUSTER0}/restoreJobs`, method: 'POST', payload: { delivery: { methodName: 'HTTP' } } })).errorCode,
    'VALIDATION_ERROR',
  );

  const entries = json(await control(app, 'GET', '/requests?challenge=false')).requests;
  t.same(
    entries.map((e: { method: string; path: string; status: number; fault?: { id: string } }) => [
      e.method,
      e.path.replace(CLUSTER0, ''),
      e.status,
      e.fault?.id,
    ]),
    [
      ['GET', '/snapshotSchedule', 200, undefined],
      ['PATCH', '/snapshotSchedule', 503, rule.id],
      ['PATCH', '/snapshotSchedule', 200, undefined],
      ['POST', '/restoreJobs', 400, undefined],
    ],
  );
  t.equal(entries[0].time, '2026-03-02T00:00:00.000Z', 'journal times are emulator-clock times');
});
