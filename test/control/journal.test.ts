import t from 'tap';
import {
  authed,
  buildTestApp,
  CLUSTER0,
  digestHeader,
  GROUP,
  json,
  parseChallenge,
  PRIVATE_KEY,
  PUBLIC_KEY,
  send,
} from '../helpers/test-app.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../src/model/options.js';
import { control, invalidControlRequest } from '../helpers/control-client.js';

t.test('each request is journaled: the challenge, marked, and the authenticated call', async (t) => {
  const app = buildTestApp(t);
  const url = `${CLUSTER0}?pageNum=2&itemsPerPage=10&pretty=true`;
  await authed(app, { url, headers: { 'user-agent': 'my-client/1.0', accept: 'application/json' } });
  const res = await control(app, 'GET', '/requests');
  t.equal(res.statusCode, 200);
  const body = json(res);
  t.equal(body.total, 2);
  t.equal(body.capacity, 1000);
  const [challenge, call] = body.requests;
  t.match(challenge, {
    seq: 0,
    method: 'GET',
    url,
    path: CLUSTER0,
    query: { pageNum: '2', itemsPerPage: '10', pretty: 'true' },
    headers: { accept: 'application/json', 'user-agent': 'my-client/1.0' },
    status: 401,
    auth: { outcome: 'challenge', reason: 'missing_credentials' },
    challenge: true,
    fault: null,
  });
  t.notOk('authorization' in challenge.headers);
  t.same(call.headers, { accept: 'application/json', authorization: `Digest username="${PUBLIC_KEY}"`, 'user-agent': 'my-client/1.0' });
  t.same(call.auth, { outcome: 'authenticated', principal: PUBLIC_KEY });
  t.equal(call.status, 200);
  t.equal(call.challenge, false);
  t.equal(call.seq, 1);
  t.ok(Date.parse(call.time) >= Date.parse(challenge.time));
  t.match(call.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.type(call.latencyMs, 'number');
});

t.test('a refused credential is journaled with its reason and without any secret', async (t) => {
  const app = buildTestApp(t);
  const challenge = await send(app, { url: CLUSTER0 });
  const { nonce } = parseChallenge(String(challenge.headers['www-authenticate']));
  const authorization = digestHeader({ method: 'GET', uri: CLUSTER0, nonce: nonce!, password: 'wrong-password' });
  const refused = await send(app, { url: CLUSTER0, headers: { authorization } });
  t.equal(refused.statusCode, 401);
  const good = await authed(app, { url: CLUSTER0 });
  const goodAuthorization = String(good.raw.req.headers.authorization);
  const body = (await control(app, 'GET', '/requests')).body;
  const entries = JSON.parse(body).requests;
  t.same(entries[1].auth, { outcome: 'rejected', reason: 'bad_response' });
  t.equal(entries[1].challenge, false);
  t.equal(entries[1].headers.authorization, `Digest username="${PUBLIC_KEY}"`);
  const response = /response="([^"]+)"/.exec(authorization)![1]!;
  const goodResponse = /response="([^"]+)"/.exec(goodAuthorization)![1]!;
  for (const secret of [PRIVATE_KEY, 'wrong-password', response, goodResponse, nonce!])
    t.notOk(body.includes(secret), 'no secret in the journal');
});

t.test('the control plane is not journaled; every other path is, unknown ones too', async (t) => {
  const app = buildTestApp(t);
  await control(app, 'GET', '/ready');
  await send(app, { url: '/nowhere' });
  const entries = json(await control(app, 'GET', '/requests')).requests;
  t.same(
    entries.map((e: { url: string; status: number }) => [e.url, e.status]),
    [['/nowhere', 401]],
  );
});

t.test('filters: method, path, status, since, limit, challenge, authOutcome, principal, faulted', async (t) => {
  const app = buildTestApp(t);
  await authed(app, { url: CLUSTER0 });
  await authed(app, { url: `${CLUSTER0}/5a7cdb3980eef53de5bffdcf` });
  const midpoint = json(await control(app, 'GET', '/requests')).requests[3].time;
  await authed(app, {
    url: `/api/atlas/v2/groups/${GROUP}/clusters/Nope/backupCheckpoints`,
    headers: { accept: 'application/vnd.atlas.2023-01-01+json' },
  });
  await send(app, { url: CLUSTER0, method: 'HEAD' });
  const urls = async (query: string) =>
    json(await control(app, 'GET', `/requests?${query}`)).requests.map(
      (e: { method: string; url: string; status: number }) => `${e.method} ${e.status} ${e.url}`,
    );

  t.same(await urls('method=head'), [`HEAD 401 ${CLUSTER0}`]);
  t.same(await urls('path=/api/atlas/*/groups/*/clusters/*/backupCheckpoints/*&status=200'), [
    `GET 200 ${CLUSTER0}/5a7cdb3980eef53de5bffdcf`,
  ]);
  t.same(await urls('path=/api/atlas/v2/**'), [
    `GET 401 /api/atlas/v2/groups/${GROUP}/clusters/Nope/backupCheckpoints`,
    `GET 404 /api/atlas/v2/groups/${GROUP}/clusters/Nope/backupCheckpoints`,
  ]);
  t.same(await urls('status=404'), [`GET 404 /api/atlas/v2/groups/${GROUP}/clusters/Nope/backupCheckpoints`]);
  t.equal((await urls(`since=${midpoint}`)).length >= 4, true, 'since keeps entries at or after it');
  t.same(await urls('limit=2&challenge=true'), [
    `GET 401 /api/atlas/v2/groups/${GROUP}/clusters/Nope/backupCheckpoints`,
    `HEAD 401 ${CLUSTER0}`,
  ]);
  t.same(await urls('challenge=false'), await urls('authOutcome=authenticated'));
  t.equal((await urls(`principal=${PUBLIC_KEY}`)).length, 3);
  t.equal((await urls('faulted=true')).length, 0);
  t.equal((await urls('faulted=false')).length, 7);
});

t.test('POST /requests/count counts with a matcher', async (t) => {
  const app = buildTestApp(t);
  for (let i = 0; i < 3; i++) await authed(app, { url: CLUSTER0 });
  const count = async (matcher?: object) => {
    const res = await control(app, 'POST', '/requests/count', matcher);
    t.equal(res.statusCode, 200);
    return json(res).count;
  };
  t.equal(await count(), 6);
  t.equal(await count({}), 6);
  t.equal(await count({ path: CLUSTER0, authOutcome: 'authenticated', status: 200 }), 3);
  t.equal(await count({ challenge: true }), 3);
  t.equal(await count({ method: 'POST' }), 0);
});

t.test('bad journal queries name the field', async (t) => {
  const app = buildTestApp(t);
  const cases: [string, string, unknown, object][] = [
    ['GET', '/requests?status=abc', undefined, invalidControlRequest('status', 'must be an integer from 100 to 599')],
    [
      'GET',
      '/requests?since=yesterday',
      undefined,
      invalidControlRequest('since', 'must be a UTC date-time like 2026-01-31T12:00:00.000Z'),
    ],
    ['GET', '/requests?limit=0', undefined, invalidControlRequest('limit', 'must be an integer from 1 to 1000000')],
    [
      'GET',
      '/requests?path=api',
      undefined,
      invalidControlRequest(
        'path',
        'must be a path pattern starting with / (the request path; * matches within a segment, ** across segments)',
      ),
    ],
    ['GET', '/requests?challenge=yes', undefined, invalidControlRequest('challenge', 'must be true or false')],
    [
      'GET',
      '/requests?colour=red',
      undefined,
      invalidControlRequest(
        'query.colour',
        'unknown field (allowed: method, path, status, since, challenge, authOutcome, principal, faulted, limit)',
      ),
    ],
    [
      'POST',
      '/requests/count',
      { authOutcome: 'maybe' },
      invalidControlRequest('authOutcome', 'must be one of authenticated, challenge, rejected, none'),
    ],
    [
      'POST',
      '/requests/count',
      { limit: 3 },
      invalidControlRequest(
        'body.limit',
        'unknown field (allowed: method, path, status, since, challenge, authOutcome, principal, faulted)',
      ),
    ],
    ['POST', '/requests/count', [1], invalidControlRequest('body', 'must be an object')],
  ];
  for (const [method, url, body, expected] of cases) {
    const res = await control(app, method as 'GET', url, body);
    t.equal(res.statusCode, 400, url);
    t.same(json(res), expected, url);
  }
});

t.test('DELETE /requests empties the journal', async (t) => {
  const app = buildTestApp(t);
  await authed(app, { url: CLUSTER0 });
  const res = await control(app, 'DELETE', '/requests');
  t.equal(res.statusCode, 204);
  t.same(json(await control(app, 'GET', '/requests')), { requests: [], total: 0, capacity: 1000 });
  await send(app, { url: CLUSTER0 });
  t.equal(json(await control(app, 'GET', '/requests')).requests[0].seq, 0);
});

t.test('the journal is a bounded ring (ATLAS_EMU_JOURNAL_MAX): the oldest entries go', async (t) => {
  const app = buildTestApp(t, { journalMax: 3 });
  for (let pageNum = 1; pageNum <= 4; pageNum++) await send(app, { url: `${CLUSTER0}?pageNum=${pageNum}` });
  const body = json(await control(app, 'GET', '/requests'));
  t.equal(body.total, 4);
  t.equal(body.capacity, 3);
  t.same(
    body.requests.map((e: { seq: number; query: { pageNum: string } }) => [e.seq, e.query.pageNum]),
    [
      [1, '2'],
      [2, '3'],
      [3, '4'],
    ],
  );
});

t.test('ATLAS_EMU_JOURNAL_MAX=0 keeps no journal', async (t) => {
  const app = buildTestApp(t, { journalMax: 0 });
  await authed(app, { url: CLUSTER0 });
  t.same(json(await control(app, 'GET', '/requests')), { requests: [], total: 0, capacity: 0 });
});

t.test('service-account calls: the token request keeps the client id only, a Bearer call the scheme only', async (t) => {
  const app = buildTestApp(t);
  const basic = Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64');
  const token = await app.inject({
    method: 'POST',
    url: '/api/oauth/token',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials',
  });
  t.equal(token.statusCode, 200);
  const accessToken = json(token).access_token as string;
  t.equal((await send(app, { url: CLUSTER0, headers: { authorization: `Bearer ${accessToken}` } })).statusCode, 200);
  const body = (await control(app, 'GET', '/requests')).body;
  const [tokenCall, apiCall] = JSON.parse(body).requests;
  t.equal(tokenCall.headers.authorization, `Basic username="${DEFAULT_CLIENT_ID}"`);
  t.same(tokenCall.auth, { outcome: 'none' });
  t.equal(apiCall.headers.authorization, 'Bearer');
  t.same(apiCall.auth, { outcome: 'authenticated', principal: DEFAULT_CLIENT_ID });
  for (const secret of [DEFAULT_CLIENT_SECRET, accessToken, basic]) t.notOk(body.includes(secret), 'no secret in the journal');
});
