import t from 'tap';
import { authed, buildTestApp, CLUSTER0, GROUP, GROUP2, json, load, send, V2_ACCEPT, type Call } from '../helpers/test-app.js';

// Rendered pages are cached (src/atlas/page-cache.ts). Every write to the data they came from
// (fixture loads, resets, deletions) must drop every cached byte: the next response shows the
// change, whatever the version, media type, variant or operation that was cached.

const DOC_CHECKPOINT = '5a7cdb3980eef53de5bffdcf';
const NEW_CHECKPOINT = '7a1b2c3d4e5f60718293a4b5';
const CLUSTER0_ID = '6b8cd61180eef547110159d9';
const V2_CLUSTER0 = CLUSTER0.replace('/v1.0/', '/v2/');

/** One request per cached variant: both versions, paging, pretty, envelope, and a single checkpoint. */
const VARIANTS: Call[] = [
  { url: CLUSTER0 },
  { url: `${CLUSTER0}?pageNum=1&itemsPerPage=100` },
  { url: `${CLUSTER0}?pageNum=7&itemsPerPage=10` },
  { url: `${CLUSTER0}?pretty=true&envelope=true` },
  { url: V2_CLUSTER0, headers: { accept: V2_ACCEPT } },
  { url: `${CLUSTER0}/${DOC_CHECKPOINT}` },
];

async function bodies(app: Parameters<typeof authed>[0], calls: Call[]): Promise<string[]> {
  const result = [];
  for (const call of calls) {
    const res = await authed(app, call);
    if (res.statusCode !== 200) throw new Error(`${call.url}: ${res.statusCode} ${res.body}`);
    result.push(res.body);
  }
  return result;
}

/** Lists the checkpoints of Cluster0 (a fixture cluster, so merging into it replaces its fields). */
function cluster0(checkpoints: object[]) {
  return { projects: [{ id: GROUP, name: 'Project0', clusters: [{ name: 'Cluster0', clusterId: CLUSTER0_ID, checkpoints }] }] };
}

t.test('a fixture load drops every cached page: the next responses show the change', async (t) => {
  const app = buildTestApp(t);
  const before = await bodies(app, VARIANTS);
  t.same(await bodies(app, VARIANTS), before, 'repeated requests get the same bytes');
  t.equal(app.emulator.cache.size, VARIANTS.length, 'every variant is cached');

  const original = json(await authed(app, { url: `${CLUSTER0}/${DOC_CHECKPOINT}` }));
  const { links: _links, ...changed } = { ...original, completed: '2018-02-09T01:02:03Z' };
  load(app, cluster0([changed, { id: NEW_CHECKPOINT, timestamp: '2019-01-01T00:00:00Z' }]));
  t.equal(app.emulator.cache.size, 0, 'the load emptied the cache');

  const after = await bodies(app, VARIANTS);
  for (const [i, body] of after.entries()) t.not(body, before[i], `${VARIANTS[i]!.url} changed`);
  for (const i of [0, 1, 4]) {
    const page = JSON.parse(after[i]!);
    t.equal(page.totalCount, 62, `${VARIANTS[i]!.url}: one more checkpoint`);
    t.equal(page.results[0].completed, '2018-02-09T01:02:03Z', `${VARIANTS[i]!.url}: the changed checkpoint`);
    t.equal(page.results.at(-1).id, NEW_CHECKPOINT, `${VARIANTS[i]!.url}: the new checkpoint last`);
  }
  const seventh = JSON.parse(after[2]!);
  t.equal(seventh.results.length, 2, 'page 7 of 10 now holds the 61st and 62nd checkpoints');
  t.equal(seventh.results[1].id, NEW_CHECKPOINT);
  t.same(
    seventh.links.map((l: { rel: string }) => l.rel),
    ['self', 'previous'],
    'and is still the last page',
  );
  t.equal(JSON.parse(after[3]!).totalCount, 62, 'the pretty envelope counts it too');
  t.match(after[3]!, /^\{\n {2}"links" : \[/, 'and is still pretty');
  t.equal(JSON.parse(after[5]!).completed, '2018-02-09T01:02:03Z', 'the single checkpoint shows its new fields');
});

t.test('a reset brings back the start-up bytes, never the cached pages of the changed data', async (t) => {
  const app = buildTestApp(t);
  const startup = await bodies(app, VARIANTS);
  load(app, cluster0([{ id: NEW_CHECKPOINT, timestamp: '2019-01-01T00:00:00Z' }]), 'replace');
  const replaced = await authed(app, { url: CLUSTER0 });
  t.equal(json(replaced).totalCount, 1, 'the replacing fixture is served');
  t.equal((await authed(app, { url: `${CLUSTER0}/${DOC_CHECKPOINT}` })).statusCode, 404, 'the documentation checkpoint is gone');
  t.ok(app.emulator.cache.size > 0, 'the replaced data is cached');

  const reset = await send(app, { method: 'POST', url: '/_emulator/reset' });
  t.equal(reset.statusCode, 200);
  t.equal(app.emulator.cache.size, 0, 'the reset emptied the cache');
  t.same(await bodies(app, VARIANTS), startup, 'every variant has its start-up bytes again');
});

t.test('deleting a cluster or a project drops their cached pages', async (t) => {
  const app = buildTestApp(t);
  await bodies(app, VARIANTS);
  const cluster = await send(app, { method: 'DELETE', url: `/_emulator/projects/${GROUP}/clusters/Cluster0` });
  t.equal(cluster.statusCode, 204);
  for (const call of VARIANTS) {
    const res = await authed(app, call);
    t.equal(res.statusCode, 404, `${call.url} after the cluster deletion`);
    t.equal(json(res).errorCode, 'CLUSTER_NOT_FOUND');
  }
  const project = await send(app, { method: 'DELETE', url: `/_emulator/projects/${GROUP}` });
  t.equal(project.statusCode, 204);
  const res = await authed(app, { url: CLUSTER0 });
  t.equal(res.statusCode, 404);
  t.equal(json(res).errorCode, 'GROUP_NOT_FOUND');
});

t.test('a cached page is served only to a caller who may read its project', async (t) => {
  const app = buildTestApp(t);
  const limited = { username: 'group-two-only', password: 'group-two-private-key' };
  load(app, { projects: [], apiKeys: [{ publicKey: limited.username, privateKey: limited.password, projects: [GROUP2] }] });
  const page = await authed(app, { url: CLUSTER0 });
  t.equal(page.statusCode, 200);
  t.ok(app.emulator.cache.size > 0, 'the page is cached');

  const refused = await authed(app, { url: CLUSTER0 }, limited);
  t.equal(refused.statusCode, 401);
  t.same(json(refused), {
    detail: 'User cannot access this group.',
    error: 401,
    errorCode: 'USER_CANNOT_ACCESS_GROUP',
    parameters: [],
    reason: 'Unauthorized',
  });
  const own = await authed(app, { url: CLUSTER0.replace(GROUP, GROUP2) }, limited);
  t.equal(own.statusCode, 200, 'its own project is served');
});
