import { readFileSync } from 'node:fs';
import t from 'tap';
import { buildTestApp, json, testConfig } from '../helpers/test-app.js';
import { buildApp } from '../../src/app.js';
import {
  FaultRuleInputSchema,
  JournalFilterSchema,
  JournalQuerySchema,
  LoadQuerySchema,
  ResetQuerySchema,
} from '../../src/model/control-schemas.js';
import { control } from '../helpers/control-client.js';

const VERSION = (await import('../../package.json', { with: { type: 'json' } })).default.version;
const ADMIN_REQUIRED = {
  detail: 'This control route requires the emulator admin token (Authorization: Bearer).',
  error: 401,
  errorCode: 'ADMIN_TOKEN_REQUIRED',
  parameters: [],
  reason: 'Unauthorized',
};

/** The control plane's OpenAPI document as served. */
async function servedOpenApi(): Promise<{ paths: Record<string, Record<string, any>>; [key: string]: any }> {
  const app = buildApp(testConfig());
  const res = await control(app, 'GET', '/openapi.json');
  await app.close();
  return json(res);
}
const OPENAPI = await servedOpenApi();
/** Every operation the OpenAPI document declares, with its path parameters filled in. */
const operations = Object.entries(OPENAPI.paths).flatMap(([path, ops]) =>
  Object.keys(ops).map((method) => ({
    method: method.toUpperCase() as 'GET' | 'POST' | 'DELETE',
    path,
    url: path.replace(/\{[^}]+\}/g, 'x'),
  })),
);

t.test('GET /_emulator/health', async (t) => {
  const app = buildTestApp(t);
  const res = await control(app, 'GET', '/health');
  t.equal(res.statusCode, 200);
  t.same(json(res), { status: 'ok' });
});

t.test('GET /_emulator/ready: version, seed and counts', async (t) => {
  const app = buildTestApp(t, { seed: 5 });
  const res = await control(app, 'GET', '/ready');
  t.equal(res.statusCode, 200);
  t.same(json(res), { status: 'ready', version: VERSION, seed: 5, counts: { projects: 2, clusters: 4, checkpoints: 73 } });
});

t.test('GET /_emulator/info', async (t) => {
  const app = buildTestApp(t);
  const res = await control(app, 'GET', '/info');
  t.equal(res.statusCode, 200);
  const info = json(res);
  t.equal(info.version, VERSION);
  t.same(info.apiVersions, ['v1.0', 'v2']);
  t.same(info.v2MediaTypeVersions, ['2023-01-01']);
  t.match(info.authMethods[0], /^HTTP Digest/);
  const base = '/groups/:groupId/clusters/:clusterName';
  const backupOperations = [
    `GET ${base}/backupCheckpoints`,
    `GET ${base}/backupCheckpoints/:checkpointId`,
    `GET ${base}/snapshotSchedule`,
    `PATCH ${base}/snapshotSchedule`,
    `GET ${base}/snapshots`,
    `GET ${base}/snapshots/:snapshotId`,
    `PATCH ${base}/snapshots/:snapshotId`,
    `DELETE ${base}/snapshots/:snapshotId`,
    `GET ${base}/restoreJobs`,
    `POST ${base}/restoreJobs`,
    `GET ${base}/restoreJobs/:jobId`,
  ];
  t.same(
    [...info.routes.atlas].sort(),
    ['v1.0', 'v2'].flatMap((version) => backupOperations.map((op) => op.replace(' ', ` /api/atlas/${version}`))).sort(),
  );
  t.same(
    info.routes.control,
    operations.map((op) => `${op.method} ${op.path}`),
  );
  t.ok(info.fidelityGaps.length > 0);
});

t.test('GET /_emulator/openapi.json documents exactly the control routes that exist', async (t) => {
  const app = buildTestApp(t);
  const registered: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (route.url.startsWith('/_emulator') && method !== 'HEAD') registered.push(`${method} ${route.url}`);
    }
  });
  const res = await control(app, 'GET', '/openapi.json');
  t.equal(res.statusCode, 200);
  const doc = json(res);
  t.equal(doc.openapi, '3.1.0');
  t.equal(doc.info.version, VERSION);
  const documented = operations.map((op) => `${op.method} ${op.path.replace(/\{([^}]+)\}/g, ':$1')}`);
  t.same([...registered].sort(), [...documented].sort());
});

t.test('the OpenAPI document describes each input with its one schema', async (t) => {
  // @fastify/swagger writes `const: x` as `enum: [x]`, and a parameter's description beside its schema.
  const plain = (schema: object) =>
    JSON.parse(JSON.stringify(schema), (_key, value) => {
      if (value && typeof value === 'object' && 'const' in value) {
        const { const: only, ...rest } = value;
        return { ...rest, enum: [only] };
      }
      return value;
    });
  const bodyOf = (path: string, method: string) => OPENAPI.paths[path]![method].requestBody.content['application/json'].schema;
  const queryOf = (path: string, method: string) =>
    Object.fromEntries(
      (OPENAPI.paths[path]![method].parameters ?? [])
        .filter((p: any) => p.in === 'query')
        .map((p: any) => [p.name, p.description === undefined ? p.schema : { ...p.schema, description: p.description }]),
    );
  t.same(bodyOf('/_emulator/faults', 'post'), plain(FaultRuleInputSchema));
  t.same(bodyOf('/_emulator/requests/count', 'post').properties, plain(JournalFilterSchema).properties);
  const fixtureSchema = JSON.parse(readFileSync(new URL('../../fixtures/fixture.schema.json', import.meta.url), 'utf8'));
  const { $schema: _dialect, ...publishedDocument } = fixtureSchema;
  t.same(bodyOf('/_emulator/fixtures', 'post'), plain(publishedDocument), 'the fixture body is the published fixture schema');
  for (const [path, method, schema] of [
    ['/_emulator/requests', 'get', JournalQuerySchema],
    ['/_emulator/reset', 'post', ResetQuerySchema],
    ['/_emulator/fixtures', 'post', LoadQuerySchema],
  ] as const) {
    t.same(queryOf(path, method), plain(schema).properties, `${method.toUpperCase()} ${path} query parameters`);
  }
});

t.test('with ATLAS_EMU_ADMIN_TOKEN, every control route but health, ready and the inspector page needs the bearer token', async (t) => {
  const app = buildTestApp(t, { adminToken: 's3cret-token' });
  // The document says which routes are open (security: []); they hold no data.
  const open = operations.filter((op) => OPENAPI.paths[op.path]![op.method.toLowerCase()].security?.length === 0);
  t.same(
    open.map((op) => op.path),
    ['/_emulator/health', '/_emulator/ready', '/_emulator', '/_emulator/ui/', '/_emulator/ui', '/_emulator/ui/{file}'],
  );
  for (const url of ['/health', '/ready', '/ui', '/ui/inspector.js'])
    t.equal((await control(app, 'GET', url)).statusCode, 200, `${url} stays open`);
  for (const op of operations.filter((op) => !open.includes(op))) {
    const url = op.url.slice('/_emulator'.length);
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer s3cret-token-and-more', 's3cret-token', 'Basic czNjcmV0LXRva2Vu']) {
      const res = await control(app, op.method, url, undefined, authorization === undefined ? {} : { authorization });
      t.equal(res.statusCode, 401, `${op.method} ${op.path} with ${authorization ?? 'nothing'}`);
      t.equal(res.headers['www-authenticate'], 'Bearer realm="atlas-backup-emulator"');
      t.equal(res.headers['x-error-code'], 'ADMIN_TOKEN_REQUIRED');
      t.same(json(res), ADMIN_REQUIRED);
    }
  }
  const ok = await control(app, 'GET', '/info', undefined, { authorization: 'Bearer s3cret-token' });
  t.equal(ok.statusCode, 200);
  const reset = await control(app, 'POST', '/reset?scope=journal', undefined, { authorization: 'Bearer s3cret-token' });
  t.equal(reset.statusCode, 200);
  t.notOk(
    JSON.stringify(json(await control(app, 'GET', '/requests', undefined, { authorization: 'Bearer s3cret-token' }))).includes('s3cret'),
  );
});

t.test('an unknown control path is a 404 in Atlas shape', async (t) => {
  const app = buildTestApp(t);
  const res = await control(app, 'GET', '/nothing-here');
  t.equal(res.statusCode, 404);
  t.same(json(res), {
    detail: 'Cannot find resource /_emulator/nothing-here.',
    error: 404,
    errorCode: 'RESOURCE_NOT_FOUND',
    parameters: ['/_emulator/nothing-here'],
    reason: 'Not Found',
  });
});
