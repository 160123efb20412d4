import t from 'tap';
import { authed, buildTestApp, CLUSTER0, GROUP, send } from '../helpers/test-app.js';
import { atlasError, CHALLENGE, testErrorRows, UNAUTHORIZED_BODY, type ErrorRow } from '../helpers/atlas-answers.js';

// The errors any operation answers, whatever the resource: the Digest challenge, an unknown
// path, an unacceptable v2 media type, an internal failure. Exact status, body and headers.
// Each resource's own errors are beside its tests (checkpoints.errors.test.ts, and the
// declared-error matrix of snapshots, snapshot-schedule and restore-jobs).

t.test('401 challenge: before routing and validation, Atlas body and header exactly', async (t) => {
  const app = buildTestApp(t);
  for (const url of [CLUSTER0, '/api/atlas/v1.0/groups/nothex/clusters/x/backupCheckpoints', '/api/atlas/v2/no/such/path', '/']) {
    const res = await send(app, { url });
    t.equal(res.statusCode, 401, url);
    t.equal(res.body, UNAUTHORIZED_BODY);
    t.equal(res.body.length, 142);
    t.equal(res.headers['content-type'], 'application/json');
    t.match(res.headers['www-authenticate'], CHALLENGE);
    t.equal(res.headers['x-error-code'], undefined, 'the challenge has no X-Error-Code');
  }
  const wrong = await send(app, {
    url: CLUSTER0,
    headers: { authorization: 'Digest username="emulator", realm="MMS Public API", nonce="x", uri="/", response="0"' },
  });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.body, UNAUTHORIZED_BODY);
  // A bare request and a refused one are answered alike: the same headers, in the same order.
  const names = (res: { raw: { res: { getHeaderNames(): string[] } } }) => res.raw.res.getHeaderNames().filter((name) => name !== 'date');
  t.same(names(await send(app, { url: CLUSTER0 })), names(wrong));
});

testErrorRows(t, [
  {
    name: 'unknown path',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupSnapshots?pageNum=1`,
    status: 404,
    reason: 'Not Found',
    errorCode: 'RESOURCE_NOT_FOUND',
    detail: `Cannot find resource /api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupSnapshots.`,
    parameters: [`/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupSnapshots`],
  },
  ...[
    undefined,
    'application/json',
    '*/*',
    'application/vnd.atlas.2022-12-31+json',
    'application/vnd.atlas.2023-02-30+json',
    'application/vnd.atlas.latest+json',
  ].map(
    (accept): ErrorRow => ({
      name: `v2 with Accept ${accept ?? '(none)'}`,
      url: CLUSTER0.replace('/v1.0/', '/v2/'),
      headers: accept === undefined ? {} : { accept },
      status: 406,
      reason: 'Not Acceptable',
      errorCode: 'INVALID_VERSION_DATE',
      detail: 'Invalid accept header or version date.',
      parameters: [],
    }),
  ),
]);

t.test('500 UNEXPECTED_ERROR: an internal failure answers without internals', async (t) => {
  const app = buildTestApp(t);
  app.emulator.store.db.close();
  const res = await authed(app, { url: CLUSTER0 });
  t.equal(res.statusCode, 500);
  t.equal(res.body, atlasError(500, 'UNEXPECTED_ERROR', 'Unexpected error.'));
  t.equal(res.headers['x-error-code'], 'UNEXPECTED_ERROR');
  t.notMatch(res.body, /database|stack|at /);
});
