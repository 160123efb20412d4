import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { authed, buildTestApp, GROUP, json, testConfig } from '../helpers/test-app.js';

const EXAMPLE = new URL('../../fixtures/examples/two-clusters.json', import.meta.url).pathname;
const PROD = '/api/atlas/v1.0/groups/64b0c0ffee0000000000abcd/clusters/payments-prod/backupCheckpoints';

/** A fixture document of one project (aaaa…) with one cluster c (bbbb…), given its other fields. */
const oneCluster = (cluster: Record<string, unknown>) => ({
  projects: [{ id: 'aaaaaaaaaaaaaaaaaaaaaaaa', clusters: [{ name: 'c', clusterId: 'bbbbbbbbbbbbbbbbbbbbbbbb', ...cluster }] }],
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'atlas-emu-fixtures-'));
}

t.test('a user fixture replaces the default dataset', async (t) => {
  const app = buildTestApp(t, { fixtures: EXAMPLE });
  const body = json(await authed(app, { url: `${PROD}?itemsPerPage=500` }));
  t.equal(body.totalCount, 27);
  t.same(
    body.results.slice(0, 2).map((c: { id: string }) => c.id),
    ['64b0d00000000000000000a1', '64b0d00000000000000000a2'],
  );
  t.strictSame(body.results[1], {
    clusterId: '64b0c0ffee0000000000c001',
    groupId: '64b0c0ffee0000000000abcd',
    id: '64b0d00000000000000000a2',
    links: [{ href: `http://localhost:80${PROD}/64b0d00000000000000000a2`, rel: 'self' }],
    restorable: false,
    timestamp: '2023-07-14T06:00:00Z',
  });
  const generated = body.results.slice(2);
  t.ok(
    generated.every((c: { parts: unknown[]; timestamp: string }) => c.parts.length === 4 && c.timestamp > '2023-07-14T06:00:00Z'),
    'three shards and a config server, after the explicit ones',
  );
  const cloud = await authed(app, { url: PROD.replace('payments-prod', 'payments-analytics') });
  t.equal(cloud.statusCode, 400);
  const defaultProject = await authed(app, { url: `/api/atlas/v1.0/groups/${GROUP}/clusters/Cluster0/backupCheckpoints` });
  t.equal(defaultProject.statusCode, 404, 'the default dataset is not loaded');
});

t.test('explicit checkpoints are served in timestamp then id order', async (t) => {
  const dir = tempDir();
  const file = join(dir, 'unsorted.json');
  const checkpoint = (id: string, timestamp: string) => ({ id, timestamp });
  writeFileSync(
    file,
    JSON.stringify(
      oneCluster({
        checkpoints: [
          checkpoint('000000000000000000000003', '2020-01-02T00:00:00Z'),
          checkpoint('000000000000000000000002', '2020-01-01T00:00:00Z'),
          checkpoint('000000000000000000000001', '2020-01-01T00:00:00Z'),
        ],
      }),
    ),
  );
  const app = buildTestApp(t, { fixtures: file });
  const body = json(await authed(app, { url: '/api/atlas/v1.0/groups/aaaaaaaaaaaaaaaaaaaaaaaa/clusters/c/backupCheckpoints' }));
  t.same(
    body.results.map((c: { id: string }) => c.id),
    ['000000000000000000000001', '000000000000000000000002', '000000000000000000000003'],
  );
});

t.test('a folder of fixture documents loads every .json in name order', async (t) => {
  const dir = tempDir();
  mkdirSync(join(dir, 'docs'));
  writeFileSync(
    join(dir, 'docs', 'b.json'),
    JSON.stringify({
      projects: [
        { id: 'cccccccccccccccccccccccc', clusters: [{ name: 'two', clusterId: 'dddddddddddddddddddddddd', generate: { count: 3 } }] },
      ],
    }),
  );
  writeFileSync(join(dir, 'docs', 'a.json'), readFileSync(EXAMPLE));
  writeFileSync(join(dir, 'docs', 'notes.txt'), 'ignored');
  const app = buildTestApp(t, { fixtures: join(dir, 'docs') });
  t.same(app.emulator.store.counts(), { projects: 2, clusters: 3, checkpoints: 30 });
});

t.test('invalid fixture documents are refused, naming the file, the place and the problem', async (t) => {
  const dir = tempDir();
  const cases: [unknown, string][] = [
    [{ projects: [{ id: 'xyz' }] }, '$.projects[0].id: must be a 24-hexadecimal-digit id'],
    [
      oneCluster({ name: 'ok', checkpoints: [{ id: '000000000000000000000001', timestamp: 'yesterday' }] }),
      '$.projects[0].clusters[0].checkpoints[0].timestamp: must be a real UTC date-time like 2018-02-08T23:19:37Z',
    ],
    [
      oneCluster({ name: 'bad name' }),
      '$.projects[0].clusters[0].name: must be a cluster name matching ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most 64 characters)',
    ],
    [oneCluster({ generate: { count: -1 } }), '$.projects[0].clusters[0].generate.count: must be an integer from 0 to 10000000'],
    [
      oneCluster({ backup: 'CLOUD', generate: { count: 1 } }),
      '$.projects[0].clusters[0]: a cluster on Cloud Backup (backup: CLOUD) has no checkpoints',
    ],
    [{ projects: [], extra: 1 }, '$.extra: unknown field (allowed: $schema, description, projects'],
    [
      oneCluster({
        checkpoints: [
          { id: '000000000000000000000001', timestamp: '2020-01-01T00:00:00Z' },
          { id: '000000000000000000000001', timestamp: '2020-01-02T00:00:00Z' },
        ],
      }),
      '$.projects[0].clusters[0].checkpoints[1].id: duplicates checkpoint 000000000000000000000001',
    ],
  ];
  for (const [i, [document, message]] of cases.entries()) {
    const file = join(dir, `bad-${i}.json`);
    writeFileSync(file, JSON.stringify(document));
    t.throws(() => buildApp(testConfig({ fixtures: file })), {
      message: new RegExp(`^fixture ${file}: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    });
  }
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{"projects": [');
  t.throws(() => buildApp(testConfig({ fixtures: notJson })), { message: new RegExp(`^fixture ${notJson}: .*JSON`) });
  const missing = join(dir, 'missing.json');
  t.throws(() => buildApp(testConfig({ fixtures: missing })), { message: new RegExp(`^fixture ${missing}: no such file or folder$`) });
});

t.test('an existing database file is used as it is, never re-seeded; a new one is seeded', async (t) => {
  const db = join(tempDir(), 'state.db');
  const first = buildApp(testConfig({ db, fixtures: EXAMPLE }));
  t.same(first.emulator.store.counts(), { projects: 1, clusters: 2, checkpoints: 27 });
  await first.close();
  const second = buildApp(testConfig({ db }));
  t.teardown(() => second.close());
  t.same(second.emulator.store.counts(), { projects: 1, clusters: 2, checkpoints: 27 }, 'the default dataset is not loaded over it');
  const res = await authed(second, { url: `${PROD}?itemsPerPage=1` });
  t.equal(json(res).totalCount, 27);
});
