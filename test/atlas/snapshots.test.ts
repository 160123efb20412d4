import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { authed, buildTestApp, GROUP, json, load, TestClock } from '../helpers/test-app.js';
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
  sorted,
  testDeclaredErrors,
  type DeclaredErrors,
  type Version,
  VERSIONS,
} from '../helpers/atlas-answers.js';

// The snapshot operations on v1.0 and v2: list (completed filter, paging), get, PATCH (expires,
// doNotDelete, not both), DELETE (204; a doNotDelete snapshot refused), the errors each declares,
// and a live cluster's snapshots as the clock moves. Expected bodies are built from the fixture
// below and the clock moves the tests make, never from a response.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const clusterUrl = (version: Version, group: string, cluster: string) => `/api/atlas/${version}/groups/${group}/clusters/${cluster}`;

// A static replica set with four listed snapshots (one kept for good, one not complete), and a
// live replica set whose snapshots come with the clock.
const SG = '6c0000000000000000000002';
const STATIC = { name: 'Static', clusterId: '6c00000000000000000000b1' };
const part = (completedTime: string, dataSizeBytes: number) => ({
  clusterId: STATIC.clusterId,
  completedTime,
  compressionSetting: 'GZIP',
  dataSizeBytes,
  encryptionEnabled: false,
  fcv: '4.0',
  fileSizeBytes: dataSizeBytes * 2,
  machineId: 'static-shard-00-00.abcde.mongodb.net:27017',
  mongodVersion: '4.0.28',
  replicaSetName: 'Static-shard-0',
  storageSizeBytes: dataSizeBytes / 2,
  typeName: 'REPLICA_SET',
});
type Listed = {
  id: string;
  created: { date: string; increment: number };
  expires?: string;
  doNotDelete?: boolean;
  complete?: boolean;
  [key: string]: unknown;
};
const S1: Listed = {
  id: '6c0000000000000000000101',
  created: { date: '2025-12-30T06:00:00Z', increment: 1 },
  expires: '2026-01-01T06:00:00Z',
  incremental: true,
  lastOplogAppliedTimestamp: { date: '2025-12-30T06:00:00Z', increment: 1 },
  parts: [part('2025-12-30T06:04:10Z', 1000)],
};
const S2: Listed = {
  id: '6c0000000000000000000102',
  created: { date: '2025-12-31T00:00:00Z', increment: 2 },
  doNotDelete: true,
  expires: '2026-01-07T00:00:00Z',
  incremental: false,
  lastOplogAppliedTimestamp: { date: '2025-12-31T00:00:00Z', increment: 2 },
  parts: [part('2025-12-31T00:03:00Z', 2000)],
};
const S4: Listed = {
  id: '6c0000000000000000000104',
  created: { date: '2025-12-31T12:00:00Z', increment: 3 },
  expires: '2026-01-02T12:00:00Z',
  incremental: true,
  lastOplogAppliedTimestamp: { date: '2025-12-31T12:00:00Z', increment: 3 },
  parts: [part('2025-12-31T12:02:00Z', 4000)],
};
const S3: Listed = {
  id: '6c0000000000000000000103',
  created: { date: '2025-12-31T18:00:00Z', increment: 1 },
  complete: false,
  expires: '2026-01-02T18:00:00Z',
  incremental: true,
  parts: [],
};
const FIXTURE = {
  projects: [
    {
      id: SG,
      clusters: [
        // Listed in another order than their creation: served by creation time.
        { ...STATIC, type: 'REPLICASET', snapshots: [S3, S1, S4, S2] },
        { name: 'LiveRS', clusterId: '6c00000000000000000000b2', type: 'REPLICASET', live: true },
        { name: 'Cloud', clusterId: '6c00000000000000000000b3', type: 'REPLICASET', backup: 'CLOUD' },
      ],
    },
  ],
};

const staticUrl = (version: Version) => `${clusterUrl(version, SG, STATIC.name)}/snapshots`;

/** A listed snapshot as Atlas shows it: the cluster's ids filled in, complete and doNotDelete defaulted, expires hidden while kept for good. */
function shown(s: Listed, version: Version, standalone: boolean, change: { expires?: string; doNotDelete?: boolean } = {}) {
  const { expires: listedExpires, doNotDelete: listedKeep = false, complete = true, ...rest } = s;
  const doNotDelete = change.doNotDelete ?? listedKeep;
  const expires = change.expires ?? listedExpires;
  const self = `${HOST}${staticUrl(version)}/${s.id}`;
  const cluster = `${HOST}${clusterUrl(version, SG, STATIC.name)}`;
  const links = standalone
    ? [
        { href: self, rel: 'self' },
        { href: cluster, rel: `${REL[version]}cluster` },
        { href: `${HOST}/api/atlas/${version}/groups/${SG}`, rel: `${REL[version]}group` },
      ]
    : [{ href: self, rel: 'self' }];
  return sorted({
    ...rest,
    clusterId: STATIC.clusterId,
    clusterName: STATIC.name,
    complete,
    doNotDelete,
    ...(doNotDelete || expires === undefined ? {} : { expires }),
    groupId: SG,
    links,
  });
}

function page(version: Version, query: string, results: unknown[], totalCount: number, more: { rel: string; query: string }[] = []) {
  return {
    links: [
      { href: `${HOST}${staticUrl(version)}?${query}`, rel: 'self' },
      ...more.map((m) => ({ href: `${HOST}${staticUrl(version)}?${m.query}`, rel: m.rel })),
    ],
    results,
    totalCount,
  };
}

function appWithFixture(t: Test, clock = new TestClock(), rateLimit?: string): FastifyInstance {
  const app = buildTestApp(t, rateLimit === undefined ? {} : { rateLimit }, { clock });
  load(app, FIXTURE);
  return app;
}

t.test('list: completed snapshots by creation time, exact on v1.0 and v2', async (t) => {
  const app = appWithFixture(t);
  for (const version of VERSIONS) {
    const res = await authed(app, call(version, staticUrl(version)));
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], CONTENT_TYPE[version]);
    const expected = page(
      version,
      'pageNum=1&itemsPerPage=100',
      [S1, S2, S4].map((s) => shown(s, version, false)),
      3,
    );
    t.strictSame(json(res), expected);
    t.equal(res.body, JSON.stringify(expected), 'compact, keys in alphabetical order');
  }
});

t.test('list: completed=true|false|all, paging and includeCount', async (t) => {
  const app = appWithFixture(t);
  const v = 'v1.0';
  const list = async (query: string) => {
    const res = await authed(app, { url: `${staticUrl(v)}?${query}` });
    t.equal(res.statusCode, 200, query);
    return json(res);
  };
  const view = (s: Listed) => shown(s, v, false);
  t.strictSame(await list('completed=true'), page(v, 'completed=true&pageNum=1&itemsPerPage=100', [S1, S2, S4].map(view), 3));
  t.strictSame(await list('completed=false'), page(v, 'completed=false&pageNum=1&itemsPerPage=100', [view(S3)], 1));
  t.strictSame(await list('completed=all'), page(v, 'completed=all&pageNum=1&itemsPerPage=100', [S1, S2, S4, S3].map(view), 4));
  t.strictSame(
    await list('completed=all&itemsPerPage=3'),
    page(v, 'completed=all&pageNum=1&itemsPerPage=3', [S1, S2, S4].map(view), 4, [
      { rel: 'next', query: 'completed=all&itemsPerPage=3&pageNum=2' },
    ]),
  );
  t.strictSame(
    await list('itemsPerPage=1&pageNum=2&completed=all'),
    page(v, 'completed=all&pageNum=2&itemsPerPage=1', [view(S2)], 4, [
      { rel: 'previous', query: 'completed=all&itemsPerPage=1&pageNum=1' },
      { rel: 'next', query: 'completed=all&itemsPerPage=1&pageNum=3' },
    ]),
  );
  t.strictSame(
    await list('pageNum=2&itemsPerPage=2'),
    page(v, 'pageNum=2&itemsPerPage=2', [view(S4)], 3, [{ rel: 'previous', query: 'itemsPerPage=2&pageNum=1' }]),
    'the default filter is completed=true',
  );
  t.strictSame(
    await list('completed=all&includeCount=false&itemsPerPage=2'),
    page(v, 'completed=all&includeCount=false&pageNum=1&itemsPerPage=2', [S1, S2].map(view), 0),
    'includeCount=false: totalCount 0 and no next link',
  );
  for (const bad of ['completed=yes', 'completed=TRUE', 'completed=', 'completed=all&completed=true']) {
    const res = await authed(app, { url: `${staticUrl(v)}?${bad}` });
    assertError(
      t,
      res,
      400,
      'INVALID_QUERY_PARAMETER',
      atlasError(400, 'INVALID_QUERY_PARAMETER', 'Invalid query parameter completed specified.', ['completed']),
    );
  }
  // A replica set without snapshots: an empty list, not an error.
  const empty = await authed(app, { url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster1/snapshots` });
  t.equal(
    empty.body,
    `{"links":[{"href":"${HOST}/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster1/snapshots?pageNum=1&itemsPerPage=100","rel":"self"}],"results":[],"totalCount":0}`,
  );
});

t.test('get one: exact on v1.0 and v2, with cluster and group links; an incomplete one too', async (t) => {
  const app = appWithFixture(t);
  for (const version of VERSIONS) {
    for (const s of [S1, S2, S3]) {
      const res = await authed(app, call(version, `${staticUrl(version)}/${s.id}`));
      t.equal(res.statusCode, 200);
      t.equal(res.headers['content-type'], CONTENT_TYPE[version]);
      t.equal(res.body, JSON.stringify(shown(s, version, true)), `${s.id} ${version}`);
    }
  }
});

t.test('PATCH: a new expiry, or kept for good; exact on v1.0 and v2; later reads answer the change', async (t) => {
  const app = appWithFixture(t);
  // Read first, so that a stale cached page would show.
  t.equal((await authed(app, { url: `${staticUrl('v1.0')}/${S1.id}` })).statusCode, 200);

  const v1 = await authed(app, call('v1.0', `${staticUrl('v1.0')}/${S1.id}`, 'PATCH', { expires: '2026-06-01T00:00:00Z' }));
  t.equal(v1.statusCode, 200);
  t.equal(v1.headers['content-type'], 'application/json');
  t.equal(v1.body, JSON.stringify(shown(S1, 'v1.0', true, { expires: '2026-06-01T00:00:00Z' })));

  const v2 = await authed(app, call('v2', `${staticUrl('v2')}/${S4.id}`, 'PATCH', { doNotDelete: true }));
  t.equal(v2.statusCode, 200);
  t.equal(v2.headers['content-type'], CONTENT_TYPE.v2);
  t.strictSame(json(v2), shown(S4, 'v2', true, { doNotDelete: true }), 'kept for good: no expires shown');

  // Released again: the expiry it had comes back.
  const released = await authed(app, call('v2', `${staticUrl('v2')}/${S2.id}`, 'PATCH', { doNotDelete: false }));
  t.strictSame(json(released), shown(S2, 'v2', true, { doNotDelete: false }));
  t.equal(json(released).expires, S2.expires);

  // Milliseconds are accepted and shown to the second, as Atlas writes instants.
  const millis = await authed(
    app,
    call('v1.0', `${staticUrl('v1.0')}/${S3.id}`, 'PATCH', { expires: '2026-03-01T12:30:00.750Z', doNotDelete: false }),
  );
  t.strictSame(json(millis), shown(S3, 'v1.0', true, { expires: '2026-03-01T12:30:00Z' }), 'doNotDelete false with expires is allowed');

  t.strictSame(
    json(await authed(app, { url: `${staticUrl('v1.0')}/${S1.id}` })),
    shown(S1, 'v1.0', true, { expires: '2026-06-01T00:00:00Z' }),
  );
  t.strictSame(json(await authed(app, call('v2', `${staticUrl('v2')}?completed=all`))).results, [
    shown(S1, 'v2', false, { expires: '2026-06-01T00:00:00Z' }),
    shown(S2, 'v2', false, { doNotDelete: false }),
    shown(S4, 'v2', false, { doNotDelete: true }),
    shown(S3, 'v2', false, { expires: '2026-03-01T12:30:00Z' }),
  ]);
});

t.test('PATCH refusals: doNotDelete with expires, an expiry not in the future, bad values; nothing changes', async (t) => {
  const clock = new TestClock();
  const app = appWithFixture(t, clock);
  const url = `${staticUrl('v2')}/${S1.id}`;
  const now = new Date(clock.now()).toISOString().replace('.000Z', 'Z');
  const refusals: [object, string, string][] = [
    [
      { doNotDelete: true, expires: '2026-06-01T00:00:00Z' },
      'VALIDATION_ERROR',
      atlasError(400, 'VALIDATION_ERROR', 'Cannot set doNotDelete to true and expires in the same request.'),
    ],
    [{ expires: now }, 'INVALID_ATTRIBUTE', invalidAttribute('expires', 'must be in the future')],
    [{ expires: '2025-12-31T23:59:59Z' }, 'INVALID_ATTRIBUTE', invalidAttribute('expires', 'must be in the future')],
    [
      { expires: '2026-02-30T00:00:00Z' },
      'INVALID_ATTRIBUTE',
      invalidAttribute('expires', 'must be a real UTC date-time like 2018-02-08T23:19:37Z'),
    ],
    [
      { expires: '2026-06-01T00:00:00+01:00' },
      'INVALID_ATTRIBUTE',
      invalidAttribute('expires', 'must be a real UTC date-time like 2018-02-08T23:19:37Z'),
    ],
    [{ doNotDelete: 'yes' }, 'INVALID_ATTRIBUTE', invalidAttribute('doNotDelete', 'must be true or false')],
  ];
  for (const [payload, code, body] of refusals) assertError(t, await authed(app, call('v2', url, 'PATCH', payload)), 400, code, body);
  // A field the snapshot shows (readOnly in the description) is no field a PATCH takes.
  const readOnly = await authed(app, { ...call('v2', url, 'PATCH', { id: S1.id }), sendsReadOnly: true });
  assertError(t, readOnly, 400, 'INVALID_ATTRIBUTE', invalidAttribute('id', 'unknown field (allowed: doNotDelete, expires)'));
  const notAcceptable = await authed(app, {
    url,
    method: 'PATCH',
    headers: { accept: 'application/json' },
    payload: { doNotDelete: true },
  });
  assertError(
    t,
    notAcceptable,
    406,
    'INVALID_VERSION_DATE',
    atlasError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.'),
  );
  t.strictSame(json(await authed(app, call('v2', url))), shown(S1, 'v2', true), 'unchanged');
});

t.test('DELETE: 204 without a body on v1.0 and v2, then gone; a doNotDelete snapshot is refused until released', async (t) => {
  const app = appWithFixture(t);
  // Read first, so that a stale cached page would show.
  t.equal(json(await authed(app, { url: staticUrl('v1.0') })).totalCount, 3);
  for (const [version, s] of [
    ['v1.0', S1],
    ['v2', S4],
  ] as const) {
    const res = await authed(app, call(version, `${staticUrl(version)}/${s.id}`, 'DELETE'));
    t.equal(res.statusCode, 204);
    t.equal(res.body, '');
    t.equal(res.headers['content-type'], undefined);
    const again = await authed(app, call(version, `${staticUrl(version)}/${s.id}`));
    assertError(
      t,
      again,
      404,
      'SNAPSHOT_NOT_FOUND',
      atlasError(404, 'SNAPSHOT_NOT_FOUND', `No snapshot with ID ${s.id} exists for cluster Static.`, [s.id, 'Static']),
    );
    const twice = await authed(app, call(version, `${staticUrl(version)}/${s.id}`, 'DELETE'));
    assertError(
      t,
      twice,
      404,
      'SNAPSHOT_NOT_FOUND',
      atlasError(404, 'SNAPSHOT_NOT_FOUND', `No snapshot with ID ${s.id} exists for cluster Static.`, [s.id, 'Static']),
    );
  }
  t.strictSame(
    json(await authed(app, { url: `${staticUrl('v1.0')}?completed=all` })).results,
    [S2, S3].map((s) => shown(s, 'v1.0', false)),
  );

  const kept = await authed(app, { url: `${staticUrl('v1.0')}/${S2.id}`, method: 'DELETE' });
  assertError(
    t,
    kept,
    400,
    'VALIDATION_ERROR',
    atlasError(400, 'VALIDATION_ERROR', `Snapshot ${S2.id} is marked doNotDelete and cannot be deleted.`),
  );
  t.strictSame(json(await authed(app, { url: `${staticUrl('v1.0')}/${S2.id}` })), shown(S2, 'v1.0', true), 'still there');
  t.equal((await authed(app, { url: `${staticUrl('v1.0')}/${S2.id}`, method: 'PATCH', payload: { doNotDelete: false } })).statusCode, 200);
  t.equal((await authed(app, { url: `${staticUrl('v1.0')}/${S2.id}`, method: 'DELETE' })).statusCode, 204);
  t.strictSame(json(await authed(app, { url: `${staticUrl('v1.0')}?completed=all` })).results, [shown(S3, 'v1.0', false)]);
});

t.test('v2 DELETE answers 204 whatever the Accept header (chosen: no body to negotiate)', async (t) => {
  const app = appWithFixture(t);
  const res = await authed(app, { url: `${staticUrl('v2')}/${S1.id}`, method: 'DELETE', headers: { accept: 'application/json' } });
  t.equal(res.statusCode, 204);
});

// A live replica set from 2026-01-01T00:00Z (a Thursday): a snapshot every 6 hours, complete 5
// minutes later, kept 2 days, or 7 when taken at midnight (daily); doNotDelete keeps one for good.
const LIVE = (version: Version) => `${clusterUrl(version, SG, 'LiveRS')}/snapshots`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
interface LiveView {
  id: string;
  created: { date: string };
  complete: boolean;
  doNotDelete: boolean;
  expires?: string;
}
const summary = (s: LiveView) => ({ date: s.created.date, complete: s.complete, doNotDelete: s.doNotDelete, expires: s.expires ?? null });

t.test('live cluster: the completed filter as snapshots complete; expiry, doNotDelete, a new expiry and deletion over days', async (t) => {
  const clock = new TestClock();
  const T0 = clock.now();
  const app = appWithFixture(t, clock);
  const list = async (query = '') => {
    const res = await authed(app, { url: `${LIVE('v1.0')}${query}` });
    t.equal(res.statusCode, 200, `list ${query}`);
    const body = json(res);
    t.equal(body.totalCount, body.results.length);
    for (const s of body.results as LiveView[])
      t.equal(s.id.slice(0, 8), (Date.parse(s.created.date) / 1000).toString(16), "an id starts with its snapshot's second");
    return body.results as LiveView[];
  };
  t.same(await list('?completed=all'), [], 'nothing taken yet');

  clock.advance(6 * HOUR);
  const taking = { date: iso(T0 + 6 * HOUR), complete: false, doNotDelete: false, expires: iso(T0 + 6 * HOUR + 2 * DAY) };
  t.same(await list(), [], 'being taken: not completed');
  t.same((await list('?completed=false')).map(summary), [taking]);
  t.same((await list('?completed=all')).map(summary), [taking]);

  clock.advance(5 * MINUTE);
  const [first] = await list();
  t.same(summary(first!), { ...taking, complete: true });
  t.same(await list('?completed=false'), []);
  const kept = await authed(app, { url: `${LIVE('v1.0')}/${first!.id}`, method: 'PATCH', payload: { doNotDelete: true } });
  t.equal(kept.statusCode, 200);
  t.same(summary(json(kept)), { ...taking, complete: true, doNotDelete: true, expires: null });

  clock.set(T0 + 18 * HOUR + 5 * MINUTE);
  const day1 = await list();
  t.same(
    day1.map((s) => s.created.date),
    [6, 12, 18].map((h) => iso(T0 + h * HOUR)),
  );
  const [, noon, evening] = day1;
  const shortened = await authed(app, call('v2', `${LIVE('v2')}/${noon!.id}`, 'PATCH', { expires: iso(T0 + DAY + 12 * HOUR) }));
  t.equal(shortened.statusCode, 200);
  t.equal(json(shortened).expires, iso(T0 + DAY + 12 * HOUR));
  t.equal((await authed(app, call('v2', `${LIVE('v2')}/${evening!.id}`, 'DELETE'))).statusCode, 204);

  clock.set(T0 + 2 * DAY + 6 * HOUR + 5 * MINUTE);
  const at = (h: number) => T0 + h * HOUR;
  const recent = (h: number) => ({ date: iso(at(h)), complete: true, doNotDelete: false, expires: iso(at(h) + 2 * DAY) });
  const daily = (h: number) => ({ date: iso(at(h)), complete: true, doNotDelete: false, expires: iso(at(h) + 7 * DAY) });
  t.same((await list()).map(summary), [
    { date: iso(at(6)), complete: true, doNotDelete: true, expires: null }, // past its 2 days, kept for good
    // day 1 12:00 expired on its new date; day 1 18:00 deleted (it would be kept until day 3 18:00)
    daily(24), // Friday midnight: a daily snapshot
    recent(30),
    recent(36),
    recent(42),
    daily(48), // Saturday midnight
    recent(54),
  ]);
  for (const gone of [noon!, evening!]) {
    const res = await authed(app, { url: `${LIVE('v1.0')}/${gone.id}` });
    assertError(
      t,
      res,
      404,
      'SNAPSHOT_NOT_FOUND',
      atlasError(404, 'SNAPSHOT_NOT_FOUND', `No snapshot with ID ${gone.id} exists for cluster LiveRS.`, [gone.id, 'LiveRS']),
    );
  }
});

// The errors each operation declares: 401, 403, 404, 429, 500 (DELETE also 400).
interface Operation {
  name: string;
  method: 'GET' | 'PATCH' | 'DELETE';
  url: (version: Version, snapshotId?: string) => string;
  payload?: object;
  one: boolean;
}
const OPERATIONS: Operation[] = [
  { name: 'listGroupClusterSnapshots', method: 'GET', url: (v) => staticUrl(v), one: false },
  { name: 'getGroupClusterSnapshot', method: 'GET', url: (v, id = S1.id) => `${staticUrl(v)}/${id}`, one: true },
  {
    name: 'updateGroupClusterSnapshot',
    method: 'PATCH',
    url: (v, id = S1.id) => `${staticUrl(v)}/${id}`,
    payload: { doNotDelete: true },
    one: true,
  },
  { name: 'deleteGroupClusterSnapshot', method: 'DELETE', url: (v, id = S1.id) => `${staticUrl(v)}/${id}`, one: true },
];

/** What provokes each error `op` declares on `version`. */
function declaredErrors(op: Operation, version: Version): DeclaredErrors {
  const suffix = op.one ? `/snapshots/${S1.id}` : '/snapshots';
  const missing: DeclaredErrors['missing'] = [
    [
      `${clusterUrl(version, SG, 'Nowhere')}${suffix}`,
      'CLUSTER_NOT_FOUND',
      `No cluster named Nowhere exists in group ${SG}.`,
      ['Nowhere', SG],
    ],
    [
      `${clusterUrl(version, '111111111111111111111111', STATIC.name)}${suffix}`,
      'GROUP_NOT_FOUND',
      'No group with ID 111111111111111111111111 exists.',
      ['111111111111111111111111'],
    ],
  ];
  if (op.one) {
    const unknown = '6c0000000000000000000999';
    missing.push(
      [op.url(version, unknown), 'SNAPSHOT_NOT_FOUND', `No snapshot with ID ${unknown} exists for cluster Static.`, [unknown, 'Static']],
      [op.url(version, 'NOT-AN-ID'), 'INVALID_SNAPSHOT_ID', 'An invalid snapshot ID NOT-AN-ID was specified.', ['NOT-AN-ID']],
      // A snapshot of another cluster is not this cluster's.
      [
        `${clusterUrl(version, SG, 'LiveRS')}/snapshots/${S1.id}`,
        'SNAPSHOT_NOT_FOUND',
        `No snapshot with ID ${S1.id} exists for cluster LiveRS.`,
        [S1.id, 'LiveRS'],
      ],
    );
  }
  const doNotDelete = atlasError(400, 'VALIDATION_ERROR', `Snapshot ${S2.id} is marked doNotDelete and cannot be deleted.`);
  return {
    request: call(version, op.url(version), op.method, op.payload),
    group: SG,
    bad:
      op.method === 'DELETE'
        ? { request: call(version, op.url(version, S2.id), 'DELETE'), errorCode: 'VALIDATION_ERROR', body: doNotDelete }
        : undefined,
    missing,
    allowed: { request: call(version, `${clusterUrl(version, SG, STATIC.name)}/snapshotSchedule`), status: 200 },
  };
}

t.test('errors the spec declares, on v1.0 and v2', async (t) => {
  const apps = errorApps((clock, rateLimit) => appWithFixture(t, clock, rateLimit));
  const { clock, app, limited } = apps;
  load(app, { apiKeys: [{ ...FARAWAY, projects: '*', accessList: ['192.0.2.0/24'] }] });
  await testDeclaredErrors(
    t,
    apps,
    OPERATIONS.map((op) => ({ name: op.name, errors: (version) => declaredErrors(op, version) })),
  );

  // No refused PATCH or DELETE changed anything.
  for (const emulator of [app, limited]) {
    clock.advance(60_000);
    const res = await authed(emulator, { url: `${staticUrl('v1.0')}?completed=all` });
    t.strictSame(
      json(res).results,
      [S1, S2, S4, S3].map((s) => shown(s, 'v1.0', false)),
    );
  }
});

t.test('a cluster on Cloud Backup: 400 BACKUP_JOB_NOT_FOUND for every snapshot operation (chosen: only DELETE declares 400)', async (t) => {
  const app = appWithFixture(t);
  for (const version of VERSIONS) {
    for (const op of OPERATIONS) {
      const url = op.url(version).replace(`/clusters/${STATIC.name}/`, '/clusters/Cloud/');
      const res = await authed(app, call(version, url, op.method, op.payload));
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
