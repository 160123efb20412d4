import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../src/model/options.js';
import { assertError, assertRateLimited, atlasError } from '../helpers/atlas-answers.js';
import { control } from '../helpers/control-client.js';
import { buildTestApp, CLUSTER0, digestHeader, GROUP, json, parseChallenge, PRIVATE_KEY, V2_ACCEPT } from '../helpers/test-app.js';

// Every refusal keeps Atlas's answer (status, headers, body) and says why in words in its
// journal entry (`reason`), as the inspector shows it. Authentication's own refusals keep
// auth.reason (test/control/journal.test.ts).

const JOBS = `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/restoreJobs`;
const SEND_JSON = 'send it as JSON with Content-Type: application/json.';

interface Request {
  method?: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  payload?: string;
}

/**
 * A request signed with Digest after its challenge, sent as it is (no contract check: these
 * requests are wrong on purpose), and the journal entry of its answer.
 */
async function refused(app: FastifyInstance, { method = 'GET', url, headers = {}, payload }: Request) {
  const challenge = await app.inject({ method, url, headers, payload });
  t.equal(challenge.statusCode, 401, 'the challenge first');
  const { nonce } = parseChallenge(String(challenge.headers['www-authenticate']));
  const res = await app.inject({
    method,
    url,
    payload,
    headers: { ...headers, authorization: digestHeader({ method, uri: url, nonce: nonce! }) },
  });
  const [entry] = json(await control(app, 'GET', '/requests?limit=1')).requests;
  return { res, entry };
}

interface Row extends Request {
  name: string;
  status: number;
  errorCode: string;
  body: string;
  reason: string;
  headersSent?: Record<string, string>;
}

const rows: Row[] = [
  {
    name: '415: a form body (curl -d alone)',
    method: 'POST',
    url: JOBS,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'snapshotId=5a7e36003d4042eca5066f60',
    status: 415,
    errorCode: 'INVALID_REQUEST',
    body: atlasError(415, 'INVALID_REQUEST', 'The request is not valid.'),
    reason: `The body was sent as application/x-www-form-urlencoded; ${SEND_JSON}`,
  },
  {
    name: '415: a body without Content-Type',
    method: 'POST',
    url: JOBS,
    payload: '{"snapshotId":"5a7e36003d4042eca5066f60"}',
    status: 415,
    errorCode: 'INVALID_REQUEST',
    body: atlasError(415, 'INVALID_REQUEST', 'The request is not valid.'),
    reason: `The body was sent without a Content-Type; ${SEND_JSON}`,
  },
  {
    name: '400: a query parameter out of range',
    url: `${CLUSTER0}?itemsPerPage=501`,
    status: 400,
    errorCode: 'INVALID_QUERY_PARAMETER',
    body: atlasError(400, 'INVALID_QUERY_PARAMETER', 'Invalid query parameter itemsPerPage specified.', ['itemsPerPage']),
    reason: 'The query parameter itemsPerPage must be a whole number from 1 to 500.',
  },
  {
    name: '400: a query parameter given twice',
    url: `${CLUSTER0}?pageNum=1&pageNum=2`,
    status: 400,
    errorCode: 'INVALID_QUERY_PARAMETER',
    body: atlasError(400, 'INVALID_QUERY_PARAMETER', 'Invalid query parameter pageNum specified.', ['pageNum']),
    reason: 'The query parameter pageNum is given more than once.',
  },
  {
    name: '400: a body that is not JSON',
    method: 'POST',
    url: JOBS,
    headers: { 'content-type': 'application/json' },
    payload: '{"snapshotId":',
    status: 400,
    errorCode: 'INVALID_JSON',
    body: atlasError(400, 'INVALID_JSON', 'Received JSON is malformed.'),
    reason: 'The body is not valid JSON.',
  },
  {
    name: '400: an unknown body field',
    method: 'POST',
    url: JOBS,
    headers: { 'content-type': 'application/json' },
    payload: '{"delivery":{"methodName":"HTTP"},"snapshotID":"5a7e36003d4042eca5066f60"}',
    status: 400,
    errorCode: 'INVALID_ATTRIBUTE',
    body: atlasError(
      400,
      'INVALID_ATTRIBUTE',
      'Invalid attribute snapshotID specified.',
      ['snapshotID'],
      [
        {
          field: 'snapshotID',
          description: 'unknown field (allowed: checkpointId, delivery, oplogInc, oplogTs, pointInTimeUTCMillis, snapshotId)',
        },
      ],
    ),
    reason:
      "The body's field snapshotID: unknown field (allowed: checkpointId, delivery, oplogInc, oplogTs, pointInTimeUTCMillis, snapshotId).",
  },
  {
    name: '400: a missing body field',
    method: 'POST',
    url: JOBS,
    headers: { 'content-type': 'application/json' },
    payload: '{"snapshotId":"5a7e36003d4042eca5066f60"}',
    status: 400,
    errorCode: 'MISSING_ATTRIBUTE',
    body: atlasError(
      400,
      'MISSING_ATTRIBUTE',
      'The required attribute delivery was not specified.',
      ['delivery'],
      [{ field: 'delivery', description: 'is required' }],
    ),
    reason: 'The body lacks delivery, which this request requires.',
  },
  {
    name: '400: a checkpoint of a cluster on Cloud Backup',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/CloudCluster/backupCheckpoints`,
    status: 400,
    errorCode: 'CHECKPOINTS_ONLY_ON_CONTINOUS_BACKUP',
    body: atlasError(400, 'CHECKPOINTS_ONLY_ON_CONTINOUS_BACKUP', 'Checkpoints do not exist for Cloud Backups.'),
    reason: 'Cluster CloudCluster is on Cloud Backup; checkpoints exist only for clusters on Legacy Backup.',
  },
  {
    name: '404: no such route',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupSnapshots?pageNum=1`,
    status: 404,
    errorCode: 'RESOURCE_NOT_FOUND',
    body: atlasError(404, 'RESOURCE_NOT_FOUND', `Cannot find resource /api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupSnapshots.`, [
      `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupSnapshots`,
    ]),
    reason:
      'No route of the emulator serves this path: the Atlas API it emulates is the Legacy Backup resources under ' +
      '/api/atlas/v1.0/groups/{groupId}/clusters/{clusterName}/ and /api/atlas/v2/... (GET /_emulator/info lists them).',
  },
  {
    name: '404: a malformed project id',
    url: '/api/atlas/v1.0/groups/project0/clusters/Cluster0/backupCheckpoints',
    status: 404,
    errorCode: 'INVALID_GROUP_ID',
    body: atlasError(404, 'INVALID_GROUP_ID', 'An invalid group ID project0 was specified.', ['project0']),
    reason: 'The project ID project0 is not 24 hexadecimal digits.',
  },
  {
    name: '404: an unknown project',
    url: '/api/atlas/v1.0/groups/0123456789abcdef01234567/clusters/Cluster0/backupCheckpoints',
    status: 404,
    errorCode: 'GROUP_NOT_FOUND',
    body: atlasError(404, 'GROUP_NOT_FOUND', 'No group with ID 0123456789abcdef01234567 exists.', ['0123456789abcdef01234567']),
    reason: 'No project with ID 0123456789abcdef01234567 is loaded (GET /_emulator/overview lists the projects).',
  },
  {
    name: '404: an unknown cluster',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster9/backupCheckpoints`,
    status: 404,
    errorCode: 'CLUSTER_NOT_FOUND',
    body: atlasError(404, 'CLUSTER_NOT_FOUND', `No cluster named Cluster9 exists in group ${GROUP}.`, ['Cluster9', GROUP]),
    reason: `Project ${GROUP} exists but has no cluster named Cluster9.`,
  },
  {
    name: '404: an unknown checkpoint',
    url: `${CLUSTER0}/0123456789abcdef01234567`,
    status: 404,
    errorCode: 'CHECKPOINT_NOT_FOUND',
    body: atlasError(404, 'CHECKPOINT_NOT_FOUND', 'No checkpoint with ID 0123456789abcdef01234567 exists for cluster Cluster0.', [
      '0123456789abcdef01234567',
      'Cluster0',
    ]),
    reason: 'Cluster Cluster0 has no checkpoint with ID 0123456789abcdef01234567.',
  },
  {
    name: '405: a method the path does not allow',
    method: 'DELETE',
    url: CLUSTER0,
    status: 405,
    errorCode: 'METHOD_NOT_ALLOWED',
    body: atlasError(405, 'METHOD_NOT_ALLOWED', `Method DELETE is not allowed on resource ${CLUSTER0}.`, ['DELETE', CLUSTER0]),
    headersSent: { allow: 'GET, HEAD' },
    reason: 'This path allows GET, HEAD, not DELETE.',
  },
  {
    name: "406: v2 with v1.0's Accept",
    url: CLUSTER0.replace('/v1.0/', '/v2/'),
    headers: { accept: 'application/json' },
    status: 406,
    errorCode: 'INVALID_VERSION_DATE',
    body: atlasError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.'),
    reason: `Accept: application/json selects no version of this resource; v2 serves it as ${V2_ACCEPT}: send Accept: ${V2_ACCEPT}.`,
  },
  {
    name: '406: v2 without Accept',
    url: CLUSTER0.replace('/v1.0/', '/v2/'),
    status: 406,
    errorCode: 'INVALID_VERSION_DATE',
    body: atlasError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.'),
    reason: `No Accept header was sent; v2 serves it as ${V2_ACCEPT}: send Accept: ${V2_ACCEPT}.`,
  },
];

t.test("each refusal: Atlas's answer unchanged, and the journal entry says why in words", async (t) => {
  const app = buildTestApp(t);
  for (const row of rows) {
    await t.test(row.name, async (t) => {
      const { res, entry } = await refused(app, row);
      assertError(t, res, row.status, row.errorCode, row.body);
      for (const [name, value] of Object.entries(row.headersSent ?? {})) t.equal(res.headers[name], value, name);
      t.equal(entry.status, row.status);
      t.equal(entry.reason, row.reason);
      t.same(entry.auth, { outcome: 'authenticated', principal: 'emulator' }, 'authentication passed: the reason is not its');
    });
  }
});

t.test('429: the project rate limit says which limit and when to retry', async (t) => {
  const app = buildTestApp(t, { rateLimit: '1/60s' });
  t.equal((await refused(app, { url: CLUSTER0 })).res.statusCode, 200);
  const { res, entry } = await refused(app, { url: CLUSTER0 });
  assertRateLimited(t, res, 'v1.0', GROUP);
  t.equal(entry.reason, 'The project used up its rate limit (ATLAS_EMU_RATE_LIMIT: 1 requests every 1 minutes); retry after 60 s.');
});

t.test('a fault rule that answers or cuts the answer is named as the reason', async (t) => {
  const app = buildTestApp(t);
  const arm = async (effect: object) =>
    json(await control(app, 'POST', '/faults', { match: { clusterName: 'Cluster0' }, effect, times: 1 })).id;

  const unavailable = await arm({ type: 'error', status: 503 });
  let { res, entry } = await refused(app, { url: CLUSTER0 });
  t.equal(res.statusCode, 503);
  t.equal(res.headers['x-error-code'], 'SERVICE_UNAVAILABLE');
  t.equal(
    res.body,
    JSON.stringify({
      detail: 'Service unavailable.',
      error: 503,
      errorCode: 'SERVICE_UNAVAILABLE',
      parameters: [],
      reason: 'Service Unavailable',
    }),
  );
  t.equal(entry.reason, `Fault rule ${unavailable} answered 503 instead of the API.`);
  t.same(entry.fault, { id: unavailable, effect: 'error' });

  // A 429 fault names the fault, not the project's rate limit.
  const limited = await arm({ type: 'error', status: 429 });
  ({ res, entry } = await refused(app, { url: CLUSTER0 }));
  t.equal(res.statusCode, 429);
  t.equal(entry.reason, `Fault rule ${limited} answered 429 instead of the API.`);

  const dropped = await arm({ type: 'drop' });
  await t.rejects(refused(app, { url: CLUSTER0 }), { code: 'LIGHT_ECONNRESET' }, 'inject() sees the closed connection');
  [entry] = json(await control(app, 'GET', '/requests?limit=1')).requests;
  t.equal(entry.status, null);
  t.equal(entry.reason, `Fault rule ${dropped} closed the connection without an answer.`);

  // A delay refuses nothing: the answer, and its entry, are the API's.
  await arm({ type: 'delay', ms: 1 });
  ({ res, entry } = await refused(app, { url: CLUSTER0 }));
  t.equal(res.statusCode, 200);
  t.notOk('reason' in entry, 'no reason on an answer that refused nothing');
});

t.test("the OAuth endpoints' refusals say why in their own words", async (t) => {
  const app = buildTestApp(t);
  const basic = Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64');
  const res = await app.inject({
    method: 'POST',
    url: '/api/oauth/token',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
    payload: '{"grant_type":"client_credentials"}',
  });
  t.equal(res.statusCode, 400);
  t.equal(res.body, '{"error":"invalid_request","error_description":"The request body must be application/x-www-form-urlencoded."}');
  const [entry] = json(await control(app, 'GET', '/requests?limit=1')).requests;
  t.equal(entry.reason, 'The request body must be application/x-www-form-urlencoded.');
});

t.test('a reason names what was wrong, never a secret the request carried', async (t) => {
  const app = buildTestApp(t);
  const json400 = { method: 'POST' as const, url: JOBS, headers: { 'content-type': 'application/json' } };
  await refused(app, { ...json400, payload: `{"snapshotId":"${PRIVATE_KEY}"` });
  await refused(app, { ...json400, payload: `{"delivery":{"methodName":"HTTP"},"note":"${PRIVATE_KEY}"}` });
  const basic = Buffer.from(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`).toString('base64');
  const minted = await app.inject({
    method: 'POST',
    url: '/api/oauth/token',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials',
  });
  const token = json(minted).access_token as string;
  const bearer = await app.inject({
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster9/backupCheckpoints`,
    headers: { authorization: `Bearer ${token}` },
  });
  t.equal(bearer.statusCode, 404);
  const journal = (await control(app, 'GET', '/requests')).body;
  t.same(
    JSON.parse(journal)
      .requests.map((entry: { reason?: string }) => entry.reason)
      .filter((reason: unknown) => reason !== undefined),
    [
      'The body is not valid JSON.',
      "The body's field note: unknown field (allowed: checkpointId, delivery, oplogInc, oplogTs, pointInTimeUTCMillis, snapshotId).",
      `Project ${GROUP} exists but has no cluster named Cluster9.`,
    ],
  );
  for (const secret of [PRIVATE_KEY, DEFAULT_CLIENT_SECRET, token]) t.notOk(journal.includes(secret), 'no secret in the journal');
});
