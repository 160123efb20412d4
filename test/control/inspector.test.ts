import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { AUTH_FAILURES } from '../../src/inspector/auth-failures.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../src/model/options.js';
import { CREDENTIALS } from '../helpers/auth.js';
import {
  authed,
  buildTestApp,
  GROUP,
  GROUP2,
  json,
  load,
  PRIVATE_KEY,
  PUBLIC_KEY,
  TestClock,
  V2_ACCEPT,
  LIVE,
  liveFixture,
} from '../helpers/test-app.js';
import { control, invalidControlRequest, signedInject } from '../helpers/control-client.js';
import { atlasError, CHALLENGE, UNAUTHORIZED_BODY } from '../helpers/atlas-answers.js';

// The inspector's routes through inject(): the page and its assets (types, caching, the
// admin-token rule), the overview, the plain-words refusal reasons, and the Atlas reads
// (the API's bytes, without its journal or faults). The page itself runs in a browser in
// test/system/inspector.test.ts.

const UI = new URL('../../src/inspector/ui/', import.meta.url);
const LIVE_FIXTURE = liveFixture('2025-12-31T18:00:00Z');

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

  for (const [file, type] of [
    ['inspector.css', 'text/css; charset=utf-8'],
    ['inspector.js', 'text/javascript; charset=utf-8'],
  ]) {
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

t.test('the page and its assets gzipped for a browser that takes gzip, with an ETag of their own', async (t) => {
  const app = buildTestApp(t);
  for (const [url, file] of [
    ['/ui', 'index.html'],
    ['/ui/inspector.css', 'inspector.css'],
    ['/ui/inspector.js', 'inspector.js'],
  ] as const) {
    const plain = await control(app, 'GET', url);
    const res = await control(app, 'GET', url, undefined, { 'accept-encoding': 'gzip, deflate' });
    t.equal(res.statusCode, 200, url);
    t.equal(res.headers['content-encoding'], 'gzip');
    t.equal(res.headers.vary, 'accept-encoding');
    t.equal(plain.headers.vary, 'accept-encoding');
    t.equal(plain.headers['content-encoding'], undefined, `${url}: as it is without Accept-Encoding`);
    t.equal(gunzipSync(res.rawPayload).toString('utf8'), readFileSync(new URL(file, UI), 'utf8'), `${url}: the same file`);
    t.ok(
      res.rawPayload.length < plain.rawPayload.length / 2,
      `${url}: ${res.rawPayload.length} bytes instead of ${plain.rawPayload.length}`,
    );
    t.equal(res.headers.etag, String(plain.headers.etag).replace(/"$/, '-gzip"'), 'another representation, another ETag');
    t.equal(
      (await control(app, 'GET', url, undefined, { 'accept-encoding': 'gzip', 'if-none-match': String(res.headers.etag) })).statusCode,
      304,
    );
    t.equal(
      (await control(app, 'GET', url, undefined, { 'if-none-match': String(res.headers.etag) })).statusCode,
      200,
      'not the ETag of the file as it is',
    );
    for (const refused of ['gzip;q=0', 'br', 'identity', 'x-gzip2']) {
      t.equal(
        (await control(app, 'GET', url, undefined, { 'accept-encoding': refused })).headers['content-encoding'],
        undefined,
        `${url}, Accept-Encoding: ${refused}`,
      );
    }
  }
});

t.test('the page works offline: its files name nothing outside the emulator', async (t) => {
  t.same(readdirSync(UI).sort(), ['index.html', 'inspector.css', 'inspector.js'], 'one HTML, one CSS, one script');
  for (const file of readdirSync(UI)) {
    const text = readFileSync(new URL(file, UI), 'utf8');
    t.notMatch(text, /(?:src|href)="(?!\/_emulator\/|#|data:)/, `${file}: every src and href is the emulator's own`);
    t.notMatch(text, /url\((?!#)|@import|https?:\/\/(?!localhost|www\.w3\.org\/2000\/svg')/, `${file}: no remote URL`);
  }
});

t.test('with an admin token, the page and its assets are open; the data routes are not', async (t) => {
  const app = buildTestApp(t, { adminToken: 'page-token' });
  for (const url of ['/ui', '/ui/inspector.css', '/ui/inspector.js'])
    t.equal((await control(app, 'GET', url)).statusCode, 200, `${url} without the token`);
  const bearer = { authorization: 'Bearer page-token' };
  for (const url of [
    '/overview',
    '/auth-failures',
    '/timeline',
    `/timeline/${GROUP}/Cluster0`,
    `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupCheckpoints`,
  ]) {
    const refused = await control(app, 'GET', url);
    t.equal(refused.statusCode, 401, `${url} without the token`);
    t.equal(refused.headers['x-error-code'], 'ADMIN_TOKEN_REQUIRED');
    t.equal((await control(app, 'GET', url, undefined, bearer)).statusCode, 200, `${url} with it`);
  }
});

/** What a browser sends when it opens a page (Chromium's navigation Accept). */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

t.test('the addresses a person types for the inspector lead to /_emulator/ui, with an admin token set too', async (t) => {
  for (const options of [{}, { adminToken: 'page-token' }]) {
    const app = buildTestApp(t, options);
    for (const url of ['/_emulator', '/_emulator/', '/_emulator/ui/']) {
      const res = await app.inject({ url, headers: { accept: BROWSER_ACCEPT } });
      t.equal(res.statusCode, 302, url);
      t.equal(res.headers.location, '/_emulator/ui', `${url} leads to the page`);
      t.equal(res.body, '');
    }
  }
});

t.test(
  'GET / from a browser leads to the inspector, without a Digest challenge; an API client at / still gets Atlas’s answers',
  async (t) => {
    const app = buildTestApp(t);
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await app.inject({ method, url: '/', headers: { accept: BROWSER_ACCEPT } });
      t.equal(res.statusCode, 302, method);
      t.equal(res.headers.location, '/_emulator/ui');
      t.equal(res.headers['www-authenticate'], undefined, 'no challenge, so no password prompt');
    }
    t.same(json(await control(app, 'GET', '/requests')).requests, [], 'the emulator’s own page: not journaled, like the control plane');

    for (const headers of [{}, { accept: 'application/json' }, { accept: '*/*' }, { accept: V2_ACCEPT }]) {
      const challenge = await app.inject({ url: '/', headers });
      t.equal(challenge.statusCode, 401, `Accept ${headers.accept ?? '(none)'}: the challenge`);
      t.equal(challenge.body, UNAUTHORIZED_BODY);
      t.match(challenge.headers['www-authenticate'], CHALLENGE);
    }
    const signed = await authed(app, { url: '/' });
    t.equal(signed.statusCode, 404, 'signed: Atlas’s 404');
    t.equal(signed.body, atlasError(404, 'RESOURCE_NOT_FOUND', 'Cannot find resource /.', ['/']));
    const elsewhere = await app.inject({ url: '/api/atlas/v1.0/', headers: { accept: BROWSER_ACCEPT } });
    t.equal(elsewhere.statusCode, 401, 'a browser at an API path gets the challenge, as from Atlas');
    const post = await app.inject({ method: 'POST', url: '/', headers: { accept: BROWSER_ACCEPT } });
    t.equal(post.statusCode, 401, 'only GET and HEAD of / lead to the page');
  },
);

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
  t.same(
    overview.projects.map((p: { id: string }) => p.id),
    [GROUP2, GROUP, LIVE],
    'projects by id',
  );
  const clusters = Object.fromEntries(
    overview.projects.flatMap((p: { id: string; clusters: { name: string }[] }) => p.clusters.map((c) => [`${p.id}/${c.name}`, c])),
  );
  t.match(clusters[`${GROUP}/Cluster0`], {
    type: 'SHARDED',
    shards: 2,
    backup: 'LEGACY',
    live: false,
    liveFrom: null,
    checkpoints: 61,
    snapshots: 8,
    restoreJobs: 3,
  });
  t.match(
    clusters[`${GROUP}/CloudCluster`],
    { backup: 'CLOUD', checkpoints: null, snapshots: null, restoreJobs: null },
    'the legacy API refuses a Cloud Backup cluster',
  );
  t.match(clusters[`${LIVE}/Live`], { live: true, liveFrom: '2025-12-31T18:00:00.000Z' });
  for (const [key, cluster] of Object.entries(clusters) as [string, { backup: string; [count: string]: unknown }][]) {
    if (cluster.backup === 'CLOUD') continue;
    const [groupId, name] = key.split('/') as [string, string];
    for (const resource of ['checkpoints', 'snapshots', 'restoreJobs']) {
      const path = resource === 'checkpoints' ? 'backupCheckpoints' : resource;
      t.equal(cluster[resource], await listed(app, groupId, name, path), `${key} ${resource}: as the API counts them now`);
    }
    const {
      links: _links,
      clusterId: _clusterId,
      groupId: _groupId,
      ...schedule
    } = json(await authed(app, { url: `/api/atlas/v1.0/groups/${groupId}/clusters/${name}/snapshotSchedule` }));
    t.same(cluster.schedule, schedule, `${key}: the schedule the API answers`);
  }
  t.ok(
    clusters[`${LIVE}/Live`].checkpoints > 0 && clusters[`${LIVE}/Live`].snapshots > 0,
    'a live cluster has taken some since it went live',
  );
  t.same(overview.credentials, [
    { kind: 'apiKey', id: PUBLIC_KEY, projects: '*', source: 'options' },
    { kind: 'serviceAccount', id: DEFAULT_CLIENT_ID, projects: '*', source: 'options' },
  ]);
});

t.test('the overview lists declared credentials by id only; one declared with a default id replaces the default', async (t) => {
  const app = buildTestApp(t);
  load(app, {
    ...CREDENTIALS,
    apiKeys: [...CREDENTIALS.apiKeys!, { publicKey: PUBLIC_KEY, privateKey: 'replaced-private-key-0000', projects: [GROUP] }],
  });
  const res = await control(app, 'GET', '/overview');
  const { credentials } = json(res);
  t.same(credentials[0], { kind: 'serviceAccount', id: DEFAULT_CLIENT_ID, projects: '*', source: 'options' });
  t.same(
    credentials.find((c: { id: string }) => c.id === PUBLIC_KEY),
    { kind: 'apiKey', id: PUBLIC_KEY, projects: [GROUP], source: 'fixture' },
  );
  t.same(
    credentials.find((c: { id: string }) => c.id === 'elsewhere'),
    { kind: 'apiKey', id: 'elsewhere', projects: '*', accessList: ['192.0.2.0/24', '2001:db8::/32'], source: 'fixture' },
  );
  t.equal(credentials.length, 1 + CREDENTIALS.apiKeys!.length + 1 + CREDENTIALS.serviceAccounts!.length);
  const secrets = [
    PRIVATE_KEY,
    DEFAULT_CLIENT_SECRET,
    'replaced-private-key-0000',
    ...CREDENTIALS.apiKeys!.map((k) => k.privateKey),
    ...CREDENTIALS.serviceAccounts!.map((a) => a.clientSecret),
  ];
  for (const secret of secrets) t.notOk(res.body.includes(secret), 'no secret');
});

t.test('GET /_emulator/auth-failures: each reason code in plain words, with what to do', async (t) => {
  const app = buildTestApp(t);
  const res = await control(app, 'GET', '/auth-failures');
  t.equal(res.statusCode, 200);
  t.same(json(res), AUTH_FAILURES);
  // The codes authentication can journal: the AuthFailureReason union (a Record over it makes tsc check the same).
  const union = readFileSync(new URL('../../src/model/authentication.ts', import.meta.url), 'utf8').match(
    /type AuthFailureReason =([^;]+);/,
  )![1]!;
  t.same(Object.keys(AUTH_FAILURES).sort(), [...union.matchAll(/'(\w+)'/g)].map((m) => m[1]).sort());
  for (const [code, { meaning, advice }] of Object.entries(AUTH_FAILURES))
    t.ok(/\.$/.test(meaning) && /\.$/.test(advice), `${code}: two sentences`);
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
  t.same(
    json(await control(app, 'GET', `${cluster}/snapshotSchedule`)),
    invalidControlRequest('resource', 'must be one of backupCheckpoints, snapshots, restoreJobs'),
  );
  t.same(
    json(await control(app, 'GET', `/api/atlas/v3/groups/${GROUP}/clusters/Cluster0/snapshots`)),
    invalidControlRequest('version', 'must be one of v1.0, v2'),
  );
  const jobs = json(await authed(app, { url: `${cluster}/restoreJobs` })).totalCount;
  for (const method of ['POST', 'DELETE'] as const)
    t.equal(
      (await control(app, method, `${cluster}/restoreJobs`, method === 'POST' ? {} : undefined)).statusCode,
      404,
      `${method}: no such control route`,
    );
  t.equal(json(await authed(app, { url: `${cluster}/restoreJobs` })).totalCount, jobs, 'nothing was created');
});

/** Every item a list operation gives now, page by page, as an API client reads them. */
async function listedItems(app: FastifyInstance, groupId: string, cluster: string, resource: string, query = ''): Promise<any[]> {
  const items = [];
  for (let pageNum = 1; ; pageNum++) {
    const page = json(
      await authed(app, {
        url: `/api/atlas/v1.0/groups/${groupId}/clusters/${cluster}/${resource}?itemsPerPage=500&pageNum=${pageNum}${query}`,
      }),
    );
    items.push(...page.results);
    if (items.length >= page.totalCount) return items;
  }
}

const timelineOf = async (app: FastifyInstance, groupId: string, cluster: string, range = '') =>
  json(await control(app, 'GET', `/timeline/${groupId}/${cluster}${range}`));

t.test(
  'GET /_emulator/timeline: every cluster in the order loaded, with the totals its lists give, what its marks span, and a version',
  async (t) => {
    const clock = new TestClock();
    const app = buildTestApp(t, {}, { clock });
    const res = await control(app, 'GET', '/timeline');
    t.equal(res.statusCode, 200);
    const summary = json(res);
    t.same(summary.clock, { now: '2026-01-01T00:00:00.000Z', frozen: true });
    t.same(
      summary.projects.map((p: { name: string; clusters: { name: string }[] }) => [p.name, p.clusters.map((c) => c.name)]),
      [
        ['Project0', ['Cluster0', 'Cluster1', 'CloudCluster']],
        ['Project1', ['Cluster0']],
      ],
      'the default dataset’s order: Project0 and its Cluster0 first (the ids would sort Project1 first)',
    );
    const [cluster0, cluster1, cloud] = summary.projects[0].clusters;
    t.same(cluster0.totals, { checkpoints: 61, snapshots: 8, restoreJobs: 3, restoreBatches: 1 });
    const checkpointTimes = json(
      await authed(app, { url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupCheckpoints?itemsPerPage=500` }),
    ).results.map((c: { timestamp: string }) => Date.parse(c.timestamp));
    const lastCheckpoint = new Date(Math.max(...checkpointTimes)).toISOString();
    t.same(cluster0.extent, { from: '2018-02-08T06:00:00.000Z', to: lastCheckpoint }, 'from the first snapshot to the last checkpoint');
    t.match(cluster0, {
      type: 'SHARDED',
      backup: 'LEGACY',
      live: false,
      liveFrom: null,
      schedule: { clusterCheckpointIntervalMin: 15, pointInTimeWindowHours: 24 },
    });
    t.same(cluster1.totals, { checkpoints: 0, snapshots: 0, restoreJobs: 0, restoreBatches: 0 });
    t.equal(cluster1.extent, null, 'nothing to draw');
    t.same(
      [cloud.backup, cloud.totals, cloud.extent, cloud.version],
      ['CLOUD', null, null, null],
      'the Legacy Backup API refuses a Cloud Backup cluster',
    );

    // A project loaded later comes later, whatever its id.
    load(app, {
      projects: [
        {
          id: '000000000000000000000001',
          name: 'Later',
          clusters: [
            { name: 'Zeta', clusterId: 'dddddddddddddddddddddddd' },
            { name: 'Alpha', clusterId: 'eeeeeeeeeeeeeeeeeeeeeeee' },
          ],
        },
        LIVE_FIXTURE.projects[0],
      ],
    });
    clock.advance(6 * 3_600_000 + 2 * 60_000);
    const loaded = json(await control(app, 'GET', '/timeline'));
    t.same(
      loaded.projects.map((p: { name: string }) => p.name),
      ['Project0', 'Project1', 'Later', 'LiveProject'],
    );
    t.same(
      loaded.projects[2].clusters.map((c: { name: string }) => c.name),
      ['Zeta', 'Alpha'],
      'clusters in the document’s order',
    );
    for (const project of loaded.projects) {
      for (const cluster of project.clusters) {
        if (cluster.backup === 'CLOUD') continue;
        const totals = {
          checkpoints: await listed(app, project.id, cluster.name, 'backupCheckpoints'),
          snapshots: json(await authed(app, { url: `/api/atlas/v1.0/groups/${project.id}/clusters/${cluster.name}/snapshots` })).totalCount,
          restoreJobs: await listed(app, project.id, cluster.name, 'restoreJobs'),
        };
        t.match(
          cluster.totals,
          totals,
          `${project.name}/${cluster.name}: the totals the lists give (snapshots: the completed ones, the list's default)`,
        );
      }
    }
    const live = loaded.projects[3].clusters[0];
    t.match(live, { live: true, liveFrom: '2025-12-31T18:00:00.000Z', extent: { to: '2026-01-01T06:00:00.000Z' } });
    t.ok(
      live.totals.snapshots < (await listed(app, LIVE, 'Live', 'snapshots')),
      'the snapshot taken at 06:00 is not complete yet: the default list leaves it out',
    );
  },
);

t.test('the version changes when what a cluster’s lists show may change, and only then', async (t) => {
  const clock = new TestClock();
  const app = buildTestApp(t, {}, { clock });
  load(app, LIVE_FIXTURE);
  const versions = async () => {
    const { projects } = json(await control(app, 'GET', '/timeline'));
    return Object.fromEntries(
      projects.flatMap((p: { id: string; clusters: { name: string; version: string }[] }) =>
        p.clusters.map((c) => [`${p.id}/${c.name}`, c.version]),
      ),
    );
  };
  const before = await versions();
  clock.advance(60_000);
  t.same(await versions(), before, 'a minute on: nothing its lists show has changed (the 00:00 snapshot completes at 00:05)');
  clock.advance(15 * 60_000);
  const after = await versions();
  t.not(after[`${LIVE}/Live`], before[`${LIVE}/Live`], 'a checkpoint later: the live cluster’s changes');
  t.equal(after[`${GROUP}/Cluster0`], before[`${GROUP}/Cluster0`], 'a static cluster’s does not');
  await authed(app, {
    method: 'POST',
    url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/restoreJobs`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ checkpointId: '5a7cdb3980eef53de5bffdcf', delivery: { methodName: 'HTTP' } }),
  });
  t.not((await versions())[`${GROUP}/Cluster0`], after[`${GROUP}/Cluster0`], 'a restore created: it changes');
});

t.test('GET /_emulator/timeline/{groupId}/{clusterName}: the marks of what the lists show, in a range', async (t) => {
  const clock = new TestClock();
  const app = buildTestApp(t, {}, { clock });
  const whole = await timelineOf(app, GROUP, 'Cluster0');
  const checkpoints = await listedItems(app, GROUP, 'Cluster0', 'backupCheckpoints');
  t.same(
    whole.checkpoints,
    { inRange: 61, marks: checkpoints.map((c) => ({ id: c.id, timestamp: c.timestamp })) },
    'every checkpoint the list gives, in its order',
  );
  const snapshots = await listedItems(app, GROUP, 'Cluster0', 'snapshots', '&completed=all');
  t.same(
    whole.snapshots.marks.map((s: { id: string }) => s.id),
    snapshots.map((s) => s.id),
    'every snapshot',
  );
  t.same(
    whole.snapshots.marks[3],
    {
      id: snapshots[3].id,
      created: '2018-02-09T00:00:00.000Z',
      expires: '2018-02-16T00:00:00.000Z',
      complete: true,
      doNotDelete: false,
      retention: 'daily',
    },
    'a midnight snapshot is kept daily',
  );
  t.same(
    whole.snapshots.marks.map((s: { retention: string }) => s.retention),
    ['recent', 'recent', 'recent', 'daily', 'recent', 'recent', 'recent', 'daily'],
  );
  const jobs = await listedItems(app, GROUP, 'Cluster0', 'restoreJobs');
  t.same(
    whole.restoreBatches,
    {
      inRange: 1,
      marks: [
        {
          batchId: jobs[0].batchId,
          created: '2018-02-09T00:00:00.000Z',
          finishes: null,
          statusName: 'FINISHED',
          jobs: jobs.map((j) => ({ id: j.id, statusName: 'FINISHED' })),
        },
      ],
    },
    'the loaded batch of three jobs, finished as listed',
  );

  const day = await timelineOf(app, GROUP, 'Cluster0', '?from=2018-02-09T00:00:00Z&to=2018-02-10T00:00:00Z');
  const inDay = checkpoints.filter((c) => c.timestamp >= '2018-02-09T00:00:00Z' && c.timestamp <= '2018-02-10T00:00:00Z');
  t.same(
    day.checkpoints.marks.map((c: { id: string }) => c.id),
    inDay.map((c) => c.id),
    'checkpoints with a timestamp in the range',
  );
  t.equal(day.snapshots.inRange, 8, 'snapshots from creation to expiry overlapping it (all eight run into 2018-02-10)');
  const late = await timelineOf(app, GROUP, 'Cluster0', '?from=2018-02-17T00:00:01Z');
  t.same([late.snapshots.inRange, late.restoreBatches.inRange], [0, 0], 'after every expiry and the batch');
  t.equal(late.checkpoints.inRange, checkpoints.filter((c) => c.timestamp >= '2018-02-17T00:00:01Z').length);
  t.equal(whole.version, json(await control(app, 'GET', '/timeline')).projects[0].clusters[0].version, 'the version the summary gives');
});

t.test('at most 1000 marks of a kind: an even selection, counted', async (t) => {
  const app = buildTestApp(t, {}, { clock: new TestClock() });
  load(app, {
    projects: [{ id: LIVE, name: 'Big', clusters: [{ name: 'Big', clusterId: '7b7b7b7b7b7b7b7b7b7b7b7b', generate: { count: 2500 } }] }],
  });
  const { checkpoints } = await timelineOf(app, LIVE, 'Big');
  t.equal(checkpoints.inRange, 2500);
  t.equal(checkpoints.marks.length, 1000);
  const all = await listedItems(app, LIVE, 'Big', 'backupCheckpoints');
  t.same(
    checkpoints.marks.slice(0, 3).map((c: { id: string }) => c.id),
    [all[0].id, all[2].id, all[5].id],
    'every 2.5th, from the first',
  );
});

t.test('a live cluster’s marks follow the clock: new checkpoints, expired snapshots gone, a restore batch that finishes', async (t) => {
  const clock = new TestClock();
  const app = buildTestApp(t, {}, { clock });
  load(app, LIVE_FIXTURE);
  clock.advance(3 * 86_400_000);
  const before = await timelineOf(app, LIVE, 'Live');
  t.equal(before.checkpoints.inRange, 96, 'a day of checkpoints every 15 minutes');
  clock.advance(2 * 86_400_000);
  const after = await timelineOf(app, LIVE, 'Live');
  t.same(
    after.checkpoints.marks.map((c: { id: string }) => c.id),
    (await listedItems(app, LIVE, 'Live', 'backupCheckpoints')).map((c) => c.id),
    'the checkpoints the list gives now',
  );
  t.notOk(
    after.checkpoints.marks.some((c: { id: string }) => before.checkpoints.marks.some((b: { id: string }) => b.id === c.id)),
    'all of them new',
  );
  const ids = (await listedItems(app, LIVE, 'Live', 'snapshots', '&completed=all')).map((s) => s.id);
  t.same(
    after.snapshots.marks.map((s: { id: string }) => s.id),
    ids,
    'the snapshots the list gives now',
  );
  t.ok(
    before.snapshots.marks.some((s: { id: string }) => !ids.includes(s.id)),
    'some have expired since',
  );

  const created = await authed(app, {
    method: 'POST',
    url: `/api/atlas/v1.0/groups/${LIVE}/clusters/Live/restoreJobs`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ snapshotId: ids.at(-2), delivery: { methodName: 'HTTP' } }),
  });
  t.equal(created.statusCode, 200);
  const jobIds = json(created).results.map((j: { id: string }) => j.id);
  const running = (await timelineOf(app, LIVE, 'Live')).restoreBatches;
  t.same(running.marks, [
    {
      batchId: json(created).results[0].batchId,
      created: '2026-01-06T00:00:00.000Z',
      finishes: '2026-01-06T00:10:00.000Z',
      statusName: 'IN_PROGRESS',
      jobs: jobIds.map((id: string) => ({ id, statusName: 'IN_PROGRESS' })),
    },
  ]);
  clock.advance(10 * 60_000);
  const done = (await timelineOf(app, LIVE, 'Live')).restoreBatches.marks[0];
  t.same(
    [done.statusName, done.jobs.map((j: { statusName: string }) => j.statusName)],
    ['FINISHED', ['FINISHED', 'FINISHED', 'FINISHED']],
    'FINISHED once the clock passes its end',
  );
});

t.test('the timeline of a cluster: its errors', async (t) => {
  const app = buildTestApp(t);
  const cases: [string, number, object][] = [
    [`/timeline/${LIVE}/Cluster0`, 404, { errorCode: 'GROUP_NOT_FOUND' }],
    [`/timeline/${GROUP}/Nowhere`, 404, { errorCode: 'CLUSTER_NOT_FOUND' }],
    [`/timeline/${GROUP}/CloudCluster`, 400, { errorCode: 'BACKUP_JOB_NOT_FOUND' }],
    [
      `/timeline/${GROUP}/Cluster0?from=2018-02-10T00:00:00Z&to=2018-02-09T00:00:00Z`,
      400,
      invalidControlRequest('to', 'must not be before from'),
    ],
    [
      `/timeline/${GROUP}/Cluster0?from=yesterday`,
      400,
      invalidControlRequest('from', 'must be a real UTC date-time like 2018-02-08T23:19:37Z'),
    ],
    [`/timeline/${GROUP}/Cluster0?zoom=2`, 400, { errorCode: 'INVALID_CONTROL_REQUEST', parameters: ['query.zoom'] }],
  ];
  for (const [url, status, body] of cases) {
    const res = await control(app, 'GET', url);
    t.equal(res.statusCode, status, url);
    t.match(json(res), body, url);
  }
});
