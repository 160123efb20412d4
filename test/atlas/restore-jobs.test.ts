import { readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { fnv1a, hexDigits, seededFaker } from '../../src/lib/random.js';
import { authed, buildTestApp, GROUP, json, load, TestClock, type Call } from '../helpers/test-app.js';
import {
  assertError,
  atlasError,
  call,
  CONTENT_TYPE,
  errorApps,
  FARAWAY,
  HOST,
  invalidAttribute,
  REL,
  sorted,
  testDeclaredErrors,
  type DeclaredErrors,
  type Version,
  VERSIONS,
} from '../helpers/atlas-answers.js';

// The restore job operations on v1.0 and v2: list, get and create (exactly one restore source,
// the delivery method, automated-restore targets, a sharded cluster's batch answered as a list),
// jobs progressing with the emulator clock (IN_PROGRESS, FINISHED; an HTTP download READY, then
// EXPIRED), and the errors each operation declares. Expected bodies are built from the fixtures
// and the clock moves, never from a response; the one thing taken from a response is the id the
// emulator gives a new job (checked to be an ObjectId of the creation second).

const SEED = 1;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How long a restore takes in emulator time, and an HTTP download's defaults (the emulator's choices). */
const JOB_DURATION = 10 * MINUTE;
const DEFAULT_EXPIRATION_HOURS = 48;
const DEFAULT_MAX_DOWNLOADS = 1;

const clusterUrl = (version: Version, group: string, cluster: string) => `/api/atlas/${version}/groups/${group}/clusters/${cluster}`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const secondHex = (ms: number) => Math.floor(ms / 1000).toString(16);

const missingAttribute = (field: string) =>
  atlasError(
    400,
    'MISSING_ATTRIBUTE',
    `The required attribute ${field} was not specified.`,
    [field],
    [{ field, description: 'is required' }],
  );

// Project RG: a static replica set with a complete and an incomplete snapshot and two listed
// jobs (one finished as listed, one that progresses with the clock), a live sharded cluster
// (one shard) and a cluster on Cloud Backup. Project TG: a target for automated restores.
const RG = '6c0000000000000000000003';
const TG = '6c0000000000000000000004';
interface ClusterRef {
  group: string;
  name: string;
  clusterId: string;
}
const RS: ClusterRef = { group: RG, name: 'RS', clusterId: '6c00000000000000000000c1' };
const LIVE: ClusterRef = { group: RG, name: 'LiveSh', clusterId: '6c00000000000000000000c2' };
const TARGET: ClusterRef = { group: TG, name: 'Target', clusterId: '6c00000000000000000000d1' };
const R1 = {
  id: '6c0000000000000000000111',
  created: { date: '2025-12-31T06:00:00Z', increment: 4 },
  lastOplogAppliedTimestamp: { date: '2025-12-31T06:00:00Z', increment: 4 },
};
const R2 = { id: '6c0000000000000000000112', created: { date: '2025-12-31T23:58:00Z', increment: 1 }, complete: false };
const J1 = {
  id: '6c0000000000000000000201',
  checkpointId: '6c0000000000000000000301',
  created: '2025-12-01T00:00:00Z',
  delivery: { expirationHours: 48, expires: '2025-12-03T00:10:00Z', maxDownloads: 1, methodName: 'HTTP', statusName: 'EXPIRED' },
  encryptionEnabled: false,
  statusName: 'FINISHED',
  timestamp: { date: '2025-11-30T18:00:00Z', increment: 1 },
};
const J2_CREATED = Date.UTC(2025, 11, 31, 23, 55);
const J2 = {
  id: '6c0000000000000000000202',
  created: iso(J2_CREATED),
  delivery: { methodName: 'HTTP', expirationHours: 1 },
  encryptionEnabled: false,
  pointInTimeUTCMillis: Date.UTC(2025, 11, 31, 12),
  timestamp: { date: '2025-12-31T12:00:00Z', increment: 1 },
};
const ONLY_RG = { publicKey: 'onlyrg', privateKey: 'only-rg-private-key-0001' };
const FIXTURE = {
  projects: [
    {
      id: RG,
      clusters: [
        { name: RS.name, clusterId: RS.clusterId, type: 'REPLICASET', snapshots: [R1, R2], restoreJobs: [J2, J1] },
        { name: LIVE.name, clusterId: LIVE.clusterId, type: 'SHARDED', shards: 1, live: true },
        { name: 'Cloud', clusterId: '6c00000000000000000000c3', type: 'REPLICASET', backup: 'CLOUD' },
      ],
    },
    { id: TG, clusters: [{ name: TARGET.name, clusterId: TARGET.clusterId, type: 'REPLICASET' }] },
  ],
  apiKeys: [
    { ...ONLY_RG, projects: [RG] },
    { ...FARAWAY, projects: '*', accessList: ['192.0.2.0/24'] },
  ],
};

const jobsUrl = (version: Version, cluster: ClusterRef) => `${clusterUrl(version, cluster.group, cluster.name)}/restoreJobs`;

function links(version: Version, cluster: ClusterRef, id: string, standalone: boolean) {
  const base = `${HOST}${clusterUrl(version, cluster.group, cluster.name)}`;
  const self = { href: `${base}/restoreJobs/${id}`, rel: 'self' };
  if (!standalone) return [self];
  return [
    self,
    { href: base, rel: `${REL[version]}cluster` },
    { href: `${HOST}/api/atlas/${version}/groups/${cluster.group}`, rel: `${REL[version]}group` },
  ];
}

interface Job {
  id: string;
  /** Creation time, ms. */
  created: number;
  /** The restore source (snapshotId: the only one shown), the point, the batch: the fields as shown. */
  fields: Record<string, unknown>;
  delivery: { methodName: string; expirationHours?: number; [key: string]: unknown };
}

/** A job that progresses with the clock, as Atlas would show it at `now`. */
function jobView(job: Job, cluster: ClusterRef, now: number, version: Version, standalone: boolean) {
  const finishes = job.created + JOB_DURATION;
  const finished = now >= finishes;
  const http = job.delivery.methodName === 'HTTP' || job.delivery.methodName === 'CLIENT_PIT_HTTP';
  const delivery: Record<string, unknown> = { ...job.delivery, statusName: finished ? 'READY' : 'IN_PROGRESS' };
  const shown: Record<string, unknown> = {
    ...job.fields,
    clusterId: cluster.clusterId,
    clusterName: cluster.name,
    created: iso(job.created),
    delivery,
    groupId: cluster.group,
    id: job.id,
    links: links(version, cluster, job.id, standalone),
    statusName: finished ? 'FINISHED' : 'IN_PROGRESS',
  };
  if (http) {
    const downloadExpires = finishes + job.delivery.expirationHours! * HOUR;
    // The download key, then the file's SHA-1, drawn from a Faker seeded for the job's download.
    const faker = seededFaker(fnv1a(`${SEED}/${job.id}/download`));
    const key = hexDigits(faker, 32);
    const sha1 = hexDigits(faker, 40);
    const file = `${cluster.name}-${job.id}.tar.gz`;
    Object.assign(delivery, {
      authHeader: 'Authorization',
      authValue: `Bearer ${key}`,
      expires: iso(downloadExpires),
      url: `${HOST}/backup/restore/v2/pull/${job.id}/${key}/${file}`,
      urlV2: `${HOST}/backup/restore/v2/pull/${job.id}/${file}`,
    });
    if (finished && now >= downloadExpires) delivery.statusName = 'EXPIRED';
    if (finished) shown.hashes = [{ fileName: file, hash: sha1, typeName: 'SHA1' }];
  }
  return sorted(shown);
}

/** The restore request's fields the description marks writeOnly: a job may be listed with them, never shown with them. */
const WRITE_ONLY = ['checkpointId', 'oplogInc', 'oplogTs', 'pointInTimeUTCMillis'];

/** A job listed with its status: served as listed without its writeOnly fields, the cluster's ids filled in. */
function listedView(job: Record<string, unknown>, cluster: ClusterRef, version: Version, standalone: boolean) {
  const shown = Object.fromEntries(Object.entries(job).filter(([key]) => !WRITE_ONLY.includes(key)));
  return sorted({
    ...shown,
    clusterId: cluster.clusterId,
    clusterName: cluster.name,
    groupId: cluster.group,
    links: links(version, cluster, job.id as string, standalone),
  });
}

const J2_JOB: Job = {
  id: J2.id,
  created: J2_CREATED,
  fields: { encryptionEnabled: false, timestamp: J2.timestamp },
  delivery: J2.delivery,
};

function appWithFixture(t: Test, clock = new TestClock(), rateLimit?: string): FastifyInstance {
  const app = buildTestApp(t, { seed: SEED, ...(rateLimit === undefined ? {} : { rateLimit }) }, { clock });
  load(app, FIXTURE);
  return app;
}

/** The answer to a create: the new jobs as a one-page list whose self link is the collection. */
/** An app on the default dataset with its own clock, and that dataset's Cluster0 with its first checkpoint. */
function defaultCluster0(t: Test) {
  const clock = new TestClock();
  const app = buildTestApp(t, { seed: SEED }, { clock });
  const DEFAULT = JSON.parse(readFileSync(new URL('../../fixtures/default.json', import.meta.url), 'utf8'));
  const fixture = DEFAULT.projects[0].clusters.find((c: { name: string }) => c.name === 'Cluster0');
  const cluster0: ClusterRef = { group: GROUP, name: 'Cluster0', clusterId: fixture.clusterId };
  return { T0: clock.now(), app, fixture, cluster0, checkpoint: fixture.checkpoints[0] };
}

/** The jobs of a batch restoring `checkpoint` by HTTP, created at `at`, with the ids the answer gave. */
const checkpointBatch = (results: { id: string; batchId: string }[], checkpoint: { timestamp: string }, at: number): Job[] =>
  results.map((r) => ({
    id: r.id,
    created: at,
    fields: { batchId: results[0]!.batchId, encryptionEnabled: false, timestamp: { date: checkpoint.timestamp, increment: 1 } },
    delivery: { methodName: 'HTTP', expirationHours: DEFAULT_EXPIRATION_HOURS, maxDownloads: DEFAULT_MAX_DOWNLOADS },
  }));

const created = (version: Version, cluster: ClusterRef, results: unknown[]) => ({
  links: [{ href: `${HOST}${jobsUrl(version, cluster)}`, rel: 'self' }],
  results,
  totalCount: results.length,
});

t.test('list and get: listed jobs (as listed, or progressing with the clock), exact on v1.0 and v2', async (t) => {
  const clock = new TestClock();
  const app = appWithFixture(t, clock);
  for (const version of VERSIONS) {
    const res = await authed(app, call(version, jobsUrl(version, RS)));
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], CONTENT_TYPE[version]);
    const expected = {
      links: [{ href: `${HOST}${jobsUrl(version, RS)}?pageNum=1&itemsPerPage=100`, rel: 'self' }],
      results: [listedView(J1, RS, version, false), jobView(J2_JOB, RS, clock.now(), version, false)],
      totalCount: 2,
    };
    t.strictSame(json(res), expected);
    t.equal(res.body, JSON.stringify(expected), 'compact, keys in alphabetical order');

    for (const [id, view] of [
      [J1.id, listedView(J1, RS, version, true)],
      [J2.id, jobView(J2_JOB, RS, clock.now(), version, true)],
    ] as const) {
      const one = await authed(app, call(version, `${jobsUrl(version, RS)}/${id}`));
      t.equal(one.statusCode, 200);
      t.equal(one.headers['content-type'], CONTENT_TYPE[version]);
      t.equal(one.body, JSON.stringify(view));
    }
  }
  const paged = json(await authed(app, { url: `${jobsUrl('v1.0', RS)}?itemsPerPage=1&pageNum=2` }));
  t.strictSame(paged, {
    links: [
      { href: `${HOST}${jobsUrl('v1.0', RS)}?pageNum=2&itemsPerPage=1`, rel: 'self' },
      { href: `${HOST}${jobsUrl('v1.0', RS)}?itemsPerPage=1&pageNum=1`, rel: 'previous' },
    ],
    results: [jobView(J2_JOB, RS, clock.now(), 'v1.0', false)],
    totalCount: 2,
  });
  // The listed job created at 23:55 finishes at 00:05 and its one-hour download expires at 01:05.
  for (const at of [J2_CREATED + JOB_DURATION, J2_CREATED + JOB_DURATION + HOUR]) {
    clock.set(at);
    t.strictSame(json(await authed(app, { url: `${jobsUrl('v1.0', RS)}/${J2.id}` })), jobView(J2_JOB, RS, at, 'v1.0', true), iso(at));
  }
});

t.test('create from a snapshot: exact answer on v1.0 and v2; the jobs then progress with the clock', async (t) => {
  const clock = new TestClock();
  const T0 = clock.now();
  const app = appWithFixture(t, clock);
  const request = { snapshotId: R1.id, delivery: { methodName: 'HTTP', expirationHours: 2, maxDownloads: 3 } };
  const jobs: Job[] = [];
  for (const version of VERSIONS) {
    const res = await authed(app, call(version, jobsUrl(version, RS), 'POST', request));
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], CONTENT_TYPE[version]);
    const id: string = json(res).results[0]?.id;
    t.match(id, /^[a-f0-9]{24}$/);
    t.equal(id.slice(0, 8), secondHex(T0), 'an ObjectId of the creation second');
    t.notOk([J1.id, J2.id, ...jobs.map((j) => j.id)].includes(id), 'a new id');
    const job: Job = {
      id,
      created: T0,
      fields: { encryptionEnabled: false, snapshotId: R1.id, timestamp: R1.lastOplogAppliedTimestamp },
      delivery: request.delivery,
    };
    jobs.push(job);
    const expected = created(version, RS, [jobView(job, RS, T0, version, false)]);
    t.strictSame(json(res), expected);
    t.equal(res.body, JSON.stringify(expected), 'compact, keys in alphabetical order');
  }

  const finishes = T0 + JOB_DURATION;
  const downloadExpires = finishes + 2 * HOUR;
  const states: string[][] = [];
  for (const at of [T0, finishes - 1, finishes, downloadExpires - 1, downloadExpires, downloadExpires + DAY]) {
    clock.set(at);
    for (const version of VERSIONS) {
      for (const job of jobs) {
        const res = await authed(app, call(version, `${jobsUrl(version, RS)}/${job.id}`));
        t.equal(res.statusCode, 200);
        t.strictSame(json(res), jobView(job, RS, at, version, true), `${iso(at)} ${version}`);
      }
    }
    const { statusName, delivery } = json(await authed(app, { url: `${jobsUrl('v1.0', RS)}/${jobs[0]!.id}` }));
    states.push([statusName, delivery.statusName]);
    const list = json(await authed(app, { url: jobsUrl('v1.0', RS) }));
    t.strictSame(
      list.results,
      [listedView(J1, RS, 'v1.0', false), jobView(J2_JOB, RS, at, 'v1.0', false), ...jobs.map((j) => jobView(j, RS, at, 'v1.0', false))],
      `list at ${iso(at)}`,
    );
    t.equal(list.totalCount, 4);
  }
  // The states the clock moved the job and its download through, spelled out.
  t.same(states, [
    ['IN_PROGRESS', 'IN_PROGRESS'],
    ['IN_PROGRESS', 'IN_PROGRESS'],
    ['FINISHED', 'READY'],
    ['FINISHED', 'READY'],
    ['FINISHED', 'EXPIRED'],
    ['FINISHED', 'EXPIRED'],
  ]);
});

t.test('a sharded cluster restores as one job per shard plus the config server, one batch, answered as a list', async (t) => {
  const { T0, app, fixture, cluster0, checkpoint } = defaultCluster0(t);
  const parts = fixture.shards + 1;
  const listedJobs = fixture.restoreJobs.map((j: Record<string, unknown>) => listedView(j, cluster0, 'v1.0', false));

  let batches = 0;
  for (const version of VERSIONS) {
    const res = await authed(
      app,
      call(version, jobsUrl(version, cluster0), 'POST', { checkpointId: checkpoint.id, delivery: { methodName: 'HTTP' } }),
    );
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], CONTENT_TYPE[version]);
    const results: { id: string; batchId: string }[] = json(res).results;
    t.equal(results.length, parts, `${fixture.shards} shards and the config server`);
    const batchId = results[0]!.batchId;
    t.match(batchId, /^[a-f0-9]{24}$/);
    t.equal(batchId.slice(0, 8), secondHex(T0));
    t.not(batchId, fixture.restoreJobs[0].batchId, 'a new batch');
    t.equal(new Set(results.map((r) => r.id)).size, parts, 'distinct ids');
    const jobs = checkpointBatch(results, checkpoint, T0);
    t.strictSame(
      json(res),
      created(
        version,
        cluster0,
        jobs.map((j) => jobView(j, cluster0, T0, version, false)),
      ),
    );
    batches++;

    const list = json(await authed(app, call(version, jobsUrl(version, cluster0))));
    t.equal(list.totalCount, fixture.restoreJobs.length + batches * parts);
    t.strictSame(
      list.results.slice(-parts),
      jobs.map((j) => jobView(j, cluster0, T0, version, false)),
      'the new batch last',
    );
  }
  const list = json(await authed(app, { url: jobsUrl('v1.0', cluster0) }));
  t.strictSame(list.results.slice(0, fixture.restoreJobs.length), listedJobs, "the default dataset's finished batch first");
  t.equal(new Set(list.results.map((j: { batchId: string }) => j.batchId)).size, 3, 'three batches');
});

t.test(
  'list by batchId: the jobs of one batch, counted and paged alone, batchId kept in the links; malformed 400, unknown empty',
  async (t) => {
    const { T0, app, fixture, cluster0, checkpoint } = defaultCluster0(t);
    const listedBatch: string = fixture.restoreJobs[0].batchId;
    const res = await authed(app, {
      url: jobsUrl('v1.0', cluster0),
      method: 'POST',
      payload: { checkpointId: checkpoint.id, delivery: { methodName: 'HTTP' } },
    });
    const jobs = checkpointBatch(json(res).results, checkpoint, T0);
    const batchId = jobs[0]!.fields.batchId as string;
    t.equal(jobs.length, fixture.shards + 1);

    for (const version of VERSIONS) {
      const url = jobsUrl(version, cluster0);
      const one = await authed(app, call(version, `${url}?batchId=${batchId}`));
      t.equal(one.statusCode, 200);
      const expected = {
        links: [{ href: `${HOST}${url}?batchId=${batchId}&pageNum=1&itemsPerPage=100`, rel: 'self' }],
        results: jobs.map((j) => jobView(j, cluster0, T0, version, false)),
        totalCount: jobs.length,
      };
      t.equal(one.body, JSON.stringify(expected), `${version}: the new batch alone`);
      const listed = json(await authed(app, call(version, `${url}?batchId=${listedBatch}`)));
      t.strictSame(
        listed.results,
        fixture.restoreJobs.map((j: Record<string, unknown>) => listedView(j, cluster0, version, false)),
        `${version}: the listed batch alone`,
      );
      t.equal(listed.totalCount, fixture.restoreJobs.length);

      // Paged within the batch; batchId first in every link, as the other parameters a client sends.
      const page = json(
        await authed(app, call(version, `${url}?pretty=false&itemsPerPage=1&pageNum=2&batchId=${batchId}&includeCount=true`)),
      );
      const echo = `batchId=${batchId}&includeCount=true&pretty=false&`;
      t.strictSame(page, {
        links: [
          { href: `${HOST}${url}?${echo}pageNum=2&itemsPerPage=1`, rel: 'self' },
          { href: `${HOST}${url}?${echo}itemsPerPage=1&pageNum=1`, rel: 'previous' },
          { href: `${HOST}${url}?${echo}itemsPerPage=1&pageNum=3`, rel: 'next' },
        ],
        results: [jobView(jobs[1]!, cluster0, T0, version, false)],
        totalCount: jobs.length,
      });

      // A well-formed batchId of no job of this cluster: an empty list, as a page past the end.
      const unknown = 'ffffffffffffffffffffffff';
      for (const [target, id] of [
        [url, unknown],
        [jobsUrl(version, { group: GROUP, name: 'Cluster1', clusterId: '' }), batchId],
      ] as const) {
        const empty = await authed(app, call(version, `${target}?batchId=${id}`));
        t.equal(empty.statusCode, 200);
        t.equal(
          empty.body,
          JSON.stringify({
            links: [{ href: `${HOST}${target}?batchId=${id}&pageNum=1&itemsPerPage=100`, rel: 'self' }],
            results: [],
            totalCount: 0,
          }),
        );
      }
      // Refused as a malformed pageNum is: 24 lowercase hexadecimal digits, given once.
      for (const query of [
        'batchId=xyz',
        `batchId=${batchId.toUpperCase()}`,
        `batchId=${batchId.slice(1)}`,
        `batchId=${batchId}0`,
        'batchId=',
        `batchId=${batchId}&batchId=${batchId}`,
      ]) {
        const bad = await authed(app, call(version, `${url}?${query}`));
        assertError(
          t,
          bad,
          400,
          'INVALID_QUERY_PARAMETER',
          atlasError(400, 'INVALID_QUERY_PARAMETER', 'Invalid query parameter batchId specified.', ['batchId']),
        );
      }
    }
    const all = json(await authed(app, { url: jobsUrl('v1.0', cluster0) }));
    t.equal(all.totalCount, fixture.restoreJobs.length + jobs.length, 'without batchId: every job');
    t.equal(all.links[0].href, `${HOST}${jobsUrl('v1.0', cluster0)}?pageNum=1&itemsPerPage=100`);
  },
);

t.test('restore sources: a point in time or an oplog position within the window; the window follows the schedule', async (t) => {
  const clock = new TestClock();
  const T0 = clock.now();
  const app = appWithFixture(t, clock);
  const url = jobsUrl('v1.0', RS);
  const delivery = { methodName: 'CLIENT_PIT_HTTP' };
  const filled = { ...delivery, expirationHours: DEFAULT_EXPIRATION_HOURS, maxDownloads: DEFAULT_MAX_DOWNLOADS };
  const accept = async (payload: Record<string, unknown>, fields: Record<string, unknown>) => {
    const request: Call = { url, method: 'POST', payload: { ...payload, delivery } };
    const res = await authed(app, request);
    t.equal(res.statusCode, 200, JSON.stringify(payload));
    const id = json(res).results[0]?.id;
    t.strictSame(
      json(res),
      created('v1.0', RS, [
        jobView({ id, created: T0, fields: { encryptionEnabled: false, ...fields }, delivery: filled }, RS, T0, 'v1.0', false),
      ]),
    );
  };
  const refuse = async (payload: Record<string, unknown>, point: number, hours: number) => {
    const res = await authed(app, { url, method: 'POST', payload: { ...payload, delivery } });
    assertError(
      t,
      res,
      400,
      'INVALID_RESTORE_POINT',
      atlasError(400, 'INVALID_RESTORE_POINT', `The point in time ${iso(point)} is not within the last ${hours} hours.`, [
        iso(point),
        String(hours),
      ]),
    );
  };
  // The window is (now - 24 h, now].
  for (const point of [T0, T0 - DAY + 1000])
    await accept({ pointInTimeUTCMillis: point }, { timestamp: { date: iso(point), increment: 1 } });
  for (const point of [T0 + 1000, T0 - DAY, T0 - 30 * HOUR]) await refuse({ pointInTimeUTCMillis: point }, point, 24);
  const oplogTs = iso(T0 - 12 * HOUR);
  await accept({ oplogTs, oplogInc: 7 }, { timestamp: { date: oplogTs, increment: 7 } });
  await refuse({ oplogTs: iso(T0 - 25 * HOUR), oplogInc: 1 }, T0 - 25 * HOUR, 24);

  const patched = await authed(app, {
    url: `${clusterUrl('v1.0', RG, RS.name)}/snapshotSchedule`,
    method: 'PATCH',
    payload: { pointInTimeWindowHours: 48 },
  });
  t.equal(patched.statusCode, 200);
  await accept({ pointInTimeUTCMillis: T0 - 30 * HOUR }, { timestamp: { date: iso(T0 - 30 * HOUR), increment: 1 } });
  await refuse({ pointInTimeUTCMillis: T0 - 48 * HOUR }, T0 - 48 * HOUR, 48);
  t.equal(json(await authed(app, { url })).totalCount, 2 + 4, 'four jobs made, none by a refusal');
});

t.test("automated restores: the target project and cluster must exist and be the caller's to use", async (t) => {
  const clock = new TestClock();
  const app = appWithFixture(t, clock);
  const url = jobsUrl('v2', RS);
  for (const target of [{ targetClusterName: TARGET.name }, { targetClusterId: TARGET.clusterId }]) {
    const delivery = { methodName: 'AUTOMATED_RESTORE', targetGroupId: TG, ...target };
    const at = clock.now();
    const res = await authed(app, call('v2', url, 'POST', { snapshotId: R1.id, delivery }));
    t.equal(res.statusCode, 200, JSON.stringify(target));
    const id = json(res).results[0]?.id;
    const job: Job = {
      id,
      created: at,
      fields: { encryptionEnabled: false, snapshotId: R1.id, timestamp: R1.lastOplogAppliedTimestamp },
      delivery,
    };
    t.strictSame(json(res), created('v2', RS, [jobView(job, RS, at, 'v2', false)]), 'no download for an automated restore');
    clock.advance(JOB_DURATION);
    t.strictSame(
      json(await authed(app, call('v2', `${url}/${id}`))),
      jobView(job, RS, clock.now(), 'v2', true),
      'finished, the delivery ready',
    );
    clock.advance(DAY * 30);
    t.equal(json(await authed(app, call('v2', `${url}/${id}`))).delivery.statusName, 'READY', 'never expires');
  }
  const before = json(await authed(app, { url: jobsUrl('v1.0', RS) })).totalCount;
  const refusals: [Record<string, unknown>, number, string, string][] = [
    [{}, 400, 'MISSING_ATTRIBUTE', missingAttribute('delivery.targetGroupId')],
    [{ targetGroupId: TG }, 400, 'MISSING_ATTRIBUTE', missingAttribute('delivery.targetClusterName')],
    [
      { targetGroupId: '6c0000000000000000000999', targetClusterName: 'Target' },
      404,
      'GROUP_NOT_FOUND',
      atlasError(404, 'GROUP_NOT_FOUND', 'No group with ID 6c0000000000000000000999 exists.', ['6c0000000000000000000999']),
    ],
    [
      { targetGroupId: TG, targetClusterName: 'Elsewhere' },
      404,
      'CLUSTER_NOT_FOUND',
      atlasError(404, 'CLUSTER_NOT_FOUND', `No cluster named Elsewhere exists in group ${TG}.`, ['Elsewhere', TG]),
    ],
    [
      { targetGroupId: TG, targetClusterId: RS.clusterId },
      404,
      'CLUSTER_NOT_FOUND',
      atlasError(404, 'CLUSTER_NOT_FOUND', `No cluster named ${RS.clusterId} exists in group ${TG}.`, [RS.clusterId, TG]),
    ],
    [
      { targetGroupId: TG, targetClusterName: 'bad_name' },
      400,
      'INVALID_ATTRIBUTE',
      invalidAttribute('delivery.targetClusterName', 'must be a cluster name matching ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most 64 characters)'),
    ],
  ];
  for (const [target, status, code, body] of refusals) {
    const res = await authed(app, call('v2', url, 'POST', { snapshotId: R1.id, delivery: { methodName: 'AUTOMATED_RESTORE', ...target } }));
    assertError(t, res, status, code, body);
  }
  // A key for RG only may restore within RG, not into TG.
  const restoreAsOnlyRg = (target: ClusterRef) =>
    authed(
      app,
      call('v1.0', jobsUrl('v1.0', RS), 'POST', {
        snapshotId: R1.id,
        delivery: { methodName: 'AUTOMATED_RESTORE', targetGroupId: target.group, targetClusterName: target.name },
      }),
      { username: ONLY_RG.publicKey, password: ONLY_RG.privateKey },
    );
  const own = await restoreAsOnlyRg(RS);
  t.equal(own.statusCode, 200);
  const foreign = await restoreAsOnlyRg(TARGET);
  assertError(t, foreign, 401, 'USER_CANNOT_ACCESS_GROUP', atlasError(401, 'USER_CANNOT_ACCESS_GROUP', 'User cannot access this group.'));
  t.equal(json(await authed(app, { url: jobsUrl('v1.0', RS) })).totalCount, before + 1, 'only the allowed restore made a job');
});

t.test('create refusals: exactly one source, a valid delivery, known and restorable points; nothing is created', async (t) => {
  const app = appWithFixture(t);
  const url = jobsUrl('v2', RS);
  const http = { methodName: 'HTTP' };
  const oneOf = atlasError(
    400,
    'VALIDATION_ERROR',
    'Exactly one of snapshotId, checkpointId, pointInTimeUTCMillis, or oplogTs with oplogInc must be set.',
  );
  const unknownId = '6c0000000000000000000999';
  const rows: [string, unknown, number, string, string][] = [
    ['no source', { delivery: http }, 400, 'VALIDATION_ERROR', oneOf],
    [
      'two sources',
      { snapshotId: R1.id, pointInTimeUTCMillis: Date.UTC(2025, 11, 31, 20), delivery: http },
      400,
      'VALIDATION_ERROR',
      oneOf,
    ],
    [
      'an oplog position and a snapshot',
      { snapshotId: R1.id, oplogTs: '2025-12-31T20:00:00Z', oplogInc: 1, delivery: http },
      400,
      'VALIDATION_ERROR',
      oneOf,
    ],
    [
      'oplogTs without oplogInc',
      { oplogTs: '2025-12-31T20:00:00Z', delivery: http },
      400,
      'MISSING_ATTRIBUTE',
      missingAttribute('oplogInc'),
    ],
    ['oplogInc without oplogTs', { oplogInc: 2, delivery: http }, 400, 'MISSING_ATTRIBUTE', missingAttribute('oplogTs')],
    ['no delivery', { snapshotId: R1.id }, 400, 'MISSING_ATTRIBUTE', missingAttribute('delivery')],
    ['no delivery method', { snapshotId: R1.id, delivery: {} }, 400, 'MISSING_ATTRIBUTE', missingAttribute('delivery.methodName')],
    [
      'a delivery method outside the enumeration',
      { snapshotId: R1.id, delivery: { methodName: 'FTP' } },
      400,
      'INVALID_ATTRIBUTE',
      invalidAttribute(
        'delivery.methodName',
        'must be one of CLIENT_PIT_HTTP, QUERY, AUTOMATED_RESTORE, HTTP, THIRD_PARTY_COPY, CLIENT_PIT_SCP, SCP',
      ),
    ],
    [
      'expirationHours 0',
      { snapshotId: R1.id, delivery: { methodName: 'HTTP', expirationHours: 0 } },
      400,
      'INVALID_ATTRIBUTE',
      invalidAttribute('delivery.expirationHours', 'must be an integer from 1 to 8760'),
    ],
    [
      'a malformed snapshotId',
      { snapshotId: 'abc', delivery: http },
      400,
      'INVALID_ATTRIBUTE',
      invalidAttribute('snapshotId', 'must be a 24-hexadecimal-digit id'),
    ],
    [
      'a point in time before 2008',
      { pointInTimeUTCMillis: 5, delivery: http },
      400,
      'INVALID_ATTRIBUTE',
      invalidAttribute('pointInTimeUTCMillis', 'must be an integer from 1199145600000 to 253402300799999'),
    ],
    [
      'oplogInc 0',
      { oplogTs: '2025-12-31T20:00:00Z', oplogInc: 0, delivery: http },
      400,
      'INVALID_ATTRIBUTE',
      invalidAttribute('oplogInc', 'must be an integer from 1 to 2147483647'),
    ],
    ['not an object', [], 400, 'INVALID_ATTRIBUTE', invalidAttribute('(body)', 'must be an object')],
    [
      'an unknown snapshot',
      { snapshotId: unknownId, delivery: http },
      404,
      'SNAPSHOT_NOT_FOUND',
      atlasError(404, 'SNAPSHOT_NOT_FOUND', `No snapshot with ID ${unknownId} exists for cluster RS.`, [unknownId, 'RS']),
    ],
    [
      'a snapshot not complete (chosen: as unknown)',
      { snapshotId: R2.id, delivery: http },
      404,
      'SNAPSHOT_NOT_FOUND',
      atlasError(404, 'SNAPSHOT_NOT_FOUND', `No snapshot with ID ${R2.id} exists for cluster RS.`, [R2.id, 'RS']),
    ],
    [
      'an unknown checkpoint',
      { checkpointId: unknownId, delivery: http },
      404,
      'CHECKPOINT_NOT_FOUND',
      atlasError(404, 'CHECKPOINT_NOT_FOUND', `No checkpoint with ID ${unknownId} exists for cluster RS.`, [unknownId, 'RS']),
    ],
  ];
  for (const [name, payload, status, code, body] of rows) {
    await t.test(name, async (t) =>
      assertError(t, await authed(app, { ...call('v2', url, 'POST', {}), payload: JSON.stringify(payload) }), status, code, body),
    );
  }
  await t.test('an unknown field (one the job shows, readOnly in the description)', async (t) => {
    const res = await authed(app, {
      ...call('v2', url, 'POST', { snapshotId: R1.id, delivery: http, clusterName: 'RS' }),
      sendsReadOnly: true,
    });
    const allowed = 'checkpointId, delivery, oplogInc, oplogTs, pointInTimeUTCMillis, snapshotId';
    assertError(t, res, 400, 'INVALID_ATTRIBUTE', invalidAttribute('clusterName', `unknown field (allowed: ${allowed})`));
  });
  const malformed = await authed(app, {
    url: jobsUrl('v1.0', RS),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    payload: '{"snapshotId":',
  });
  assertError(t, malformed, 400, 'INVALID_JSON', atlasError(400, 'INVALID_JSON', 'Received JSON is malformed.'));
  const notAcceptable = await authed(app, {
    url,
    method: 'POST',
    headers: { accept: 'application/json' },
    payload: { snapshotId: R1.id, delivery: http },
  });
  assertError(
    t,
    notAcceptable,
    406,
    'INVALID_VERSION_DATE',
    atlasError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.'),
  );
  t.equal(json(await authed(app, { url: jobsUrl('v1.0', RS) })).totalCount, 2, 'no refused request created a job');
});

t.test('a live cluster: checkpoints and snapshots are restorable while the cluster keeps them', async (t) => {
  const clock = new TestClock();
  const T0 = clock.now();
  const app = appWithFixture(t, clock);
  const base = clusterUrl('v1.0', RG, LIVE.name);
  clock.advance(6 * HOUR + 5 * MINUTE);
  const checkpoint = json(await authed(app, { url: `${base}/backupCheckpoints?itemsPerPage=1` })).results[0];
  t.equal(checkpoint.timestamp, iso(T0 + 15 * MINUTE), 'the first checkpoint, 15 minutes after going live');
  const snapshot = json(await authed(app, { url: `${base}/snapshots` })).results[0];
  t.equal(snapshot.created.date, iso(T0 + 6 * HOUR));

  const restore = (payload: object) => authed(app, { url: `${base}/restoreJobs`, method: 'POST', payload });
  const fromCheckpoint = await restore({ checkpointId: checkpoint.id, delivery: { methodName: 'QUERY' } });
  t.equal(fromCheckpoint.statusCode, 200);
  t.same(
    json(fromCheckpoint).results.map((j: Record<string, unknown>) => [j.checkpointId, j.timestamp, j.delivery, j.statusName]),
    [1, 2].map(() => [
      undefined,
      { date: checkpoint.timestamp, increment: 1 },
      { methodName: 'QUERY', statusName: 'IN_PROGRESS' },
      'IN_PROGRESS',
    ]),
    'one shard and the config server',
  );
  const fromSnapshot = await restore({ snapshotId: snapshot.id, delivery: { methodName: 'SCP' } });
  t.equal(fromSnapshot.statusCode, 200);
  t.same(
    json(fromSnapshot).results.map((j: Record<string, unknown>) => j.timestamp),
    [snapshot.lastOplogAppliedTimestamp, snapshot.lastOplogAppliedTimestamp],
    "restores to the snapshot's last oplog entry",
  );

  // The checkpoint leaves the 24-hour window; the snapshot expires after 2 days.
  const gone = [
    { at: T0 + DAY + 15 * MINUTE, kind: 'checkpoint', field: 'checkpointId', id: checkpoint.id, code: 'CHECKPOINT_NOT_FOUND' },
    { at: T0 + 2 * DAY + 6 * HOUR, kind: 'snapshot', field: 'snapshotId', id: snapshot.id, code: 'SNAPSHOT_NOT_FOUND' },
  ];
  for (const { at, kind, field, id, code } of gone) {
    clock.set(at);
    const res = await restore({ [field]: id, delivery: { methodName: 'HTTP' } });
    assertError(t, res, 404, code, atlasError(404, code, `No ${kind} with ID ${id} exists for cluster LiveSh.`, [id, 'LiveSh']));
  }
  t.equal(json(await authed(app, { url: `${base}/restoreJobs` })).totalCount, 4, 'the jobs made stay listed');
});

// The errors each operation declares: 400, 401, 403, 404, 429, 500.
interface Operation {
  name: string;
  method: 'GET' | 'POST';
  url: (version: Version) => string;
  payload?: object;
  /** A real bad input and its answer. */
  bad: { url?: (version: Version) => string; payload?: object; code: string; body: string };
  missing: (version: Version) => DeclaredErrors['missing'];
}
const CHECKPOINT = '5a7cdb3980eef53de5bffdcf';
const unknownCluster = (version: Version, group: string, suffix: string): [string, string, string, string[]] => [
  `${clusterUrl(version, group, 'Nowhere')}${suffix}`,
  'CLUSTER_NOT_FOUND',
  `No cluster named Nowhere exists in group ${group}.`,
  ['Nowhere', group],
];
const unknownGroup = (version: Version, suffix: string): [string, string, string, string[]] => [
  `${clusterUrl(version, '111111111111111111111111', 'RS')}${suffix}`,
  'GROUP_NOT_FOUND',
  'No group with ID 111111111111111111111111 exists.',
  ['111111111111111111111111'],
];
const notEnabled = atlasError(400, 'BACKUP_JOB_NOT_FOUND', 'Backups are not enabled for this cluster.');
const OPERATIONS: Operation[] = [
  {
    name: 'listGroupClusterRestoreJobs',
    method: 'GET',
    url: (v) => jobsUrl(v, RS),
    bad: { url: (v) => `${clusterUrl(v, RG, 'Cloud')}/restoreJobs`, code: 'BACKUP_JOB_NOT_FOUND', body: notEnabled },
    missing: (v) => [unknownCluster(v, RG, '/restoreJobs'), unknownGroup(v, '/restoreJobs')],
  },
  {
    name: 'getGroupClusterRestoreJob',
    method: 'GET',
    url: (v) => `${jobsUrl(v, RS)}/${J1.id}`,
    bad: { url: (v) => `${clusterUrl(v, RG, 'Cloud')}/restoreJobs/${J1.id}`, code: 'BACKUP_JOB_NOT_FOUND', body: notEnabled },
    missing: (v) => [
      unknownCluster(v, RG, `/restoreJobs/${J1.id}`),
      unknownGroup(v, `/restoreJobs/${J1.id}`),
      [
        `${jobsUrl(v, RS)}/6c0000000000000000000999`,
        'RESTORE_JOB_NOT_FOUND',
        'No restore job with ID 6c0000000000000000000999 exists for cluster RS.',
        ['6c0000000000000000000999', 'RS'],
      ],
      [`${jobsUrl(v, RS)}/J1`, 'INVALID_RESTORE_JOB_ID', 'An invalid restore job ID J1 was specified.', ['J1']],
      [
        `${jobsUrl(v, LIVE)}/${J1.id}`,
        'RESTORE_JOB_NOT_FOUND',
        `No restore job with ID ${J1.id} exists for cluster LiveSh.`,
        [J1.id, 'LiveSh'],
      ],
    ],
  },
  {
    name: 'createGroupClusterRestoreJob',
    method: 'POST',
    url: (v) => jobsUrl(v, RS),
    payload: { snapshotId: R1.id, delivery: { methodName: 'HTTP' } },
    bad: {
      payload: { snapshotId: R1.id, checkpointId: CHECKPOINT, delivery: { methodName: 'HTTP' } },
      code: 'VALIDATION_ERROR',
      body: atlasError(
        400,
        'VALIDATION_ERROR',
        'Exactly one of snapshotId, checkpointId, pointInTimeUTCMillis, or oplogTs with oplogInc must be set.',
      ),
    },
    missing: (v) => [unknownCluster(v, RG, '/restoreJobs'), unknownGroup(v, '/restoreJobs')],
  },
];

/** What provokes each error `op` declares on `version`. */
function declaredErrors(op: Operation, version: Version): DeclaredErrors {
  return {
    request: call(version, op.url(version), op.method, op.payload),
    group: RG,
    bad: {
      request: call(version, op.bad.url?.(version) ?? op.url(version), op.method, op.bad.payload ?? op.payload),
      errorCode: op.bad.code,
      body: op.bad.body,
    },
    missing: op.missing(version),
    allowed: { request: call(version, `${clusterUrl(version, RG, 'Nowhere')}/snapshotSchedule`), status: 404 },
  };
}

t.test('errors the spec declares, on v1.0 and v2', async (t) => {
  const apps = errorApps((clock, rateLimit) => appWithFixture(t, clock, rateLimit));
  const { clock, app, limited } = apps;
  await testDeclaredErrors(
    t,
    apps,
    OPERATIONS.map((op) => ({ name: op.name, errors: (version) => declaredErrors(op, version) })),
  );
  // No refused create made a job.
  for (const emulator of [app, limited]) {
    clock.advance(60_000);
    t.equal(json(await authed(emulator, { url: jobsUrl('v1.0', RS) })).totalCount, 2);
  }
});

t.test('POST with envelope=true: the list envelope, status before totalCount as in every list', async (t) => {
  const app = buildTestApp(t);
  const url = `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0`;
  const snapshot = json(await authed(app, { url: `${url}/snapshots?itemsPerPage=1` })).results[0];
  const res = await authed(app, {
    url: `${url}/restoreJobs?envelope=true`,
    method: 'POST',
    payload: { snapshotId: snapshot.id, delivery: { methodName: 'HTTP' } },
  });
  t.equal(res.statusCode, 200);
  t.same(Object.keys(json(res)), ['links', 'results', 'status', 'totalCount']);
  t.match(res.body, /\],"status":200,"totalCount":3\}$/);
});
