import { readFileSync } from 'node:fs';
import t from 'tap';
import { authed, buildTestApp, CLUSTER0, V2_ACCEPT } from '../helpers/test-app.js';
import { contractProblems, requestProblems } from '../helpers/openapi-contract.js';

const read = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/contract/${name}`, import.meta.url), 'utf8'));

t.test('the patched contract is the official fragment plus exactly the listed patches', async (t) => {
  const official = read('atlas-openapi-checkpoints.official.json');
  const patched = read('atlas-openapi-checkpoints.json');
  t.equal(official.info['x-xgen-sha'], 'f84b8e4346991132f70f5610809ad1b6af020975');
  const expected = structuredClone(official);
  expected.components.schemas.ApiError.properties.parameters.items = { type: 'string', nullable: true };
  delete expected.components.schemas.ApiBSONTimestampView.properties.increment.minimum;
  expected.info['x-emulator-patches'] = patched.info['x-emulator-patches'];
  t.same(patched, expected);

  const legacyOfficial = read('atlas-openapi-legacy-backup.official.json');
  const legacyPatched = read('atlas-openapi-legacy-backup.json');
  t.equal(legacyOfficial.info['x-xgen-sha'], 'f84b8e4346991132f70f5610809ad1b6af020975');
  t.equal(
    Object.values(legacyOfficial.paths).flatMap((item) => Object.keys(item as object)).length,
    11,
    'the eleven Legacy Backup operations',
  );
  const legacyExpected = structuredClone(legacyOfficial);
  legacyExpected.components.schemas.ApiError.properties.parameters.items = { type: 'string', nullable: true };
  delete legacyExpected.components.schemas.ApiBSONTimestampView.properties.increment.minimum;
  const oplogTs = legacyExpected.components.schemas.BackupRestoreJob.properties.oplogTs;
  oplogTs.pattern = oplogTs.pattern.replaceAll('\\\\', '\\');
  t.same(legacyPatched, legacyExpected);
  t.match('2026-01-01T00:00:00Z', new RegExp(oplogTs.pattern), 'the patched oplogTs pattern matches a date-time');
  for (const [name, schema] of Object.entries(official.components.schemas))
    t.same(legacyOfficial.components.schemas[name], schema, `${name} is the same in both fragments`);
});

t.test('the validator rejects what the contract forbids (it can fail)', async (t) => {
  const list = `${CLUSTER0}`;
  const one = `${CLUSTER0}/5a7cdb3980eef53de5bffdcf?envelope=true`;
  const schedule = CLUSTER0.replace('backupCheckpoints', 'snapshotSchedule');
  t.same(contractProblems(list, 200, 'application/json', '{"links":[],"results":[],"totalCount":0}'), []);
  t.same(contractProblems(one, 200, 'application/json', '{"content":{"id":"5a7cdb3980eef53de5bffdcf"},"status":200}'), []);
  // Each row: path, status, media type, body, what the contract forbids, and the method when not GET.
  const rejected: [string, number, string, string, string, string?][] = [
    [list, 200, 'application/json', '{"links":[],"totalCount":0}', 'results is required'],
    [list, 200, 'application/json', '{"results":[{"id":"nothex"}]}', 'id pattern'],
    [list, 200, 'application/json', '{"results":[{"parts":[{"tokenTimestamp":{"increment":"1"}}]}]}', 'increment is an integer'],
    [list, 200, 'application/json', '{"results":[],"totalCount":-1}', 'totalCount minimum'],
    [list, 200, 'text/plain', '{"results":[]}', 'media type'],
    [list.replace('v1.0', 'v2'), 200, 'application/json', '{"results":[]}', 'v2 success media type'],
    [list, 404, 'application/json', '{"error":404}', 'errorCode is required'],
    [list, 404, 'application/json', '{"error":404,"errorCode":"X","parameters":[{}]}', 'parameters are strings'],
    [list, 404, 'text/html', '{"error":404,"errorCode":"X"}', 'errors are JSON'],
    [list, 500, 'application/json', '<html>', 'bodies are JSON'],
    [one, 200, 'application/json', '{"content":{"id":"nothex"},"status":200}', "an envelope's content is checked"],
    [one, 200, 'application/json', '{"content":{},"status":201}', "an envelope's status is the status"],
    [`${list}?envelope=true`, 200, 'application/json', '{"results":[],"totalCount":0}', 'a list envelope has its status'],
    [schedule, 200, 'application/json', '{"clusterId":"6b8cd61180eef547110159d9"}', 'a schedule has every field'],
    [schedule, 204, 'application/json', '', 'DELETE is not a schedule operation', 'DELETE'],
    [`${schedule}/x`, 200, 'application/json', '{}', 'no such operation'],
  ];
  for (const [path, status, type, body, forbidden, method] of rejected) {
    t.not(contractProblems(path, status, type, body, method).length, 0, forbidden);
  }
});

t.test('the validator enforces writeOnly on responses and readOnly on request bodies (Ajv alone takes both as annotations)', async (t) => {
  const jobs = CLUSTER0.replace('backupCheckpoints', 'restoreJobs');
  const job = { delivery: { methodName: 'HTTP' }, id: '5a7cdb3980eef53de5bffdcf' };
  const list = (result: object) => JSON.stringify({ links: [], results: [result], totalCount: 1 });
  t.same(contractProblems(jobs, 200, 'application/json', list(job)), []);
  t.same(
    contractProblems(`${jobs}/${job.id}`, 200, 'application/json', JSON.stringify({ ...job, snapshotId: job.id })),
    [],
    'snapshotId is not writeOnly',
  );
  for (const [field, value] of Object.entries({
    checkpointId: job.id,
    oplogTs: '2026-01-01T00:00:00Z',
    oplogInc: 1,
    pointInTimeUTCMillis: 1767225600000,
  })) {
    const problem = `#/components/schemas/PaginatedRestoreJobView /results/0/${field} is writeOnly: a response must not carry it`;
    t.same(contractProblems(jobs, 200, 'application/json', list({ ...job, [field]: value })), [problem], `${field} in a listed job`);
    t.not(
      contractProblems(`${jobs}/${job.id}`, 200, 'application/json', JSON.stringify({ ...job, [field]: value })).length,
      0,
      `${field} in one job`,
    );
  }

  t.same(requestProblems('POST', jobs, { snapshotId: job.id, delivery: { methodName: 'HTTP' } }), []);
  t.same(
    requestProblems('POST', jobs, JSON.stringify({ checkpointId: job.id, oplogInc: 1, delivery: { methodName: 'HTTP' } })),
    [],
    "writeOnly fields are a request's",
  );
  t.same(requestProblems('POST', jobs, { id: job.id, delivery: { methodName: 'HTTP', statusName: 'READY' } }), [
    '#/components/schemas/BackupRestoreJob /delivery/statusName is readOnly: a request must not carry it',
    '#/components/schemas/BackupRestoreJob /id is readOnly: a request must not carry it',
  ]);
  const schedule = CLUSTER0.replace('backupCheckpoints', 'snapshotSchedule');
  t.same(requestProblems('PATCH', schedule, { snapshotRetentionDays: 3 }), []);
  t.same(requestProblems('PATCH', schedule, { links: [] }), [
    '#/components/schemas/ApiAtlasSnapshotScheduleView /links is readOnly: a request must not carry it',
  ]);
  t.same(
    requestProblems('PATCH', `${CLUSTER0.replace('backupCheckpoints', 'snapshots')}/${job.id}?pretty=true`, { parts: [] }).length,
    1,
    'a PATCH of a snapshot',
  );
  t.same(requestProblems('GET', jobs, { id: job.id }), [], 'an operation without a body');
  t.same(requestProblems('POST', jobs, '{"id":'), [], "malformed JSON is the response's business");
});

t.test('every kind of response the API gives conforms (v1.0 and v2, list and one, errors)', async (t) => {
  const app = buildTestApp(t);
  const v2 = { accept: V2_ACCEPT };
  // `authed` throws when a response breaks the contract; these add the shapes other tests do not.
  const responses = await Promise.all([
    authed(app, { url: `${CLUSTER0}?pretty=true&envelope=true` }),
    authed(app, { url: `${CLUSTER0.replace('v1.0', 'v2')}?includeCount=false`, headers: v2 }),
    authed(app, { url: `${CLUSTER0.replace('v1.0', 'v2')}/5a7db53987d9d64fe298ff46?pretty=true`, headers: v2 }),
    authed(app, { url: `${CLUSTER0}/5a7db53987d9d64fe298ff46?envelope=true` }),
  ]);
  t.same(
    responses.map((r) => r.statusCode),
    [200, 200, 200, 200],
  );
});
