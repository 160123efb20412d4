import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_FIXTURE } from '../../src/fixtures/fixture-files.js';
import { authed, buildTestApp, CLUSTER0, exportDocument, GROUP, json, load, reloadStartup } from '../helpers/test-app.js';
import { basic, CREDENTIALS, tokenRequest } from '../helpers/auth.js';

// API keys and service accounts declared in fixture documents: validated with precise paths,
// loaded into the live registries, persisted with ATLAS_EMU_DB, exported and loaded back.

const URL1 = `${CLUSTER0}?itemsPerPage=1`;
const GROUP_ONE = { username: 'groupone', password: 'group-one-private-key-1234' };

function workdir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-auth-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('credential declarations are validated with the place and the problem', async (t) => {
  const key = { publicKey: 'k1', privateKey: 'secret', projects: '*' };
  const account = { clientId: 'c1', clientSecret: 'secret', projects: [GROUP] };
  const cases: [unknown, string, string][] = [
    [{ apiKeys: {} }, '$.apiKeys', 'must be an array, got (not shown: it may hold a secret)'],
    [{ apiKeys: [{ ...key, role: 'x' }] }, '$.apiKeys[0].role', 'unknown field (allowed: publicKey, privateKey, projects, accessList)'],
    [
      { apiKeys: [{ ...key, publicKey: 'has space' }] },
      '$.apiKeys[0].publicKey',
      'must be 1 to 128 letters, digits or ._~@+-, got "has space"',
    ],
    [{ apiKeys: [{ ...key, privateKey: undefined }] }, '$.apiKeys[0].privateKey', 'is required'],
    [
      { apiKeys: [{ ...key, privateKey: 'two words' }] },
      '$.apiKeys[0].privateKey',
      'must be 1 to 256 printable ASCII characters without spaces, got (secret, not shown)',
    ],
    [{ apiKeys: [key, key] }, '$.apiKeys[1].publicKey', 'duplicates k1'],
    [
      { apiKeys: [{ ...key, projects: 'all' }] },
      '$.apiKeys[0].projects',
      'must be "*" (every project) or an array of project ids, got "all"',
    ],
    [{ apiKeys: [{ ...key, projects: [GROUP, 'nope'] }] }, '$.apiKeys[0].projects[1]', 'must be a 24-hexadecimal-digit id, got "nope"'],
    [
      { serviceAccounts: [{ ...account, accessList: ['10.0.0.0/8', '10.0.0.0/33'] }] },
      '$.serviceAccounts[0].accessList[1]',
      'must be an IPv4 or IPv6 address or CIDR block like 10.0.0.0/8 or ::1/128, got "10.0.0.0/33"',
    ],
    [
      { serviceAccounts: [{ ...account, accessList: ['fe80::1%eth0'] }] },
      '$.serviceAccounts[0].accessList[0]',
      'must be an IPv4 or IPv6 address or CIDR block like 10.0.0.0/8 or ::1/128, got "fe80::1%eth0"',
    ],
    [
      { serviceAccounts: [{ ...account, accessList: ['::1/129'] }] },
      '$.serviceAccounts[0].accessList[0]',
      'must be an IPv4 or IPv6 address or CIDR block like 10.0.0.0/8 or ::1/128, got "::1/129"',
    ],
    [
      { serviceAccounts: [{ ...account, clientId: 'a:b' }] },
      '$.serviceAccounts[0].clientId',
      'must be 1 to 128 letters, digits or ._~@+-, got "a:b"',
    ],
    [{ serviceAccounts: [account, account] }, '$.serviceAccounts[1].clientId', 'duplicates c1'],
  ];
  const app = buildTestApp(t);
  for (const [document, where, problem] of cases) {
    t.throws(() => load(app, document), { message: `Invalid ${where}: ${problem}.`, errorCode: 'INVALID_CONTROL_REQUEST' }, where);
  }
  load(app, { apiKeys: [{ ...key, accessList: ['2001:db8::/32', '192.0.2.1'] }], serviceAccounts: [account] });
  t.same(exportDocument(app).apiKeys, [{ ...key, accessList: ['2001:db8::/32', '192.0.2.1'] }]);
  t.same(exportDocument(app).serviceAccounts, [account]);
});

t.test('keys and accounts from ATLAS_EMU_FIXTURES work from the start, and persist with ATLAS_EMU_DB', async (t) => {
  const dir = workdir(t);
  const fixture = join(dir, 'with-keys.json');
  writeFileSync(
    fixture,
    JSON.stringify({
      ...JSON.parse(readFileSync(DEFAULT_FIXTURE, 'utf8')),
      apiKeys: CREDENTIALS.apiKeys,
      serviceAccounts: CREDENTIALS.serviceAccounts,
    }),
  );
  const db = join(dir, 'state.db');
  const first = buildTestApp(t, { fixtures: fixture, db });
  t.equal((await authed(first, { url: URL1 }, GROUP_ONE)).statusCode, 200);
  t.equal((await tokenRequest(first, undefined, basic('mdb_sa_id_groupone', 'mdb_sa_sk_groupone-secret'))).statusCode, 200);
  await first.close();
  // The same database without the fixture: it is served as it is, credentials included.
  const second = buildTestApp(t, { db });
  t.equal((await authed(second, { url: URL1 }, GROUP_ONE)).statusCode, 200);
  t.equal((await tokenRequest(second, undefined, basic('mdb_sa_id_groupone', 'mdb_sa_sk_groupone-secret'))).statusCode, 200);
});

t.test('export then load round-trips credentials; replace removes them; merge updates them live', async (t) => {
  const app = buildTestApp(t);
  t.same(Object.keys(exportDocument(app)), ['projects'], 'no credential fields when none are declared');
  load(app, CREDENTIALS);
  const exported = exportDocument(app);
  t.same(
    exported.apiKeys,
    [...CREDENTIALS.apiKeys!].sort((a, b) => (a.publicKey < b.publicKey ? -1 : 1)),
  );
  t.same(
    exported.serviceAccounts,
    [...CREDENTIALS.serviceAccounts!].sort((a, b) => (a.clientId < b.clientId ? -1 : 1)),
  );

  const copy = buildTestApp(t);
  load(copy, JSON.parse(JSON.stringify(exported)), 'replace');
  t.equal(JSON.stringify(exportDocument(copy)), JSON.stringify(exported), 'byte-for-byte the same document');
  t.equal((await authed(copy, { url: URL1 }, GROUP_ONE)).statusCode, 200);

  load(app, { projects: [], apiKeys: [{ publicKey: 'groupone', privateKey: 'rotated-private-key', projects: [GROUP] }] });
  t.equal((await authed(app, { url: URL1 }, GROUP_ONE)).statusCode, 401, 'the old private key no longer works');
  t.equal((await authed(app, { url: URL1 }, { username: 'groupone', password: 'rotated-private-key' })).statusCode, 200);

  reloadStartup(app);
  t.equal((await authed(app, { url: URL1 }, { username: 'groupone', password: 'rotated-private-key' })).statusCode, 401);
  t.same(Object.keys(exportDocument(app)), ['projects']);
  t.equal(json(await authed(app, { url: URL1 })).totalCount, 61, 'the default key stays');
});

t.test('the control plane loads and exports credentials like the rest of a fixture', async (t) => {
  const app = buildTestApp(t);
  const loaded = await app.inject({ method: 'POST', url: '/_emulator/fixtures', payload: CREDENTIALS });
  t.equal(loaded.statusCode, 200);
  t.equal((await authed(app, { url: URL1 }, GROUP_ONE)).statusCode, 200, 'usable on the next request');
  const exported = json(await app.inject({ url: '/_emulator/fixtures' }));
  t.same(
    exported.apiKeys.map((k: { publicKey: string }) => k.publicKey),
    ['elsewhere', 'groupone', 'loopback4', 'loopback6'],
  );
  t.same(
    exported.serviceAccounts.map((a: { clientId: string }) => a.clientId),
    ['mdb_sa_id_elsewhere', 'mdb_sa_id_groupone'],
  );
  const bad = await app.inject({
    method: 'POST',
    url: '/_emulator/fixtures',
    payload: { apiKeys: [{ publicKey: 'x', privateKey: 'y', projects: ['nope'] }] },
  });
  t.equal(bad.statusCode, 400);
  t.match(json(bad).detail, /\$\.apiKeys\[0\]\.projects\[0\]/);
  t.equal((await app.inject({ method: 'POST', url: '/_emulator/reset' })).statusCode, 200);
  t.equal(
    (await authed(app, { url: URL1 }, GROUP_ONE)).statusCode,
    401,
    'a reset drops credentials the start-up documents did not declare',
  );
});
