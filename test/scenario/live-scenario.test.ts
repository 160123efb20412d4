import t from 'tap';
import { authed, buildTestApp, json, load, V2_ACCEPT, type Call } from '../helpers/test-app.js';
import { control } from '../helpers/control-client.js';
import { BASE, CLUSTER_ID, EXPECTED, FIXTURE, GROUP_ID, START } from '../helpers/live-scenario.js';

// The scenario on both API versions, through inject(): the clock moved with POST
// /_emulator/clock, the schedule with PATCH, the restore batch with POST.

for (const version of ['v1.0', 'v2']) {
  t.test(`a live sharded cluster through time (${version})`, async (t) => {
    const app = buildTestApp(t, { clock: START });
    load(app, FIXTURE);
    const api = (path: string, call: Omit<Call, 'url'> = {}) => {
      const headers = { ...(version === 'v2' ? { accept: V2_ACCEPT } : {}), ...call.headers };
      return authed(app, { ...call, url: `/api/atlas/${version}${BASE}${path}`, headers });
    };
    const timestamps = async () => {
      const res = await api('/backupCheckpoints?itemsPerPage=500');
      t.equal(res.statusCode, 200);
      const page = json(res);
      t.equal(page.totalCount, page.results.length);
      return page.results.map((c: { timestamp: string }) => c.timestamp);
    };
    const advance = async (duration: string) => {
      const res = await control(app, 'POST', '/clock', { advance: duration });
      t.equal(res.statusCode, 200);
      return json(res).now;
    };

    t.same(json(await control(app, 'GET', '/clock')), { now: '2026-03-02T00:00:00.000Z', frozen: true });
    t.same(await timestamps(), EXPECTED.start, '24 checkpoints: 15 minutes apart since 6 hours ago');
    const oldest = json(await api('/backupCheckpoints?itemsPerPage=1')).results[0].id;
    t.equal((await api(`/backupCheckpoints/${oldest}`)).statusCode, 200);

    t.equal(await advance('PT2H'), '2026-03-02T02:00:00.000Z');
    const afterTwoHours = await timestamps();
    t.same(afterTwoHours, EXPECTED.afterTwoHours);
    t.equal(afterTwoHours.length - EXPECTED.start.length, 8, 'exactly 8 new checkpoints');

    const patch = await api('/snapshotSchedule', { method: 'PATCH', payload: { clusterCheckpointIntervalMin: 60 } });
    t.equal(patch.statusCode, 200);
    t.equal(json(patch).clusterCheckpointIntervalMin, 60);
    t.same(await timestamps(), EXPECTED.afterTwoHours, 'the new interval changes nothing already taken');
    await advance('PT2H');
    const afterPatch = await timestamps();
    t.same(afterPatch, EXPECTED.afterPatch);
    t.equal(afterPatch.length - afterTwoHours.length, 2, 'exactly 2 more at the 60-minute interval');

    await advance('P1D');
    const afterWindow = await timestamps();
    t.same(afterWindow, EXPECTED.afterWindow, 'only the last pointInTimeWindowHours (24) are left');
    t.notOk(
      afterWindow.some((ts: string) => EXPECTED.start.includes(ts)),
      'the first ones are gone',
    );
    const old = await api(`/backupCheckpoints/${oldest}`);
    t.equal(old.statusCode, 404, 'and so is reading one of them');
    t.equal(json(old).errorCode, 'CHECKPOINT_NOT_FOUND');

    const list = json(await api('/backupCheckpoints?itemsPerPage=500'));
    const newest = list.results.at(-1);
    t.equal(newest.timestamp, EXPECTED.newest);
    const created = await api('/restoreJobs', { method: 'POST', payload: { checkpointId: newest.id, delivery: { methodName: 'HTTP' } } });
    t.equal(created.statusCode, 200);
    const batch = json(created);
    t.equal(batch.totalCount, EXPECTED.jobsPerBatch);
    t.equal(batch.results.length, EXPECTED.jobsPerBatch, 'one job per shard and one for the config server');
    t.equal(new Set(batch.results.map((job: { batchId: string }) => job.batchId)).size, 1, 'one batchId');
    for (const job of batch.results) {
      // The checkpoint shows as the job's timestamp; checkpointId itself is writeOnly.
      t.match(job, {
        checkpointId: undefined,
        clusterId: CLUSTER_ID,
        groupId: GROUP_ID,
        statusName: 'IN_PROGRESS',
        timestamp: { date: EXPECTED.newest },
      });
      t.equal(job.delivery.statusName, 'IN_PROGRESS');
    }

    await advance('PT1H');
    for (const job of batch.results) {
      const res = json(await api(`/restoreJobs/${job.id}`));
      t.equal(res.statusName, 'FINISHED', `${job.id} finished`);
      t.equal(res.delivery.statusName, 'READY', 'its download is ready');
    }
  });
}

t.test('determinism: the same seed and the same clock moves give byte-identical responses', async (t) => {
  const run = async () => {
    const app = buildTestApp(t, { clock: START, seed: 42 });
    load(app, FIXTURE);
    const bodies: string[] = [];
    const get = async (path: string, call: Omit<Call, 'url'> = {}) => {
      const res = await authed(app, { ...call, url: `/api/atlas/v1.0${BASE}${path}` });
      bodies.push(`${res.statusCode} ${res.body}`);
      return res;
    };
    for (const move of ['PT0S', 'PT7H', 'P3D']) {
      await control(app, 'POST', '/clock', { advance: move });
      await get('/backupCheckpoints?itemsPerPage=500');
      await get('/snapshots?itemsPerPage=500');
      await get('/restoreJobs');
    }
    const newest = json(await get('/backupCheckpoints?itemsPerPage=500')).results.at(-1).id;
    await get('/restoreJobs', { method: 'POST', payload: { checkpointId: newest, delivery: { methodName: 'HTTP' } } });
    await control(app, 'POST', '/clock', { advance: 'PT30M' });
    await get('/restoreJobs');
    return bodies;
  };
  const first = await run();
  t.same(await run(), first);
  t.ok(
    first.every((body) => body.startsWith('200 ')),
    'every step answered 200',
  );
});
