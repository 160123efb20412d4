import { readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { authed, buildTestApp, GROUP, GROUP2, json, load, TestClock, V2_ACCEPT } from '../helpers/test-app.js';
import {
  assertError,
  atlasError,
  call,
  CONTENT_TYPE,
  errorApps,
  FARAWAY,
  HOST,
  invalidAttribute,
  REL,
  testDeclaredErrors,
  type DeclaredErrors,
  type Version,
  VERSIONS,
} from '../helpers/atlas-answers.js';

// GET and PATCH .../clusters/{clusterName}/snapshotSchedule on v1.0 and v2: exact bodies, the
// spec's enumerations enforced, the rules between fields, the errors each operation declares
// (400, 401, 403, 404, 429, 500), and what a change does to a live cluster's later checkpoints
// and snapshots. Expected values come from the fixtures and the spec, never from a response.

const HOUR = 3_600_000;
const MINUTE = 60_000;

const clusterUrl = (version: Version, group: string, cluster: string) => `/api/atlas/${version}/groups/${group}/clusters/${cluster}`;
const scheduleUrl = (version: Version, group: string, cluster: string) => `${clusterUrl(version, group, cluster)}/snapshotSchedule`;

/** A call as the clients send it: v2 with the versioned media type (Accept, and Content-Type for a body). */

// The default dataset's clusters, read from the fixture file itself.
const DEFAULT = JSON.parse(readFileSync(new URL('../../fixtures/default.json', import.meta.url), 'utf8'));
const CLUSTER0 = DEFAULT.projects[0].clusters.find((c: { name: string }) => c.name === 'Cluster0');
const CLUSTER1 = DEFAULT.projects[0].clusters.find((c: { name: string }) => c.name === 'Cluster1');

/** The emulator's schedule for a cluster loaded without one (its documented defaults). */
const DEFAULT_SCHEDULE = {
  clusterCheckpointIntervalMin: 15,
  dailySnapshotRetentionDays: 7,
  monthlySnapshotRetentionMonths: 13,
  pointInTimeWindowHours: 24,
  snapshotIntervalHours: 6,
  snapshotRetentionDays: 2,
  weeklySnapshotRetentionWeeks: 4,
};
type ScheduleFields = typeof DEFAULT_SCHEDULE;

/** A schedule as Atlas shows it: its fields, the cluster's ids and the three links, alphabetically. */
function scheduleView(version: Version, group: string, cluster: { name: string; clusterId: string }, fields: ScheduleFields) {
  const base = `${HOST}${clusterUrl(version, group, cluster.name)}`;
  return {
    clusterCheckpointIntervalMin: fields.clusterCheckpointIntervalMin,
    clusterId: cluster.clusterId,
    dailySnapshotRetentionDays: fields.dailySnapshotRetentionDays,
    groupId: group,
    links: [
      { href: `${base}/snapshotSchedule`, rel: 'self' },
      { href: base, rel: `${REL[version]}cluster` },
      { href: `${HOST}/api/atlas/${version}/groups/${group}`, rel: `${REL[version]}group` },
    ],
    monthlySnapshotRetentionMonths: fields.monthlySnapshotRetentionMonths,
    pointInTimeWindowHours: fields.pointInTimeWindowHours,
    snapshotIntervalHours: fields.snapshotIntervalHours,
    snapshotRetentionDays: fields.snapshotRetentionDays,
    weeklySnapshotRetentionWeeks: fields.weeklySnapshotRetentionWeeks,
  };
}

async function getSchedule(
  t: Test,
  app: FastifyInstance,
  version: Version,
  group: string,
  cluster: string,
): Promise<Record<string, unknown>> {
  const res = await authed(app, call(version, scheduleUrl(version, group, cluster)));
  t.equal(res.statusCode, 200, `GET ${version} ${cluster}`);
  t.equal(res.headers['content-type'], CONTENT_TYPE[version]);
  return json(res);
}

t.test('GET: the fixture schedule (sharded) and the defaults (replica set), exact on v1.0 and v2', async (t) => {
  const app = buildTestApp(t, {}, { clock: new TestClock() });
  for (const version of VERSIONS) {
    const res = await authed(app, call(version, scheduleUrl(version, GROUP, 'Cluster0')));
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], CONTENT_TYPE[version]);
    const expected = scheduleView(version, GROUP, CLUSTER0, CLUSTER0.schedule);
    t.strictSame(json(res), expected);
    t.equal(res.body, JSON.stringify(expected), 'compact, keys in alphabetical order');
    t.strictSame(await getSchedule(t, app, version, GROUP, 'Cluster1'), scheduleView(version, GROUP, CLUSTER1, DEFAULT_SCHEDULE));
  }
  const pretty = await authed(app, { url: `${scheduleUrl('v1.0', GROUP, 'Cluster0')}?pretty=true` });
  t.ok(
    pretty.body.startsWith('{\n  "clusterCheckpointIntervalMin" : 15,\n  "clusterId" : "6b8cd61180eef547110159d9",'),
    'pretty=true as Jackson writes it',
  );
});

t.test('PATCH: exact answer on v1.0 and v2; later GETs (after a cached one) answer the change', async (t) => {
  const app = buildTestApp(t, {}, { clock: new TestClock() });
  // Read first, so that a stale cached page would show.
  for (const version of VERSIONS)
    t.strictSame(await getSchedule(t, app, version, GROUP, 'Cluster0'), scheduleView(version, GROUP, CLUSTER0, CLUSTER0.schedule));

  const first = { snapshotIntervalHours: 12, dailySnapshotRetentionDays: 30, clusterCheckpointIntervalMin: 60 };
  const v1 = await authed(app, call('v1.0', scheduleUrl('v1.0', GROUP, 'Cluster0'), 'PATCH', first));
  t.equal(v1.statusCode, 200);
  t.equal(v1.headers['content-type'], 'application/json');
  const afterFirst = { ...CLUSTER0.schedule, ...first };
  t.equal(v1.body, JSON.stringify(scheduleView('v1.0', GROUP, CLUSTER0, afterFirst)));

  const second = {
    weeklySnapshotRetentionWeeks: 52,
    monthlySnapshotRetentionMonths: 36,
    pointInTimeWindowHours: 48,
    snapshotRetentionDays: 5,
  };
  const v2 = await authed(app, call('v2', scheduleUrl('v2', GROUP, 'Cluster0'), 'PATCH', second));
  t.equal(v2.statusCode, 200);
  t.equal(v2.headers['content-type'], CONTENT_TYPE.v2);
  const afterSecond = { ...afterFirst, ...second };
  t.strictSame(json(v2), scheduleView('v2', GROUP, CLUSTER0, afterSecond), 'fields not sent keep their value');

  for (const version of VERSIONS)
    t.strictSame(await getSchedule(t, app, version, GROUP, 'Cluster0'), scheduleView(version, GROUP, CLUSTER0, afterSecond));
  // Another cluster is untouched.
  t.strictSame(await getSchedule(t, app, 'v1.0', GROUP, 'Cluster1'), scheduleView('v1.0', GROUP, CLUSTER1, DEFAULT_SCHEDULE));
  // An empty change changes nothing and answers the schedule.
  const empty = await authed(app, call('v1.0', scheduleUrl('v1.0', GROUP, 'Cluster0'), 'PATCH', {}));
  t.equal(empty.statusCode, 200);
  t.strictSame(json(empty), scheduleView('v1.0', GROUP, CLUSTER0, afterSecond));
});

t.test('PATCH: every value of every enumeration in the spec is accepted; values outside are refused', async (t) => {
  const spec = JSON.parse(
    readFileSync(new URL('../../fixtures/contract/atlas-openapi-legacy-backup.official.json', import.meta.url), 'utf8'),
  );
  const properties: Record<string, { enum?: number[] }> = spec.components.schemas.ApiAtlasSnapshotScheduleView.properties;
  const enumerated = Object.entries(properties).filter(([, p]) => p.enum !== undefined);
  t.same(enumerated.map(([name]) => name).sort(), [
    'clusterCheckpointIntervalMin',
    'dailySnapshotRetentionDays',
    'monthlySnapshotRetentionMonths',
    'snapshotIntervalHours',
    'snapshotRetentionDays',
    'weeklySnapshotRetentionWeeks',
  ]);
  const app = buildTestApp(t, {}, { clock: new TestClock() });
  const url = scheduleUrl('v1.0', GROUP, 'Cluster0');
  const current: ScheduleFields = { ...CLUSTER0.schedule };
  for (const [field, { enum: values }] of enumerated) {
    for (const value of values!) {
      const res = await authed(app, { url, method: 'PATCH', payload: { [field]: value } });
      (current as Record<string, number>)[field] = value;
      t.equal(res.statusCode, 200, `${field} ${value}`);
      t.strictSame(json(res), scheduleView('v1.0', GROUP, CLUSTER0, current));
    }
    for (const bad of [Math.max(...values!) + 1, -1, 1]) {
      if (values!.includes(bad)) continue;
      const res = await authed(app, { url, method: 'PATCH', payload: { [field]: bad } });
      assertError(t, res, 400, 'INVALID_ATTRIBUTE', invalidAttribute(field, `must be one of ${values!.join(', ')}`));
    }
    const text = await authed(app, { url, method: 'PATCH', payload: { [field]: String(values![0]) } });
    assertError(t, text, 400, 'INVALID_ATTRIBUTE', invalidAttribute(field, `must be one of ${values!.join(', ')}`));
  }
  // The refusals changed nothing.
  t.strictSame(await getSchedule(t, app, 'v1.0', GROUP, 'Cluster0'), scheduleView('v1.0', GROUP, CLUSTER0, current));
});

t.test('PATCH: pointInTimeWindowHours is a positive integer (the spec gives no enumeration)', async (t) => {
  const app = buildTestApp(t, {}, { clock: new TestClock() });
  const url = scheduleUrl('v1.0', GROUP, 'Cluster0');
  for (const value of [1, 87_600]) {
    const res = await authed(app, { url, method: 'PATCH', payload: { pointInTimeWindowHours: value } });
    t.equal(res.statusCode, 200);
    t.strictSame(json(res), scheduleView('v1.0', GROUP, CLUSTER0, { ...CLUSTER0.schedule, pointInTimeWindowHours: value }));
  }
  for (const bad of [0, -24, 87_601, 1.5, '24', null]) {
    const res = await authed(app, { url, method: 'PATCH', payload: { pointInTimeWindowHours: bad } });
    assertError(t, res, 400, 'INVALID_ATTRIBUTE', invalidAttribute('pointInTimeWindowHours', 'must be an integer from 1 to 87600'));
  }
});

t.test('PATCH: the ids may be sent back as read, never changed; unknown fields and bad JSON are refused', async (t) => {
  const app = buildTestApp(t, {}, { clock: new TestClock() });
  const url = scheduleUrl('v2', GROUP, 'Cluster0');
  // A round trip: what GET answered, links and all, with one field changed (the Go SDK sends the whole view).
  const read = await getSchedule(t, app, 'v2', GROUP, 'Cluster0');
  const roundTrip = await authed(app, { ...call('v2', url, 'PATCH', { ...read, snapshotRetentionDays: 3 }), sendsReadOnly: true });
  t.equal(roundTrip.statusCode, 200, 'round trip accepted');
  const changed = { ...CLUSTER0.schedule, snapshotRetentionDays: 3 };
  t.strictSame(json(roundTrip), scheduleView('v2', GROUP, CLUSTER0, changed));

  const refusals: [object, string][] = [
    [{ clusterId: CLUSTER1.clusterId }, invalidAttribute('clusterId', `must be the cluster's clusterId ${CLUSTER0.clusterId}`)],
    [{ clusterId: 'not-an-id' }, invalidAttribute('clusterId', 'must be a 24-hexadecimal-digit id')],
    [
      { snapshotRetentionDays: 4, retention: 4 },
      invalidAttribute(
        'retention',
        'unknown field (allowed: clusterCheckpointIntervalMin, dailySnapshotRetentionDays, monthlySnapshotRetentionMonths, pointInTimeWindowHours, snapshotIntervalHours, snapshotRetentionDays, weeklySnapshotRetentionWeeks, clusterId, groupId, links)',
      ),
    ],
    [[], invalidAttribute('(body)', 'must be an object')],
  ];
  for (const [payload, body] of refusals) {
    const res = await authed(app, call('v2', url, 'PATCH', payload));
    assertError(t, res, 400, 'INVALID_ATTRIBUTE', body);
  }
  const otherGroup = await authed(app, { ...call('v2', url, 'PATCH', { groupId: GROUP2, snapshotRetentionDays: 4 }), sendsReadOnly: true });
  assertError(t, otherGroup, 400, 'INVALID_ATTRIBUTE', invalidAttribute('groupId', `must be the project's id ${GROUP}`));
  const malformed = await authed(app, {
    url,
    method: 'PATCH',
    headers: { accept: V2_ACCEPT, 'content-type': V2_ACCEPT },
    payload: '{"snapshotRetentionDays": 4',
  });
  assertError(t, malformed, 400, 'INVALID_JSON', atlasError(400, 'INVALID_JSON', 'Received JSON is malformed.'));
  t.strictSame(
    await getSchedule(t, app, 'v2', GROUP, 'Cluster0'),
    scheduleView('v2', GROUP, CLUSTER0, changed),
    'no refusal changed anything',
  );
});

t.test(
  'PATCH clusterCheckpointIntervalMin: a sharded cluster changes it; a replica set may only send back the value it read',
  async (t) => {
    const app = buildTestApp(t, {}, { clock: new TestClock() });
    const sharded = await authed(app, {
      url: scheduleUrl('v1.0', GROUP, 'Cluster0'),
      method: 'PATCH',
      payload: { clusterCheckpointIntervalMin: 30 },
    });
    t.equal(sharded.statusCode, 200);
    t.strictSame(json(sharded), scheduleView('v1.0', GROUP, CLUSTER0, { ...CLUSTER0.schedule, clusterCheckpointIntervalMin: 30 }));

    const rs = scheduleUrl('v1.0', GROUP, 'Cluster1');
    for (const value of [30, 60]) {
      const res = await authed(app, {
        url: rs,
        method: 'PATCH',
        payload: { clusterCheckpointIntervalMin: value, snapshotIntervalHours: 8 },
      });
      assertError(t, res, 400, 'INVALID_ATTRIBUTE', invalidAttribute('clusterCheckpointIntervalMin', 'applies to sharded clusters only'));
    }
    t.strictSame(
      await getSchedule(t, app, 'v1.0', GROUP, 'Cluster1'),
      scheduleView('v1.0', GROUP, CLUSTER1, DEFAULT_SCHEDULE),
      'the refused change left the schedule alone',
    );
    // The whole view read back (as the Go SDK's SnapshotSchedule always sends clusterCheckpointIntervalMin).
    const read = await getSchedule(t, app, 'v1.0', GROUP, 'Cluster1');
    const roundTrip = await authed(app, { url: rs, method: 'PATCH', payload: { ...read, snapshotIntervalHours: 8 }, sendsReadOnly: true });
    t.equal(roundTrip.statusCode, 200, 'round trip accepted');
    t.strictSame(json(roundTrip), scheduleView('v1.0', GROUP, CLUSTER1, { ...DEFAULT_SCHEDULE, snapshotIntervalHours: 8 }));
  },
);

t.test('v2 PATCH with an unacceptable Accept header: 406 and nothing changed', async (t) => {
  const app = buildTestApp(t, {}, { clock: new TestClock() });
  const url = scheduleUrl('v2', GROUP, 'Cluster0');
  for (const accept of ['application/json', 'application/vnd.atlas.2022-12-31+json']) {
    const res = await authed(app, { url, method: 'PATCH', headers: { accept }, payload: { snapshotIntervalHours: 24 } });
    assertError(t, res, 406, 'INVALID_VERSION_DATE', atlasError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.'));
  }
  t.strictSame(await getSchedule(t, app, 'v2', GROUP, 'Cluster0'), scheduleView('v2', GROUP, CLUSTER0, CLUSTER0.schedule));
});

// Live clusters: a change applies from the moment it is made; what was taken before keeps the
// schedule it was taken under.
const LIVE_GROUP = '6c0000000000000000000001';
const LIVE_FIXTURE = {
  projects: [
    {
      id: LIVE_GROUP,
      clusters: [
        { name: 'LiveSharded', clusterId: '6c00000000000000000000a1', type: 'SHARDED', shards: 1, live: true },
        { name: 'LiveRS', clusterId: '6c00000000000000000000a2', type: 'REPLICASET', live: true },
      ],
    },
  ],
};
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

t.test('live sharded cluster: a new checkpoint interval spaces the checkpoints taken after the change', async (t) => {
  const clock = new TestClock();
  const start = clock.now();
  const app = buildTestApp(t, {}, { clock });
  load(app, LIVE_FIXTURE);
  const list = `${clusterUrl('v1.0', LIVE_GROUP, 'LiveSharded')}/backupCheckpoints`;
  const timestamps = async () => json(await authed(app, { url: list })).results.map((c: { timestamp: string }) => c.timestamp);

  clock.advance(HOUR);
  const firstHour = [15, 30, 45, 60].map((m) => iso(start + m * MINUTE));
  t.same(await timestamps(), firstHour, 'every 15 minutes (the default) since the cluster went live');

  const res = await authed(app, {
    url: scheduleUrl('v1.0', LIVE_GROUP, 'LiveSharded'),
    method: 'PATCH',
    payload: { clusterCheckpointIntervalMin: 60 },
  });
  t.equal(res.statusCode, 200);
  t.strictSame(
    json(res),
    scheduleView(
      'v1.0',
      LIVE_GROUP,
      { name: 'LiveSharded', clusterId: '6c00000000000000000000a1' },
      { ...DEFAULT_SCHEDULE, clusterCheckpointIntervalMin: 60 },
    ),
  );
  clock.advance(2 * HOUR);
  t.same(
    await timestamps(),
    [...firstHour, iso(start + 2 * HOUR), iso(start + 3 * HOUR)],
    'hourly after the change, the first hour as it was',
  );
});

t.test('live replica set: a new snapshot interval applies to the snapshots taken after the change', async (t) => {
  const clock = new TestClock();
  const start = clock.now();
  const app = buildTestApp(t, {}, { clock });
  load(app, LIVE_FIXTURE);
  const list = `${clusterUrl('v1.0', LIVE_GROUP, 'LiveRS')}/snapshots`;
  const created = async () => json(await authed(app, { url: list })).results.map((s: { created: { date: string } }) => s.created.date);

  clock.advance(6 * HOUR + 5 * MINUTE);
  t.same(await created(), [iso(start + 6 * HOUR)], 'one snapshot every 6 hours (the default)');
  const res = await authed(app, call('v2', scheduleUrl('v2', LIVE_GROUP, 'LiveRS'), 'PATCH', { snapshotIntervalHours: 12 }));
  t.equal(res.statusCode, 200);
  clock.advance(18 * HOUR);
  // With 6 hours there would also be one at 18:00.
  t.same(await created(), [iso(start + 6 * HOUR), iso(start + 12 * HOUR), iso(start + 24 * HOUR)], 'every 12 hours after the change');
});

// The errors each operation declares in the spec: GET 401, 403, 404, 429, 500; PATCH also 400.
interface Operation {
  name: string;
  method: 'GET' | 'PATCH';
  payload?: object;
}
const OPERATIONS: Operation[] = [
  { name: 'getGroupClusterSnapshotSchedule', method: 'GET' },
  { name: 'updateGroupClusterSnapshotSchedule', method: 'PATCH', payload: { snapshotIntervalHours: 8 } },
];

/** What provokes each error `op` declares on `version`. */
function declaredErrors(op: Operation, version: Version): DeclaredErrors {
  const url = scheduleUrl(version, GROUP, 'Cluster0');
  const badInterval = {
    request: call(version, url, 'PATCH', { snapshotIntervalHours: 5 }),
    errorCode: 'INVALID_ATTRIBUTE',
    body: invalidAttribute('snapshotIntervalHours', 'must be one of 6, 8, 12, 24'),
  };
  return {
    request: call(version, url, op.method, op.payload),
    group: GROUP,
    bad: op.method === 'PATCH' ? badInterval : undefined,
    missing: [
      [
        scheduleUrl(version, GROUP, 'Cluster9'),
        'CLUSTER_NOT_FOUND',
        `No cluster named Cluster9 exists in group ${GROUP}.`,
        ['Cluster9', GROUP],
      ],
      [
        scheduleUrl(version, '111111111111111111111111', 'Cluster0'),
        'GROUP_NOT_FOUND',
        'No group with ID 111111111111111111111111 exists.',
        ['111111111111111111111111'],
      ],
      [scheduleUrl(version, 'nothex', 'Cluster0'), 'INVALID_GROUP_ID', 'An invalid group ID nothex was specified.', ['nothex']],
    ],
    allowed: { request: call(version, scheduleUrl(version, GROUP, 'Cluster1')), status: 200 },
  };
}

t.test('errors the spec declares, on v1.0 and v2', async (t) => {
  const apps = errorApps((clock, rateLimit) => buildTestApp(t, rateLimit === undefined ? {} : { rateLimit }, { clock }));
  const { clock, app, limited } = apps;
  load(app, { apiKeys: [{ ...FARAWAY, projects: '*', accessList: ['192.0.2.0/24'] }] });
  await testDeclaredErrors(
    t,
    apps,
    OPERATIONS.map((op) => ({ name: op.name, errors: (version) => declaredErrors(op, version) })),
  );

  // None of the refused PATCHes changed the schedule.
  for (const version of VERSIONS)
    t.strictSame(await getSchedule(t, app, version, GROUP, 'Cluster0'), scheduleView(version, GROUP, CLUSTER0, CLUSTER0.schedule));
  clock.advance(60_000);
  t.strictSame(
    await getSchedule(t, limited, 'v1.0', GROUP, 'Cluster0'),
    scheduleView('v1.0', GROUP, CLUSTER0, CLUSTER0.schedule),
    'nor the rate-limited ones',
  );
});

t.test('a cluster on Cloud Backup: 400 BACKUP_JOB_NOT_FOUND for both operations (chosen: the spec declares no 400 for GET)', async (t) => {
  const app = buildTestApp(t, {}, { clock: new TestClock() });
  for (const version of VERSIONS) {
    for (const op of OPERATIONS) {
      const res = await authed(app, call(version, scheduleUrl(version, GROUP, 'CloudCluster'), op.method, op.payload));
      assertError(
        t,
        res,
        400,
        'BACKUP_JOB_NOT_FOUND',
        atlasError(400, 'BACKUP_JOB_NOT_FOUND', 'Backups are not enabled for this cluster.'),
      );
    }
  }
});
