import t from 'tap';
import { authed, buildTestApp, CLUSTER0, GROUP, send, V2_ACCEPT } from '../helper.js';
import { CHALLENGE, UNAUTHORIZED_BODY } from './atlas-answers.js';

// One test per error row of the README fidelity table: exact status, body and headers.


function atlasBody(status: number, reason: string, errorCode: string, detail: string, parameters: string[]): string {
  return JSON.stringify({ detail, error: status, errorCode, parameters, reason });
}

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
  const wrong = await send(app, { url: CLUSTER0, headers: { authorization: 'Digest username="emulator", realm="MMS Public API", nonce="x", uri="/", response="0"' } });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.body, UNAUTHORIZED_BODY);
  // A bare request and a refused one are answered alike: the same headers, in the same order.
  const names = (res: { raw: { res: { getHeaderNames(): string[] } } }) => res.raw.res.getHeaderNames().filter((name) => name !== 'date');
  t.same(names(await send(app, { url: CLUSTER0 })), names(wrong));
});

interface Row {
  name: string;
  url: string;
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  status: number;
  reason: string;
  errorCode: string;
  detail: string;
  parameters: string[];
  extraHeaders?: Record<string, string>;
}

const ONE = `${CLUSTER0}/5a7cdb3980eef53de5bffdcf`;
const rows: Row[] = [
  {
    name: 'malformed groupId (the documentation example ID)',
    url: '/api/atlas/v1.0/groups/6b8cd3c380eef5349ef77gf7/clusters/Cluster0/backupCheckpoints',
    status: 404, reason: 'Not Found', errorCode: 'INVALID_GROUP_ID',
    detail: 'An invalid group ID 6b8cd3c380eef5349ef77gf7 was specified.', parameters: ['6b8cd3c380eef5349ef77gf7'],
  },
  {
    name: 'unknown project',
    url: '/api/atlas/v1.0/groups/111111111111111111111111/clusters/Cluster0/backupCheckpoints',
    status: 404, reason: 'Not Found', errorCode: 'GROUP_NOT_FOUND',
    detail: 'No group with ID 111111111111111111111111 exists.', parameters: ['111111111111111111111111'],
  },
  {
    name: 'unknown cluster',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/cluster-989/backupCheckpoints`,
    status: 404, reason: 'Not Found', errorCode: 'CLUSTER_NOT_FOUND',
    detail: `No cluster named cluster-989 exists in group ${GROUP}.`, parameters: ['cluster-989', GROUP],
  },
  {
    name: 'cluster name outside the allowed pattern',
    url: `/api/atlas/v2/groups/${GROUP}/clusters/-bad_name/backupCheckpoints`,
    headers: { accept: V2_ACCEPT },
    status: 404, reason: 'Not Found', errorCode: 'CLUSTER_NOT_FOUND',
    detail: `No cluster named -bad_name exists in group ${GROUP}.`, parameters: ['-bad_name', GROUP],
  },
  {
    name: 'cluster on Cloud Backup (list)',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/CloudCluster/backupCheckpoints`,
    status: 400, reason: 'Bad Request', errorCode: 'CHECKPOINTS_ONLY_ON_CONTINOUS_BACKUP',
    detail: 'Checkpoints do not exist for Cloud Backups.', parameters: [],
  },
  {
    name: 'cluster on Cloud Backup (one)',
    url: `/api/atlas/v2/groups/${GROUP}/clusters/CloudCluster/backupCheckpoints/5a7cdb3980eef53de5bffdcf`,
    headers: { accept: V2_ACCEPT },
    status: 400, reason: 'Bad Request', errorCode: 'CHECKPOINTS_ONLY_ON_CONTINOUS_BACKUP',
    detail: 'Checkpoints do not exist for Cloud Backups.', parameters: [],
  },
  {
    name: 'malformed checkpointId',
    url: `${CLUSTER0}/5A7CDB3980EEF53DE5BFFDCF`,
    status: 404, reason: 'Not Found', errorCode: 'INVALID_CHECKPOINT_ID',
    detail: 'An invalid checkpoint ID 5A7CDB3980EEF53DE5BFFDCF was specified.', parameters: ['5A7CDB3980EEF53DE5BFFDCF'],
  },
  {
    name: 'unknown checkpoint',
    url: `${CLUSTER0}/5a7cdb3980eef53de5bffd00`,
    status: 404, reason: 'Not Found', errorCode: 'CHECKPOINT_NOT_FOUND',
    detail: 'No checkpoint with ID 5a7cdb3980eef53de5bffd00 exists for cluster Cluster0.', parameters: ['5a7cdb3980eef53de5bffd00', 'Cluster0'],
  },
  {
    name: 'checkpoint of another cluster',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster1/backupCheckpoints/5a7cdb3980eef53de5bffdcf`,
    status: 404, reason: 'Not Found', errorCode: 'CHECKPOINT_NOT_FOUND',
    detail: 'No checkpoint with ID 5a7cdb3980eef53de5bffdcf exists for cluster Cluster1.', parameters: ['5a7cdb3980eef53de5bffdcf', 'Cluster1'],
  },
  {
    name: 'unknown path',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupSnapshots?pageNum=1`,
    status: 404, reason: 'Not Found', errorCode: 'RESOURCE_NOT_FOUND',
    detail: `Cannot find resource /api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupSnapshots.`,
    parameters: [`/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupSnapshots`],
  },
  {
    name: 'another method on a known path',
    url: CLUSTER0, method: 'POST',
    status: 405, reason: 'Method Not Allowed', errorCode: 'METHOD_NOT_ALLOWED',
    detail: `Method POST is not allowed on resource ${CLUSTER0}.`, parameters: ['POST', CLUSTER0],
    extraHeaders: { allow: 'GET, HEAD' },
  },
  {
    name: 'DELETE on one checkpoint',
    url: ONE, method: 'DELETE',
    status: 405, reason: 'Method Not Allowed', errorCode: 'METHOD_NOT_ALLOWED',
    detail: `Method DELETE is not allowed on resource ${ONE}.`, parameters: ['DELETE', ONE],
    extraHeaders: { allow: 'GET, HEAD' },
  },
  ...(
    [
      ['pageNum=0', 'pageNum'],
      ['pageNum=-1', 'pageNum'],
      ['pageNum=1.5', 'pageNum'],
      ['pageNum=2147483648', 'pageNum'],
      ['itemsPerPage=0', 'itemsPerPage'],
      ['itemsPerPage=501', 'itemsPerPage'],
      ['itemsPerPage=abc', 'itemsPerPage'],
      ['itemsPerPage=', 'itemsPerPage'],
      ['includeCount=maybe', 'includeCount'],
      ['envelope=1', 'envelope'],
      ['pretty=yes', 'pretty'],
      ['pageNum=1&pageNum=2', 'pageNum'],
    ] as const
  ).map(([query, name]): Row => ({
    name: `list query ${query}`,
    url: `${CLUSTER0}?${query}`,
    status: 400, reason: 'Bad Request', errorCode: 'INVALID_QUERY_PARAMETER',
    detail: `Invalid query parameter ${name} specified.`, parameters: [name],
  })),
  {
    name: 'get-one query pretty=1',
    url: `${ONE}?pretty=1`,
    status: 400, reason: 'Bad Request', errorCode: 'INVALID_QUERY_PARAMETER',
    detail: 'Invalid query parameter pretty specified.', parameters: ['pretty'],
  },
  ...[undefined, 'application/json', '*/*', 'application/vnd.atlas.2022-12-31+json', 'application/vnd.atlas.2023-02-30+json', 'application/vnd.atlas.latest+json'].map(
    (accept): Row => ({
      name: `v2 with Accept ${accept ?? '(none)'}`,
      url: CLUSTER0.replace('/v1.0/', '/v2/'),
      headers: accept === undefined ? {} : { accept },
      status: 406, reason: 'Not Acceptable', errorCode: 'INVALID_VERSION_DATE',
      detail: 'Invalid accept header or version date.', parameters: [],
    }),
  ),
];

for (const row of rows) {
  t.test(`${row.status} ${row.errorCode}: ${row.name}`, async (t) => {
    const app = buildTestApp(t);
    const res = await authed(app, { url: row.url, method: row.method ?? 'GET', headers: row.headers });
    t.equal(res.statusCode, row.status);
    t.equal(res.body, atlasBody(row.status, row.reason, row.errorCode, row.detail, row.parameters));
    t.equal(res.headers['content-type'], 'application/json');
    t.equal(res.headers['x-error-code'], row.errorCode);
    for (const [name, value] of Object.entries(row.extraHeaders ?? {})) t.equal(res.headers[name], value, name);
  });
}

t.test('500 UNEXPECTED_ERROR: an internal failure answers without internals', async (t) => {
  const app = buildTestApp(t);
  app.emulator.store.db.close();
  const res = await authed(app, { url: CLUSTER0 });
  t.equal(res.statusCode, 500);
  t.equal(res.body, atlasBody(500, 'Internal Server Error', 'UNEXPECTED_ERROR', 'Unexpected error.', []));
  t.equal(res.headers['x-error-code'], 'UNEXPECTED_ERROR');
  t.notMatch(res.body, /database|stack|at /);
});
