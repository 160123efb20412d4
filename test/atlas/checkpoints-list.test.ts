import { createHash } from 'node:crypto';
import t from 'tap';
import { authed, buildTestApp, CLUSTER0, GROUP, GROUP2, json } from '../helpers/test-app.js';

// The Atlas documentation's example response (Get All Checkpoints), with its project ID's
// non-hex 'g' replaced by 'a'. The per-checkpoint self links are the one field not copied.
const DOC_PART = (name: string, date: string, increment: number) => ({
  replicaSetName: name,
  shardName: name,
  tokenDiscovered: true,
  tokenTimestamp: { date, increment },
  typeName: 'REPLICA_SET',
});
const DOC_CONFIG = (date: string, increment: number) => ({
  replicaSetName: 'Cluster0-config-0',
  tokenDiscovered: true,
  tokenTimestamp: { date, increment },
  typeName: 'CONFIG_SERVER_REPLICA_SET',
});
const HOST = 'http://localhost:80';
const DOC_CHECKPOINTS = [
  {
    clusterId: '6b8cd61180eef547110159d9',
    completed: '2018-02-08T23:20:25Z',
    groupId: GROUP,
    id: '5a7cdb3980eef53de5bffdcf',
    links: [{ href: `${HOST}${CLUSTER0}/5a7cdb3980eef53de5bffdcf`, rel: 'self' }],
    parts: [
      DOC_PART('Cluster0-shard-1', '2018-02-08T23:20:25Z', 1),
      DOC_PART('Cluster0-shard-0', '2018-02-08T23:20:25Z', 1),
      DOC_CONFIG('2018-02-08T23:20:25Z', 2),
    ],
    restorable: true,
    started: '2018-02-08T23:20:25Z',
    timestamp: '2018-02-08T23:19:37Z',
  },
  {
    clusterId: '6b8cd61180eef547110159d9',
    completed: '2018-02-09T14:50:33Z',
    groupId: GROUP,
    id: '5a7db53987d9d64fe298ff46',
    links: [{ href: `${HOST}${CLUSTER0}/5a7db53987d9d64fe298ff46`, rel: 'self' }],
    parts: [
      DOC_PART('Cluster0-shard-1', '2018-02-09T14:50:33Z', 1),
      DOC_PART('Cluster0-shard-0', '2018-02-09T14:50:33Z', 2),
      DOC_CONFIG('2018-02-09T14:50:33Z', 4),
    ],
    restorable: true,
    started: '2018-02-09T14:50:33Z',
    timestamp: '2018-02-09T14:50:18Z',
  },
];

t.test('the default list is the documentation example followed by 59 generated checkpoints', async (t) => {
  const app = buildTestApp(t);
  const res = await authed(app, { url: CLUSTER0 });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/json');
  const body = json(res);
  t.same(Object.keys(body), ['links', 'results', 'totalCount']);
  t.equal(body.totalCount, 61);
  t.equal(body.results.length, 61);
  t.same(body.links, [{ href: `${HOST}${CLUSTER0}?pageNum=1&itemsPerPage=100`, rel: 'self' }]);
  t.strictSame(body.results.slice(0, 2), DOC_CHECKPOINTS);
  // Compact JSON with Atlas's alphabetical keys, byte for byte.
  t.ok(
    res.body.startsWith(
      `{"links":[{"href":"${HOST}${CLUSTER0}?pageNum=1&itemsPerPage=100","rel":"self"}],"results":[{"clusterId":"6b8cd61180eef547110159d9","completed":"2018-02-08T23:20:25Z","groupId":"${GROUP}","id":"5a7cdb3980eef53de5bffdcf","links":[`,
    ),
  );
  t.ok(res.body.endsWith('],"totalCount":61}'));
});

t.test('generated checkpoints are plausible and consistent', async (t) => {
  const app = buildTestApp(t);
  const { results } = json(await authed(app, { url: CLUSTER0 }));
  const ids = new Set<string>();
  let previous = '';
  for (const c of results) {
    t.equal(c.clusterId, '6b8cd61180eef547110159d9');
    t.equal(c.groupId, GROUP);
    t.match(c.id, /^[a-f0-9]{24}$/);
    t.notOk(ids.has(c.id), `id ${c.id} is unique`);
    ids.add(c.id);
    t.ok(c.timestamp > previous, 'timestamps increase');
    previous = c.timestamp;
    t.ok(c.started >= c.timestamp && c.completed >= c.started, 'timestamp <= started <= completed');
    t.same(
      c.parts.map((p: { replicaSetName: string; typeName: string }) => [p.replicaSetName, p.typeName]),
      [
        ['Cluster0-shard-1', 'REPLICA_SET'],
        ['Cluster0-shard-0', 'REPLICA_SET'],
        ['Cluster0-config-0', 'CONFIG_SERVER_REPLICA_SET'],
      ],
    );
    t.equal(
      c.restorable,
      c.parts.every((p: { tokenDiscovered: boolean }) => p.tokenDiscovered),
      'restorable iff every token was discovered',
    );
  }
});

t.test('same seed: byte-identical; another seed: different generated checkpoints', async (t) => {
  const first = await authed(buildTestApp(t), { url: CLUSTER0 });
  const again = await authed(buildTestApp(t), { url: CLUSTER0 });
  const other = await authed(buildTestApp(t, { seed: 2 }), { url: CLUSTER0 });
  t.equal(again.body, first.body);
  t.not(other.body, first.body);
  t.strictSame(json(other).results.slice(0, 2), DOC_CHECKPOINTS, 'the documentation checkpoints do not depend on the seed');
  // A regression pin: the default dataset's bytes for seed 1, as drawn since every generated
  // value comes from Faker (docs/fixtures.md says when they changed). Users' golden files
  // depend on them; change this only with a deliberate, announced change of the data.
  t.equal(createHash('sha256').update(first.body).digest('hex'), 'b4c577b8ed8b15bb39975385ad537c632954adde3ce25d33739338c23b0502b0');
  t.equal(json(other).totalCount, 61);
});

t.test('the other clusters of the default dataset', async (t) => {
  const app = buildTestApp(t);
  const rs = await authed(app, { url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster1/backupCheckpoints` });
  t.equal(rs.statusCode, 200, 'a replica set on legacy backup lists no checkpoints (chosen)');
  t.equal(
    rs.body,
    `{"links":[{"href":"${HOST}/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster1/backupCheckpoints?pageNum=1&itemsPerPage=100","rel":"self"}],"results":[],"totalCount":0}`,
  );
  const second = json(await authed(app, { url: `/api/atlas/v1.0/groups/${GROUP2}/clusters/Cluster0/backupCheckpoints` }));
  t.equal(second.totalCount, 12);
  t.equal(second.results.length, 12);
  t.ok(second.results.every((c: { groupId: string; parts: unknown[] }) => c.groupId === GROUP2 && c.parts.length === 3));
});

t.test('get one checkpoint carries self, cluster and group links', async (t) => {
  const app = buildTestApp(t);
  const url = `${CLUSTER0}/5a7db53987d9d64fe298ff46`;
  const res = await authed(app, { url });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/json');
  t.strictSame(json(res), {
    ...DOC_CHECKPOINTS[1],
    links: [
      { href: `${HOST}${url}`, rel: 'self' },
      { href: `${HOST}/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0`, rel: 'http://mms.mongodb.com/cluster' },
      { href: `${HOST}/api/atlas/v1.0/groups/${GROUP}`, rel: 'http://mms.mongodb.com/group' },
    ],
  });
  const v2 = json(await authed(app, { url: url.replace('/v1.0/', '/v2/'), headers: { accept: 'application/vnd.atlas.2023-01-01+json' } }));
  t.same(
    v2.links.map((l: { rel: string }) => l.rel),
    ['self', 'https://cloud.mongodb.com/cluster', 'https://cloud.mongodb.com/group'],
  );
  t.equal(v2.links[0].href, `${HOST}${url.replace('/v1.0/', '/v2/')}`);
});

t.test('links use ATLAS_EMU_PUBLIC_URL when set, else the Host header', async (t) => {
  const app = buildTestApp(t, { publicUrl: 'https://atlas.example.test' });
  const body = json(await authed(app, { url: `${CLUSTER0}?itemsPerPage=1` }));
  t.equal(body.links[0].href, `https://atlas.example.test${CLUSTER0}?pageNum=1&itemsPerPage=1`);
  const other = buildTestApp(t);
  const viaHost = json(await authed(other, { url: `${CLUSTER0}?itemsPerPage=1`, headers: { host: 'emu.internal:9999' } }));
  t.equal(viaHost.links[0].href, `http://emu.internal:9999${CLUSTER0}?pageNum=1&itemsPerPage=1`);
  t.equal(viaHost.results[0].links[0].href, `http://emu.internal:9999${CLUSTER0}/5a7cdb3980eef53de5bffdcf`);
});
