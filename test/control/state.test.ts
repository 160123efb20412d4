import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { authed, buildTestApp, CLUSTER0, GROUP, GROUP2, json } from '../helpers/test-app.js';
import { control, invalidControlRequest, listSnapshot } from '../helpers/control-client.js';

const DEFAULT_COUNTS = { projects: 2, clusters: 4, checkpoints: 73 };
const NEW_GROUP = 'aaaaaaaaaaaaaaaaaaaaaaaa';

/** A valid project with one cluster of `count` generated checkpoints. */
function project(id: string, count: number, clusterName = 'Gen') {
  return { id, name: `P ${id}`, clusters: [{ name: clusterName, clusterId: 'bbbbbbbbbbbbbbbbbbbbbbbb', generate: { count } }] };
}

t.test('GET /fixtures exports the whole state, every checkpoint listed', async (t) => {
  const app = buildTestApp(t);
  const res = await control(app, 'GET', '/fixtures');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  const doc = json(res);
  t.same(
    doc.projects.map((p: { id: string }) => p.id),
    [GROUP2, GROUP].sort(),
  );
  const cluster0 = doc.projects.find((p: { id: string }) => p.id === GROUP).clusters.find((c: { name: string }) => c.name === 'Cluster0');
  t.equal(cluster0.checkpoints.length, 61);
  t.equal(cluster0.checkpoints[0].id, '5a7cdb3980eef53de5bffdcf');
  t.notOk('generate' in cluster0, 'generated checkpoints are exported explicitly');
});

t.test('export then load round-trips: list responses byte-identical, export identical', async (t) => {
  const app = buildTestApp(t);
  const before = await listSnapshot(app);
  const exported = (await control(app, 'GET', '/fixtures')).body;

  const replaced = await control(app, 'POST', '/fixtures?mode=replace', { projects: [project(NEW_GROUP, 3)] });
  t.equal(replaced.statusCode, 200);
  t.same(json(replaced), { mode: 'replace', counts: { projects: 1, clusters: 1, checkpoints: 3 } });
  t.equal((await authed(app, { url: CLUSTER0 })).statusCode, 404, 'the old data is gone (and no cached page survives)');

  const reloaded = await control(app, 'POST', '/fixtures?mode=replace', exported);
  t.equal(reloaded.statusCode, 200);
  t.same(json(reloaded), { mode: 'replace', counts: DEFAULT_COUNTS });
  t.same(await listSnapshot(app), before);
  t.equal((await control(app, 'GET', '/fixtures')).body, exported);
});

t.test('POST /fixtures merges by default', async (t) => {
  const app = buildTestApp(t);
  const res = await control(app, 'POST', '/fixtures', { projects: [project(NEW_GROUP, 5)] });
  t.equal(res.statusCode, 200);
  t.same(json(res), { mode: 'merge', counts: { projects: 3, clusters: 5, checkpoints: 78 } });
  const list = await authed(app, { url: `/api/atlas/v1.0/groups/${NEW_GROUP}/clusters/Gen/backupCheckpoints` });
  t.equal(json(list).totalCount, 5);
  t.equal(json(await authed(app, { url: CLUSTER0 })).totalCount, 61, 'existing data stays');
});

t.test('a failed load changes nothing', async (t) => {
  const app = buildTestApp(t);
  const before = await listSnapshot(app);
  const exported = (await control(app, 'GET', '/fixtures')).body;
  // Valid projects first, the problem deep in the last one: nothing of it may land.
  const bad = {
    projects: [
      project(NEW_GROUP, 10),
      {
        id: GROUP,
        clusters: [
          { name: 'Cluster0', clusterId: '6b8cd61180eef547110159d9', checkpoints: [{ id: 'nothex', timestamp: '2030-01-01T00:00:00Z' }] },
        ],
      },
    ],
  };
  for (const mode of ['merge', 'replace']) {
    const res = await control(app, 'POST', `/fixtures?mode=${mode}`, bad);
    t.equal(res.statusCode, 400, mode);
    t.equal(res.headers['x-error-code'], 'INVALID_CONTROL_REQUEST');
    t.same(
      json(res),
      invalidControlRequest('$.projects[1].clusters[0].checkpoints[0].id', 'must be a 24-hexadecimal-digit id, got "nothex"'),
    );
  }
  t.equal((await control(app, 'GET', '/fixtures')).body, exported);
  t.same(await listSnapshot(app), before);
});

t.test('a fixture document with several mistakes is refused naming each, with the value found, and changes nothing', async (t) => {
  const app = buildTestApp(t);
  const exported = (await control(app, 'GET', '/fixtures')).body;
  const bad = {
    projects: [
      {
        id: NEW_GROUP,
        clusters: [
          {
            name: 'orders_prod',
            clusterId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
            generate: { count: -1 },
            checkpoints: [{ id: 'nothex', timestamp: '2030-01-01T00:00:00Z', colour: 'red' }],
          },
        ],
      },
      { id: 'xyz' },
    ],
    apiKeys: [{ publicKey: 'ci key', privateKey: 'two words', projects: '*' }],
  };
  const mistakes = [
    [
      '$.projects[0].clusters[0].name',
      'must be a cluster name matching ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most 64 characters), got "orders_prod"',
    ],
    ['$.projects[0].clusters[0].checkpoints[0].id', 'must be a 24-hexadecimal-digit id, got "nothex"'],
    [
      '$.projects[0].clusters[0].checkpoints[0].colour',
      'unknown field (allowed: clusterId, completed, groupId, id, parts, restorable, started, timestamp)',
    ],
    ['$.projects[0].clusters[0].generate.count', 'must be an integer from 0 to 10000000, got -1'],
    ['$.projects[1].id', 'must be a 24-hexadecimal-digit id, got "xyz"'],
    ['$.apiKeys[0].publicKey', 'must be 1 to 128 letters, digits or ._~@+-, got "ci key"'],
    ['$.apiKeys[0].privateKey', 'must be 1 to 256 printable ASCII characters without spaces, got (secret, not shown)'],
  ];
  const res = await control(app, 'POST', '/fixtures', bad);
  t.equal(res.statusCode, 400);
  t.equal(res.headers['x-error-code'], 'INVALID_CONTROL_REQUEST');
  t.match(res.headers['content-type'], /^application\/json/);
  t.same(json(res), {
    detail: `Invalid ${mistakes.map(([where, problem]) => `${where}: ${problem}`).join('; ')}.`,
    error: 400,
    errorCode: 'INVALID_CONTROL_REQUEST',
    parameters: mistakes.map(([where]) => where),
    reason: 'Bad Request',
  });
  t.notMatch(res.body, 'two words', 'the private key is not shown');
  t.equal((await control(app, 'GET', '/fixtures')).body, exported, 'nothing of it was loaded');
});

t.test('a fixture document with more than 20 mistakes names the first 20 in document order and counts the others', async (t) => {
  const app = buildTestApp(t);
  // The project's id is read after its clusters (a project is complete at its end), yet named first.
  const checkpoints = Array.from({ length: 25 }, (_, i) => ({ id: `x${i}`, timestamp: '2030-01-01T00:00:00Z' }));
  const bad = { projects: [{ id: 'xyz', clusters: [{ name: 'c', clusterId: 'bbbbbbbbbbbbbbbbbbbbbbbb', checkpoints }] }] };
  const named = [
    ['$.projects[0].id', 'must be a 24-hexadecimal-digit id, got "xyz"'],
    ...checkpoints
      .slice(0, 19)
      .map((_, i) => [`$.projects[0].clusters[0].checkpoints[${i}].id`, `must be a 24-hexadecimal-digit id, got "x${i}"`]),
  ];
  const res = await control(app, 'POST', '/fixtures?mode=replace', bad);
  t.equal(res.statusCode, 400);
  t.same(json(res), {
    detail: `Invalid ${named.map(([where, problem]) => `${where}: ${problem}`).join('; ')}; and 6 more.`,
    error: 400,
    errorCode: 'INVALID_CONTROL_REQUEST',
    parameters: named.map(([where]) => where),
    reason: 'Bad Request',
  });
  t.same(json(await control(app, 'GET', '/ready')).counts, DEFAULT_COUNTS, 'nothing replaced');
});

t.test('bad fixture requests name the field', async (t) => {
  const app = buildTestApp(t);
  const cases: [string, unknown, object][] = [
    ['/fixtures?mode=upsert', { projects: [] }, invalidControlRequest('mode', 'must be one of merge, replace')],
    ['/fixtures?modes=merge', { projects: [] }, invalidControlRequest('query.modes', 'unknown field (allowed: mode)')],
    ['/fixtures', { projects: {} }, invalidControlRequest('$.projects', 'must be an array, got {}')],
    [
      '/fixtures',
      { project: [] },
      invalidControlRequest('$.project', 'unknown field (allowed: $schema, description, projects, apiKeys, serviceAccounts)'),
    ],
    ['/fixtures', [], invalidControlRequest('$', 'must be an object, got []')],
    ['/fixtures', '{"projects": [', invalidControlRequest('body', 'is not valid JSON (unexpected end of the JSON document)')],
  ];
  for (const [url, body, expected] of cases) {
    const res = await control(app, 'POST', url, body);
    t.equal(res.statusCode, 400, url);
    t.same(json(res), expected, url);
  }
  const empty = await app.inject({ method: 'POST', url: '/_emulator/fixtures', headers: { 'content-type': 'application/json' } });
  t.equal(empty.statusCode, 400);
  t.same(json(empty), invalidControlRequest('body', 'is empty'));
  // No body and no content type at all: the same answer (not a 500).
  const absent = await app.inject({ method: 'POST', url: '/_emulator/fixtures' });
  t.equal(absent.statusCode, 400);
  t.same(json(absent), invalidControlRequest('body', 'is empty'));
  t.same(json(await control(app, 'GET', '/fixtures')).projects.length, 2);
});

t.test('DELETE /projects/:groupId removes a project, its clusters and checkpoints', async (t) => {
  const app = buildTestApp(t);
  t.ok((await authed(app, { url: CLUSTER0 })).statusCode === 200, 'cached before the delete');
  const res = await control(app, 'DELETE', `/projects/${GROUP}`);
  t.equal(res.statusCode, 204);
  t.equal(res.body, '');
  const list = await authed(app, { url: CLUSTER0 });
  t.equal(list.statusCode, 404);
  t.equal(json(list).errorCode, 'GROUP_NOT_FOUND');
  t.same(json(await control(app, 'GET', '/ready')).counts, { projects: 1, clusters: 1, checkpoints: 12 });

  const again = await control(app, 'DELETE', `/projects/${GROUP}`);
  t.equal(again.statusCode, 404);
  t.same(json(again), {
    detail: `No group with ID ${GROUP} exists.`,
    error: 404,
    errorCode: 'GROUP_NOT_FOUND',
    parameters: [GROUP],
    reason: 'Not Found',
  });
});

t.test('DELETE /projects/:groupId/clusters/:clusterName removes one cluster', async (t) => {
  const app = buildTestApp(t);
  const res = await control(app, 'DELETE', `/projects/${GROUP}/clusters/Cluster0`);
  t.equal(res.statusCode, 204);
  const list = await authed(app, { url: CLUSTER0 });
  t.equal(json(list).errorCode, 'CLUSTER_NOT_FOUND');
  t.equal(
    (await authed(app, { url: `/api/atlas/v1.0/groups/${GROUP2}/clusters/Cluster0/backupCheckpoints` })).statusCode,
    200,
    'the other project keeps its Cluster0',
  );

  const again = await control(app, 'DELETE', `/projects/${GROUP}/clusters/Cluster0`);
  t.equal(again.statusCode, 404);
  t.equal(json(again).errorCode, 'CLUSTER_NOT_FOUND');
  const noProject = await control(app, 'DELETE', `/projects/${NEW_GROUP}/clusters/Cluster0`);
  t.equal(noProject.statusCode, 404);
  t.equal(json(noProject).errorCode, 'GROUP_NOT_FOUND');
});

/** Changes the data (GROUP2 deleted), the journal and the fault rules. */
async function touchEverything(app: FastifyInstance): Promise<void> {
  await control(app, 'DELETE', `/projects/${GROUP2}`);
  await authed(app, { url: CLUSTER0 });
  await control(app, 'POST', '/faults', { effect: { type: 'error' }, match: { path: '/nothing' } });
}

t.test('POST /reset', async (t) => {
  t.test('scope data: back to the start-up dataset, byte for byte', async (t) => {
    const app = buildTestApp(t);
    const before = await listSnapshot(app);
    await control(app, 'DELETE', `/projects/${GROUP}`);
    await control(app, 'POST', '/fixtures', { projects: [project(NEW_GROUP, 4)] });
    await control(app, 'POST', '/faults', { effect: { type: 'error' }, match: { path: '/nothing' } });
    const res = await control(app, 'POST', '/reset?scope=data');
    t.equal(res.statusCode, 200);
    t.same(json(res), { scope: 'data', counts: DEFAULT_COUNTS });
    t.same(await listSnapshot(app), before);
    t.equal(json(await control(app, 'GET', '/faults')).faults.length, 1, 'faults untouched');
    t.ok(json(await control(app, 'GET', '/requests')).requests.length > 0, 'journal untouched');
  });

  t.test('scope journal and scope faults touch only their part', async (t) => {
    const app = buildTestApp(t);
    await touchEverything(app);
    t.same(json(await control(app, 'POST', '/reset?scope=journal')), {
      scope: 'journal',
      counts: { projects: 1, clusters: 3, checkpoints: 61 },
    });
    t.same(json(await control(app, 'GET', '/requests')).requests, []);
    t.equal(json(await control(app, 'GET', '/faults')).faults.length, 1);
    t.same(json(await control(app, 'POST', '/reset?scope=faults')), {
      scope: 'faults',
      counts: { projects: 1, clusters: 3, checkpoints: 61 },
    });
    t.same(json(await control(app, 'GET', '/faults')).faults, []);
  });

  t.test('scope all is the default', async (t) => {
    const app = buildTestApp(t);
    await touchEverything(app);
    t.same(json(await control(app, 'POST', '/reset')), { scope: 'all', counts: DEFAULT_COUNTS });
    t.same(json(await control(app, 'GET', '/requests')).requests, []);
    t.same(json(await control(app, 'GET', '/faults')).faults, []);
    const added = await control(app, 'POST', '/faults', { effect: { type: 'drop' }, match: { path: '/nothing' } });
    t.equal(json(added).id, 'fault-1', 'rule ids restart, so a replayed run names its rules the same');
  });

  t.test('the scope may be given in a JSON body', async (t) => {
    const app = buildTestApp(t);
    await touchEverything(app);
    t.same(json(await control(app, 'POST', '/reset', { scope: 'faults' })), {
      scope: 'faults',
      counts: { projects: 1, clusters: 3, checkpoints: 61 },
    });
    t.same(
      json(await control(app, 'POST', '/reset', { scope: 'data', also: 1 })),
      invalidControlRequest('body.also', 'unknown field (allowed: scope)'),
    );
    t.same(
      json(await control(app, 'POST', '/reset', { scope: 'everything' })),
      invalidControlRequest('scope', 'must be one of all, data, journal, faults, clock'),
    );
    t.same(json(await control(app, 'GET', '/ready')).counts, { projects: 1, clusters: 3, checkpoints: 61 });
  });

  t.test('an unknown scope is refused and resets nothing', async (t) => {
    const app = buildTestApp(t);
    await control(app, 'DELETE', `/projects/${GROUP2}`);
    const res = await control(app, 'POST', '/reset?scope=everything');
    t.equal(res.statusCode, 400);
    t.same(json(res), invalidControlRequest('scope', 'must be one of all, data, journal, faults, clock'));
    t.same(json(await control(app, 'GET', '/ready')).counts, { projects: 1, clusters: 3, checkpoints: 61 });
  });
});

t.test('fixture-declared API keys load, export and go away with a data reset', async (t) => {
  const app = buildTestApp(t);
  const key = { publicKey: 'ci-reader', privateKey: 'ci-reader-secret', projects: [GROUP] };
  t.equal((await control(app, 'POST', '/fixtures', { apiKeys: [key] })).statusCode, 200);
  const asKey = { username: key.publicKey, password: key.privateKey };
  t.equal((await authed(app, { url: CLUSTER0 }, asKey)).statusCode, 200);
  t.same(json(await control(app, 'GET', '/fixtures')).apiKeys, [key]);

  await control(app, 'POST', '/reset?scope=data');
  t.equal((await authed(app, { url: CLUSTER0 }, asKey)).statusCode, 401);
  t.same(json(await control(app, 'GET', '/requests?limit=1')).requests[0].auth, { outcome: 'rejected', reason: 'unknown_key' });
});
