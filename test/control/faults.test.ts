import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp, CLUSTER0, GROUP, GROUP2, json, PUBLIC_KEY } from '../helpers/test-app.js';
import { control, invalidControlRequest, signedFetch, signedInject } from '../helpers/control-client.js';

const PAGE2 = `${CLUSTER0}?pageNum=2&itemsPerPage=10`;

async function addFault(app: FastifyInstance, rule: object): Promise<{ id: string }> {
  const res = await control(app, 'POST', '/faults', rule);
  if (res.statusCode !== 201) throw new Error(`fault refused: ${res.body}`);
  return json(res);
}

const faultsOf = async (app: FastifyInstance) =>
  json(await control(app, 'GET', '/requests')).requests.map((e: { status: number | null; fault: unknown }) => [e.status, e.fault]);

t.test('error effects answer in Atlas shape: 500, 503, 429 with Retry-After', async (t) => {
  const app = buildTestApp(t);
  await addFault(app, { match: { pageNum: 2 }, effect: { type: 'error' }, times: 1 });
  await addFault(app, { match: { pageNum: 3 }, effect: { type: 'error', status: 503 }, times: 1 });
  await addFault(app, { match: { pageNum: 4 }, effect: { type: 'error', status: 429, retryAfterSeconds: 7 }, times: 1 });

  const e500 = await signedInject(app, `${CLUSTER0}?pageNum=2`);
  t.equal(e500.statusCode, 500);
  t.equal(e500.headers['x-error-code'], 'UNEXPECTED_ERROR');
  t.equal(e500.headers['content-type'], 'application/json');
  t.equal(
    e500.body,
    '{"detail":"Unexpected error.","error":500,"errorCode":"UNEXPECTED_ERROR","parameters":[],"reason":"Internal Server Error"}',
  );

  const e503 = await signedInject(app, `${CLUSTER0}?pageNum=3`);
  t.equal(e503.statusCode, 503);
  t.same(json(e503), {
    detail: 'Service unavailable.',
    error: 503,
    errorCode: 'SERVICE_UNAVAILABLE',
    parameters: [],
    reason: 'Service Unavailable',
  });

  const e429 = await signedInject(app, `${CLUSTER0}?pageNum=4`);
  t.equal(e429.statusCode, 429);
  t.equal(e429.headers['retry-after'], '7');
  t.same(json(e429), {
    detail: `Resource ${CLUSTER0} is limited to 100 requests every 1 minutes.`,
    error: 429,
    errorCode: 'RATE_LIMITED',
    parameters: [CLUSTER0, '100', '1'],
    reason: 'Too Many Requests',
  });
  // times: 1 each, so the same calls now succeed.
  for (const pageNum of [2, 3, 4]) t.equal((await signedInject(app, `${CLUSTER0}?pageNum=${pageNum}`)).statusCode, 200);
});

t.test('a times: 1 rule is not used up by the Digest challenge', async (t) => {
  const app = buildTestApp(t);
  const { id } = await addFault(app, { match: { pageNum: 2 }, effect: { type: 'error', status: 503 }, times: 1 });
  t.equal((await signedInject(app, PAGE2)).statusCode, 503);
  t.equal((await signedInject(app, PAGE2)).statusCode, 200);
  t.same(await faultsOf(app), [
    [401, null],
    [503, { id, effect: 'error' }],
    [401, null],
    [200, null],
  ]);
  const listed = json(await control(app, 'GET', '/faults')).faults;
  t.same(listed, [
    {
      id,
      match: { pageNum: 2 },
      effect: { type: 'error', status: 503 },
      times: 1,
      probability: null,
      everyRequest: false,
      seed: 1,
      applied: 1,
    },
  ]);
});

t.test('everyRequest rules apply to unauthenticated requests too, never to the control plane', async (t) => {
  const app = buildTestApp(t);
  await addFault(app, { match: { path: '/**' }, effect: { type: 'error' }, everyRequest: true });
  const challenge = await app.inject({ url: CLUSTER0 });
  t.equal(challenge.statusCode, 500);
  t.notOk(challenge.headers['www-authenticate']);
  t.equal((await control(app, 'GET', '/ready')).statusCode, 200);
  t.equal((await control(app, 'GET', '/faults')).statusCode, 200);
});

t.test('rules match on method, path, groupId, clusterName, key and pageNum', async (t) => {
  const app = buildTestApp(t);
  const G2 = `/api/atlas/v1.0/groups/${GROUP2}/clusters/Cluster0/backupCheckpoints`;
  const ONE = `${CLUSTER0}/5a7cdb3980eef53de5bffdcf`;
  const cases: [object, string, boolean][] = [
    [{ method: 'GET' }, CLUSTER0, true],
    [{ method: 'HEAD' }, CLUSTER0, false],
    [{ path: '/api/atlas/*/groups/*/clusters/*/backupCheckpoints' }, CLUSTER0, true],
    [{ path: '/api/atlas/*/groups/*/clusters/*/backupCheckpoints' }, ONE, false],
    [{ path: '/api/atlas/v2/**' }, CLUSTER0, false],
    [{ groupId: GROUP2 }, G2, true],
    [{ groupId: GROUP2 }, CLUSTER0, false],
    [{ clusterName: 'Cluster0', groupId: GROUP }, CLUSTER0, true],
    [{ clusterName: 'Cluster1' }, CLUSTER0, false],
    [{ key: PUBLIC_KEY }, CLUSTER0, true],
    [{ key: 'another-key' }, CLUSTER0, false],
    [{ pageNum: 1 }, CLUSTER0, true],
    [{ pageNum: 1 }, ONE, false],
    [{ pageNum: 2 }, `${CLUSTER0}?pageNum=2`, true],
    [{ pageNum: 2 }, CLUSTER0, false],
  ];
  for (const [match, url, applies] of cases) {
    await control(app, 'DELETE', '/faults');
    await addFault(app, { match, effect: { type: 'error', status: 503 } });
    t.equal((await signedInject(app, url)).statusCode, applies ? 503 : 200, `${JSON.stringify(match)} on ${url}`);
  }
});

t.test('probability draws from the rule seed: the same seed replays the same faults', async (t) => {
  async function pattern(seed: number): Promise<string> {
    const app = buildTestApp(t);
    await addFault(app, { effect: { type: 'error', status: 503 }, probability: 0.5, seed });
    let statuses = '';
    for (let i = 0; i < 24; i++) statuses += (await signedInject(app, CLUSTER0)).statusCode === 503 ? 'x' : '.';
    return statuses;
  }
  const first = await pattern(42);
  t.equal(await pattern(42), first);
  t.match(first, /x/);
  t.match(first, /\./);
  t.not(await pattern(43), first);
});

t.test('delay effects: fixed, or random within bounds from the seeded generator', async (t) => {
  async function delays(seed: number): Promise<number[]> {
    const app = buildTestApp(t);
    await addFault(app, { match: { pageNum: 1 }, effect: { type: 'delay', minMs: 1, maxMs: 9 }, seed });
    for (let i = 0; i < 6; i++) t.equal((await signedInject(app, CLUSTER0)).statusCode, 200);
    return json(await control(app, 'GET', '/requests?faulted=true')).requests.map((e: { fault: { delayMs: number } }) => e.fault.delayMs);
  }
  const first = await delays(5);
  t.equal(first.length, 6);
  t.ok(first.every((ms) => ms >= 1 && ms <= 9));
  t.same(await delays(5), first);

  const app = buildTestApp(t);
  const { id } = await addFault(app, { effect: { type: 'delay', ms: 15 }, times: 1 });
  const res = await signedInject(app, CLUSTER0);
  t.equal(res.statusCode, 200);
  t.equal(json(res).totalCount, 61);
  t.same((await faultsOf(app))[1], [200, { id, effect: 'delay', delayMs: 15 }]);
});

t.test('drop and truncate over a real connection', async (t) => {
  const app = buildTestApp(t);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const drop = await addFault(app, { match: { pageNum: 2 }, effect: { type: 'drop' }, times: 1 });
  const truncate = await addFault(app, { match: { pageNum: 3 }, effect: { type: 'truncate', bytes: 100 }, times: 1 });

  await t.rejects(signedFetch(base, `${CLUSTER0}?pageNum=2&itemsPerPage=5`), 'a dropped connection fails the request');

  const res = await signedFetch(base, `${CLUSTER0}?pageNum=3&itemsPerPage=5`);
  t.equal(res.status, 200);
  const full = Number(res.headers.get('content-length'));
  t.ok(full > 100, 'the full length is announced');
  await t.rejects(res.text(), 'the body ends early');

  const entries = json(await control(app, 'GET', '/requests?faulted=true')).requests;
  t.same(
    entries.map((e: { status: number | null; fault: unknown }) => [e.status, e.fault]),
    [
      [null, { id: drop.id, effect: 'drop' }],
      [200, { id: truncate.id, effect: 'truncate' }],
    ],
  );
  t.equal((await signedFetch(base, `${CLUSTER0}?pageNum=2&itemsPerPage=5`)).status, 200, 'times: 1 is used up');
});

t.test('under inject(), drop and truncate reject as a reset connection', async (t) => {
  for (const effect of [{ type: 'drop' }, { type: 'truncate', bytes: 10 }]) {
    const app = buildTestApp(t);
    await addFault(app, { effect });
    await t.rejects(signedInject(app, CLUSTER0), { code: 'LIGHT_ECONNRESET' }, effect.type);
    t.same((await faultsOf(app))[1], [effect.type === 'drop' ? null : 200, { id: 'fault-1', effect: effect.type }]);
  }
});

t.test('GET, DELETE /faults and DELETE /faults/:id', async (t) => {
  const app = buildTestApp(t);
  const a = await addFault(app, { effect: { type: 'drop' }, match: { method: 'get', path: '/x/*' } });
  const b = await addFault(app, { effect: { type: 'truncate' }, everyRequest: true, seed: 9, probability: 0.25 });
  t.same(json(await control(app, 'GET', '/faults')).faults, [
    {
      id: a.id,
      match: { method: 'GET', path: '/x/*' },
      effect: { type: 'drop' },
      times: null,
      probability: null,
      everyRequest: false,
      seed: 1,
      applied: 0,
    },
    { id: b.id, match: {}, effect: { type: 'truncate' }, times: null, probability: 0.25, everyRequest: true, seed: 9, applied: 0 },
  ]);
  t.equal((await control(app, 'DELETE', `/faults/${a.id}`)).statusCode, 204);
  t.same(
    json(await control(app, 'GET', '/faults')).faults.map((f: { id: string }) => f.id),
    [b.id],
  );
  const missing = await control(app, 'DELETE', `/faults/${a.id}`);
  t.equal(missing.statusCode, 404);
  t.same(json(missing), {
    detail: `No fault rule with ID ${a.id} exists.`,
    error: 404,
    errorCode: 'FAULT_NOT_FOUND',
    parameters: [a.id],
    reason: 'Not Found',
  });
  t.equal((await control(app, 'DELETE', '/faults')).statusCode, 204);
  t.same(json(await control(app, 'GET', '/faults')), { faults: [] });
});

t.test('malformed rules are refused naming the field, and nothing is added', async (t) => {
  const app = buildTestApp(t);
  const cases: [unknown, object][] = [
    [{}, invalidControlRequest('effect', 'is required')],
    [[], invalidControlRequest('body', 'must be an object')],
    [{ effect: { type: 'explode' } }, invalidControlRequest('effect.type', 'must be one of error, delay, drop, truncate')],
    [{ effect: 'drop' }, invalidControlRequest('effect', 'must be an object')],
    [{ effect: { type: 'error', status: 404 } }, invalidControlRequest('effect.status', 'must be one of 500, 503, 429')],
    [
      { effect: { type: 'error', status: 503, retryAfterSeconds: 2 } },
      invalidControlRequest('effect.retryAfterSeconds', 'applies to status 429 only'),
    ],
    [{ effect: { type: 'delay' } }, invalidControlRequest('effect', 'a delay gives either ms or both minMs and maxMs')],
    [{ effect: { type: 'delay', minMs: 50, maxMs: 10 } }, invalidControlRequest('effect.maxMs', 'must be at least minMs (50)')],
    [{ effect: { type: 'delay', ms: 5, maxMs: 10 } }, invalidControlRequest('effect', 'a delay gives either ms or both minMs and maxMs')],
    [{ effect: { type: 'drop', bytes: 1 } }, invalidControlRequest('effect.bytes', 'unknown field (allowed: type)')],
    [{ effect: { type: 'truncate', bytes: -1 } }, invalidControlRequest('effect.bytes', 'must be an integer from 0 to 2147483647')],
    [
      { effect: { type: 'drop' }, match: { verb: 'GET' } },
      invalidControlRequest('match.verb', 'unknown field (allowed: method, path, groupId, clusterName, key, pageNum)'),
    ],
    [
      { effect: { type: 'drop' }, match: { method: 'FETCH' } },
      invalidControlRequest('match.method', 'must be an HTTP method, any case: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'),
    ],
    [
      { effect: { type: 'drop' }, match: { path: 'api/**' } },
      invalidControlRequest(
        'match.path',
        'must be a path pattern starting with / (the request path; * matches within a segment, ** across segments)',
      ),
    ],
    [
      { effect: { type: 'drop' }, match: { pageNum: 0 } },
      invalidControlRequest('match.pageNum', 'must be an integer from 1 to 2147483647'),
    ],
    [{ effect: { type: 'drop' }, match: { groupId: 7 } }, invalidControlRequest('match.groupId', 'must be a non-empty string')],
    [{ effect: { type: 'drop' }, times: 0 }, invalidControlRequest('times', 'must be an integer from 1 to 2147483647')],
    [{ effect: { type: 'drop' }, probability: 1.5 }, invalidControlRequest('probability', 'must be a number in (0, 1]')],
    [{ effect: { type: 'drop' }, everyRequest: 'yes' }, invalidControlRequest('everyRequest', 'must be true or false')],
    [
      { effect: { type: 'drop' }, everyRequest: true, match: { key: 'k' } },
      invalidControlRequest('match.key', 'needs an authenticated request; it cannot be combined with everyRequest'),
    ],
    [{ effect: { type: 'drop' }, seed: 1.5 }, invalidControlRequest('seed', 'must be an integer from 0 to 4294967295')],
  ];
  for (const [rule, expected] of cases) {
    const res = await control(app, 'POST', '/faults', rule);
    t.equal(res.statusCode, 400, JSON.stringify(rule));
    t.same(json(res), expected, JSON.stringify(rule));
  }
  t.same(json(await control(app, 'GET', '/faults')), { faults: [] });
});
