import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, CLUSTER0, GROUP, load, V2_ACCEPT, type TestClock } from '../helpers/test-app.js';
import {
  atlasError,
  call,
  errorApps,
  FARAWAY,
  testDeclaredErrors,
  testErrorRows,
  type DeclaredErrors,
  type ErrorRow,
  type Version,
} from '../helpers/atlas-answers.js';

// The checkpoint operations' errors: one test per row (exact status, body and headers), then
// the errors each operation declares in the spec on v1.0 and v2: the list 401, 403, 404, 429,
// 500; one checkpoint also 400.

const CHECKPOINT = '5a7cdb3980eef53de5bffdcf';
const ONE = `${CLUSTER0}/${CHECKPOINT}`;
testErrorRows(t, [
  {
    name: 'malformed groupId (the documentation example ID)',
    url: '/api/atlas/v1.0/groups/6b8cd3c380eef5349ef77gf7/clusters/Cluster0/backupCheckpoints',
    status: 404,
    reason: 'Not Found',
    errorCode: 'INVALID_GROUP_ID',
    detail: 'An invalid group ID 6b8cd3c380eef5349ef77gf7 was specified.',
    parameters: ['6b8cd3c380eef5349ef77gf7'],
  },
  {
    name: 'unknown project',
    url: '/api/atlas/v1.0/groups/111111111111111111111111/clusters/Cluster0/backupCheckpoints',
    status: 404,
    reason: 'Not Found',
    errorCode: 'GROUP_NOT_FOUND',
    detail: 'No group with ID 111111111111111111111111 exists.',
    parameters: ['111111111111111111111111'],
  },
  {
    name: 'unknown cluster',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/cluster-989/backupCheckpoints`,
    status: 404,
    reason: 'Not Found',
    errorCode: 'CLUSTER_NOT_FOUND',
    detail: `No cluster named cluster-989 exists in group ${GROUP}.`,
    parameters: ['cluster-989', GROUP],
  },
  {
    name: 'cluster name outside the allowed pattern',
    url: `/api/atlas/v2/groups/${GROUP}/clusters/-bad_name/backupCheckpoints`,
    headers: { accept: V2_ACCEPT },
    status: 404,
    reason: 'Not Found',
    errorCode: 'CLUSTER_NOT_FOUND',
    detail: `No cluster named -bad_name exists in group ${GROUP}.`,
    parameters: ['-bad_name', GROUP],
  },
  {
    name: 'cluster on Cloud Backup (list)',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/CloudCluster/backupCheckpoints`,
    status: 400,
    reason: 'Bad Request',
    errorCode: 'CHECKPOINTS_ONLY_ON_CONTINOUS_BACKUP',
    detail: 'Checkpoints do not exist for Cloud Backups.',
    parameters: [],
  },
  {
    name: 'cluster on Cloud Backup (one)',
    url: `/api/atlas/v2/groups/${GROUP}/clusters/CloudCluster/backupCheckpoints/5a7cdb3980eef53de5bffdcf`,
    headers: { accept: V2_ACCEPT },
    status: 400,
    reason: 'Bad Request',
    errorCode: 'CHECKPOINTS_ONLY_ON_CONTINOUS_BACKUP',
    detail: 'Checkpoints do not exist for Cloud Backups.',
    parameters: [],
  },
  {
    name: 'malformed checkpointId',
    url: `${CLUSTER0}/5A7CDB3980EEF53DE5BFFDCF`,
    status: 404,
    reason: 'Not Found',
    errorCode: 'INVALID_CHECKPOINT_ID',
    detail: 'An invalid checkpoint ID 5A7CDB3980EEF53DE5BFFDCF was specified.',
    parameters: ['5A7CDB3980EEF53DE5BFFDCF'],
  },
  {
    name: 'unknown checkpoint',
    url: `${CLUSTER0}/5a7cdb3980eef53de5bffd00`,
    status: 404,
    reason: 'Not Found',
    errorCode: 'CHECKPOINT_NOT_FOUND',
    detail: 'No checkpoint with ID 5a7cdb3980eef53de5bffd00 exists for cluster Cluster0.',
    parameters: ['5a7cdb3980eef53de5bffd00', 'Cluster0'],
  },
  {
    name: 'checkpoint of another cluster',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster1/backupCheckpoints/5a7cdb3980eef53de5bffdcf`,
    status: 404,
    reason: 'Not Found',
    errorCode: 'CHECKPOINT_NOT_FOUND',
    detail: 'No checkpoint with ID 5a7cdb3980eef53de5bffdcf exists for cluster Cluster1.',
    parameters: ['5a7cdb3980eef53de5bffdcf', 'Cluster1'],
  },
  ...(
    [
      ['another method on a known path', CLUSTER0, 'POST'],
      ['DELETE on one checkpoint', ONE, 'DELETE'],
    ] as const
  ).map(
    ([name, url, method]): ErrorRow => ({
      name,
      url,
      method,
      status: 405,
      reason: 'Method Not Allowed',
      errorCode: 'METHOD_NOT_ALLOWED',
      detail: `Method ${method} is not allowed on resource ${url}.`,
      parameters: [method, url],
      extraHeaders: { allow: 'GET, HEAD' },
    }),
  ),
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
  ).map(
    ([query, name]): ErrorRow => ({
      name: `list query ${query}`,
      url: `${CLUSTER0}?${query}`,
      status: 400,
      reason: 'Bad Request',
      errorCode: 'INVALID_QUERY_PARAMETER',
      detail: `Invalid query parameter ${name} specified.`,
      parameters: [name],
    }),
  ),
  {
    name: 'get-one query pretty=1',
    url: `${ONE}?pretty=1`,
    status: 400,
    reason: 'Bad Request',
    errorCode: 'INVALID_QUERY_PARAMETER',
    detail: 'Invalid query parameter pretty specified.',
    parameters: ['pretty'],
  },
]);

const clusterUrl = (version: Version, group: string, cluster: string) => `/api/atlas/${version}/groups/${group}/clusters/${cluster}`;
const unknownCluster = (version: Version, suffix: string): DeclaredErrors['missing'][number] => [
  `${clusterUrl(version, GROUP, 'Nowhere')}${suffix}`,
  'CLUSTER_NOT_FOUND',
  `No cluster named Nowhere exists in group ${GROUP}.`,
  ['Nowhere', GROUP],
];
const allowed = (version: Version) => ({
  request: call(version, `${clusterUrl(version, GROUP, 'Nowhere')}/snapshotSchedule`),
  status: 404,
});
const OPERATIONS: { name: string; errors: (version: Version) => DeclaredErrors }[] = [
  {
    name: 'listGroupClusterBackupCheckpoints',
    errors: (v) => ({
      request: call(v, `${clusterUrl(v, GROUP, 'Cluster0')}/backupCheckpoints`),
      group: GROUP,
      missing: [unknownCluster(v, '/backupCheckpoints')],
      allowed: allowed(v),
    }),
  },
  {
    name: 'getGroupClusterBackupCheckpoint',
    errors: (v) => ({
      request: call(v, `${clusterUrl(v, GROUP, 'Cluster0')}/backupCheckpoints/${CHECKPOINT}`),
      group: GROUP,
      bad: {
        request: call(v, `${clusterUrl(v, GROUP, 'CloudCluster')}/backupCheckpoints/${CHECKPOINT}`),
        errorCode: 'CHECKPOINTS_ONLY_ON_CONTINOUS_BACKUP',
        body: atlasError(400, 'CHECKPOINTS_ONLY_ON_CONTINOUS_BACKUP', 'Checkpoints do not exist for Cloud Backups.'),
      },
      missing: [
        unknownCluster(v, `/backupCheckpoints/${CHECKPOINT}`),
        [
          `${clusterUrl(v, GROUP, 'Cluster1')}/backupCheckpoints/${CHECKPOINT}`,
          'CHECKPOINT_NOT_FOUND',
          `No checkpoint with ID ${CHECKPOINT} exists for cluster Cluster1.`,
          [CHECKPOINT, 'Cluster1'],
        ],
      ],
      allowed: allowed(v),
    }),
  },
];

t.test('errors the spec declares, on v1.0 and v2', async (t) => {
  const build = (clock: TestClock, rateLimit?: string): FastifyInstance =>
    buildTestApp(t, rateLimit === undefined ? {} : { rateLimit }, { clock });
  const apps = errorApps(build);
  load(apps.app, { apiKeys: [{ ...FARAWAY, projects: '*', accessList: ['192.0.2.0/24'] }] });
  await testDeclaredErrors(t, apps, OPERATIONS);
});
