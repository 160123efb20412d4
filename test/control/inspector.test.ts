import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { AUTH_FAILURES } from '../../src/inspector/auth-failures.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../src/model/options.js';
import { CREDENTIALS } from '../helpers/auth.js';
import { authed, buildTestApp, GROUP, GROUP2, json, load, PRIVATE_KEY, PUBLIC_KEY, TestClock, V2_ACCEPT } from '../helpers/test-app.js';
import { control, invalidControlRequest, signedInject } from '../helpers/control-client.js';

// The inspector's routes through inject(): the page and its assets (types, caching, the
// admin-token rule), the overview, the plain-words refusal reasons, and the Atlas reads
// (the API's bytes, without its journal or faults). The page itself runs in a browser in
// test/system/inspector.test.ts.

const UI = new URL('../../src/inspector/ui/', import.meta.url);
const LIVE = '7a7a7a7a7a7a7a7a7a7a7a7a';
const LIVE_FIXTURE = {
  projects: [
    {
      id: LIVE,
      name: 'LiveProject',
      clusters: [{ name: 'Live', clusterId: '7b7b7b7b7b7b7b7b7b7b7b7b', type: 'SHARDED', shards: 2, backup: 'LEGACY', live: true, liveFrom: '2025-12-31T18:00:00Z' }],
    },
  ],
};

t.test('GET /_emulator/ui and its assets: types, revalidation, a policy that keeps the page to this origin', async (t) => {
  const app = buildTestApp(t);
  const page = await control(app, 'GET', '/ui');
  t.equal(page.statusCode, 200);
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  t.equal(page.body, readFileSync(new URL('index.html', UI), 'utf8'));
  t.equal(page.headers['cache-control'], 'no-cache');
  t.match(page.headers.etag, /^"[\w-]{22}"$/);
  t.equal(page.headers['x-content-type-options'], 'nosniff');
  t.equal(page.headers['referrer-policy'], 'no-referrer');
  const csp = String(page.headers['content-security-policy']);
  t.match(csp, /^default-src 'none'; /);
  t.notMatch(csp, /https?:|\*|unsafe/, 'nothing from elsewhere, nothing inline');

  for (const [file, type] of [['inspector.css', 'text/css; charset=utf-8'], ['inspector.js', 'text/javascript; charset=utf-8']]) {
    const res = await control(app, 'GET', `/ui/${file}`);
    t.equal(res.statusCode, 200, file);
    t.equal(res.headers['content-type'], type);
    t.equal(res.headers['cache-control'], 'no-cache');
    t.equal(res.body, readFileSync(new URL(file!, UI), 'utf8'));
    const again = await control(app, 'GET', `/ui/${file}`, undefined, { 'if-none-match': String(res.headers.etag) });
    t.equal(again.statusCode, 304, `${file}: revalidated without a body`);
    t.equal(again.body, '');
  }
  t.equal((await control(app, 'GET', '/ui', undefined, { 'if-none-match': '"other"' })).statusCode, 200);

  for (const file of ['index.html', 'nothing.js', 'constructor', '..%2Fpage.ts']) {
    const res = await control(app, 'GET', `/ui/${file}`);
    t.equal(res.statusCode, 404, file);
    t.equal(json(res).errorCode, 'RESOURCE_NOT_FOUND');
  }
});

t.test('the page works offline: its files name nothing outside the emulator', async (t) => {
  t.same(readdirSync(UI).sort(), ['index.html', 'inspector.css', 'inspector.js'], 'one HTML, one CSS, one script');
  for (const file of readdirSync(UI)) {
    const text = readFileSync(new URL(file, UI), 'utf8');
    t.notMatch(text, /(?:src|href)="(?!\/_emulator\/|#|data:)/, `${file}: every src and href is the emulator's own`);
    t.notMatch(text, /url\(|@import|https?:\/\/(?!localhost)/, `${file}: no remote URL`);
  }
});

t.test('with an admin token, the page and its assets are open; the data routes are not', async (t) => {
  const app = buildTestApp(t, { adminToken: 'page-token' });
  for (const url of ['/ui', '/ui/inspector.css', '/ui/inspector.js']) t.equal((await control(app, 'GET', url)).statusCode, 200, `${url} without the token`);
  const bearer = { authorization: 'Bearer page-token' };
  for (const url of ['/overview', '/auth-failures', `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupCheckpoints`]) {
    const refused = await control(app, 'GET', url);
    t.equal(refused.statusCode, 401, `${url} without the token`);
    t.equal(refused.headers['x-error-code'], 'ADMIN_TOKEN_REQUIRED');
    t.equal((await control(app, 'GET', url, undefined, bearer)).statusCode, 200, `${url} with it`);
  }
});

/** The count a list operation gives, as an API client reads it. */
async function listed(app: FastifyInstance, groupId: string, cluster: string, resource: string): Promise<number> {
  const query = resource === 'snapshots' ? '?completed=all' : '';
  return json(await authed(app, { url: `/api/atlas/v1.0/groups/${groupId}/clusters/${cluster}/${resource}${query}` })).totalCount;
}

t.test('GET /_emulator/overview: every cluster with the counts its lists give, the clock, the credentials without secrets', async (t) => {
  const clock = new TestClock();
  const app = buildTestApp(t, {}, { clock });
  load(app, LIVE_FIXTURE);
  clock.advance(6 * 3_600_000);
  const res = await control(app, 'GET', '/overview');
  t.equal(res.statusCode, 200);
  const overview = json(res);
  t.same(overview.clock, { now: '2026-01-01T06:00:00.000Z', frozen: true });
  t.same(overview.projects.map((p: { id: string }) => p.id), [GROUP2, GROUP, LIVE], 'projects by id');
  const clusters = Object.fromEntries(overview.projects.flatMap((p: { id: string; clusters: { name: string }[] }) => p.clusters.map((c) => [`${p.id}/${c.name}`, c])));
  t.match(clusters[`${GROUP}/Cluster0`], { type: 'SHARDED', shards: 2, backup: 'LEGACY', live: false, liveFrom: null, checkpoints: 61, snapshots: 8, restoreJobs: 3 });
  t.match(clusters[`${GROUP}/CloudCluster`], { backup: 'CLOUD', checkpoints: null, snapshots: null, restoreJobs: null }, 'the legacy API refuses a Cloud Backup cluster');
  t.match(clusters[`${LIVE}/Live`], { live: true, liveFrom: '2025-12-31T18:00:00.000Z' });
  for (const [key, cluster] of Object.entries(clusters) as [string, { backup: string; [count: string]: unknown }][]) {
    if (cluster.backup === 'CLOUD') continue;
    const [groupId, name] = key.split('/') as [string, string];
    for (const resource of ['checkpoints', 'snapshots', 'restoreJobs']) {
      const path = resource === 'checkpoints' ? 'backupCheckpoints' : resource;
      t.equal(cluster[resource], await listed(app, groupId, name, path), `${key} ${resource}: as the API counts them now`);
    }
    const { links: _links, clusterId: _clusterId, groupId: _groupId, ...schedule } = json(await authed(app, { url: `/api/atlas/v1.0/groups/${groupId}/clusters/${name}/snapshotSchedule` }));
    t.same(cluster.schedule, schedule, `${key}: the schedule the API answers`);
  }
  t.ok(clusters[`${LIVE}/Live`].checkpoints > 0 && clusters[`${LIVE}/Live`].snapshots > 0, 'a live cluster has taken some since it went live');
  t.same(overview.credentials, [
    { kind: 'apiKey', id: PUBLIC_KEY, projects: '*', source: 'options' },
    { kind: 'serviceAccount', id: DEFAULT_CLIENT_ID, projects: '*', source: 'options' },
  ]);
});

t.test('the overview lists declared credentials by id only; one declared with a default id replaces the default', async (t) => {
  const app = buildTestApp(t);
  load(app, { ...CREDENTIALS, apiKeys: [...CREDENTIALS.apiKeys!, { publicKey: PUBLIC_KEY, privateKey: 'replaced-private-key-0000', projects: [GROUP] }] });
  const res = await control(app, 'GET', '/overview');
  const { credentials } = json(res);
  t.same(credentials[0], { kind: 'serviceAccount', id: DEFAULT_CLIENT_ID, projects: '*', source: 'options' });
  t.same(credentials.find((c: { id: string }) => c.id === PUBLIC_KEY), { kind: 'apiKey', id: PUBLIC_KEY, projects: [GROUP], source: 'fixture' });
  t.same(credentials.find((c: { id: string }) => c.id === 'elsewhere'), { kind: 'apiKey', id: 'elsewhere', projects: '*', accessList: ['192.0.2.0/24', '2001:db8::/32'], source: 'fixture' });
  t.equal(credentials.length, 1 + CREDENTIALS.apiKeys!.length + 1 + CREDENTIALS.serviceAccounts!.length);
  const secrets = [PRIVATE_KEY, DEFAULT_CLIENT_SECRET, 'replaced-private-key-0000', ...CREDENTIALS.apiKeys!.map((k) => k.privateKey), ...CREDENTIALS.serviceAccounts!.map((a) => a.clientSecret)];
  for (const secret of secrets) t.notOk(res.body.includes(secret), 'no secret');
});

t.test('GET /_emulator/auth-failures: each reason code in plain words, with what to do', async (t) => {
  const app = buildTestApp(t);
  const res = await control(app, 'GET', '/auth-failures');
  t.equal(res.statusCode, 200);
  t.same(json(res), AUTH_FAILURES);
  // The codes authentication can journal: the AuthFailureReason union (a Record over it makes tsc check the same).
  const union = readFileSync(new URL('../../src/auth/failure.ts', import.meta.url), 'utf8').match(/type AuthFailureReason =([^;]+);/)![1]!;
  t.same(Object.keys(AUTH_FAILURES).sort(), [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]).sort());
  for (const [code, { meaning, advice }] of Object.entries(AUTH_FAILURES)) t.ok(/\.$/.test(meaning) && /\.$/.test(advice), `${code}: two sentences`);
});

t.test('GET /_emulator + an Atlas read path: the same status, type and bytes as the API, with no journal or fault', async (t) => {
  const app = buildTestApp(t);
  const base = `/api/atlas/VERSION/groups/${GROUP}/clusters`;
  const reads = [
    'Cluster0/backupCheckpoints',
    'Cluster0/backupCheckpoints?pageNum=3&itemsPerPage=7&pretty=true',
    'Cluster0/backupCheckpoints/5a7cdb3980eef53de5bffdcf?envelope=true',
    'Cluster0/snapshots?completed=all&itemsPerPage=3&pageNum=2',
    'Cluster0/restoreJobs?includeCount=false',
    'Cluster0/backupCheckpoints/000000000000000000000000',
    'Cluster0/snapshots/not-an-id',
    'Cluster0/backupCheckpoints?itemsPerPage=501',
    'CloudCluster/snapshots',
    'Nowhere/restoreJobs',
  ];
  const restoreJob = json(await authed(app, { url: `${base.replace('VERSION', 'v1.0')}/Cluster0/restoreJobs` })).results[0].id;
  reads.push(`Cluster0/restoreJobs/${restoreJob}`);
  for (const version of ['v1.0', 'v2']) {
    for (const accept of [V2_ACCEPT, undefined]) {
      for (const read of reads) {
        const url = `${base.replace('VERSION', version)}/${read}`;
        const headers: Record<string, string> = accept === undefined ? {} : { accept };
        const api = await signedInject(app, url, headers);
        const total = app.emulator.journal.total;
        const mirrored = await control(app, 'GET', url, undefined, headers);
        const what = `${version} ${read} (Accept ${accept ?? 'none'})`;
        t.equal(mirrored.statusCode, api.statusCode, `${what}: status ${api.statusCode}`);
        t.equal(mirrored.headers['content-type'], api.headers['content-type'], `${what}: content type`);
        t.equal(mirrored.headers['x-error-code'], api.headers['x-error-code'], `${what}: error code`);
        t.equal(mirrored.body, api.body, `${what}: body`);
        t.equal(app.emulator.journal.total, total, `${what}: not journaled`);
      }
    }
  }

  t.equal((await control(app, 'POST', '/faults', { effect: { type: 'error', status: 503 }, everyRequest: true })).statusCode, 201);
  const read = await control(app, 'GET', `${base.replace('VERSION', 'v1.0')}/Cluster0/backupCheckpoints`);
  t.equal(read.statusCode, 200, 'fault rules do not apply');
  t.equal(app.emulator.faults.list()[0]!.view().applied, 0);
});

t.test('the Atlas reads are GETs of the three lists and their items only', async (t) => {
  const app = buildTestApp(t);
  const cluster = `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0`;
  t.same(json(await control(app, 'GET', `${cluster}/snapshotSchedule`)), invalidControlRequest('resource', 'must be one of backupCheckpoints, snapshots, restoreJobs'));
  t.same(json(await control(app, 'GET', `/api/atlas/v3/groups/${GROUP}/clusters/Cluster0/snapshots`)), invalidControlRequest('version', 'must be one of v1.0, v2'));
  const jobs = json(await authed(app, { url: `${cluster}/restoreJobs` })).totalCount;
  for (const method of ['POST', 'DELETE'] as const) t.equal((await control(app, method, `${cluster}/restoreJobs`, method === 'POST' ? {} : undefined)).statusCode, 404, `${method}: no such control route`);
  t.equal(json(await authed(app, { url: `${cluster}/restoreJobs` })).totalCount, jobs, 'nothing was created');
});
