import { createHash } from 'node:crypto';
import t from 'tap';
import {
  authed,
  CLUSTER0,
  digestHeader,
  GROUP2,
  load,
  parseChallenge,
  PRIVATE_KEY,
  PUBLIC_KEY,
  send,
  TestClock,
} from '../helpers/test-app.js';
import { basic, buildLoggedApp, CLIENT_ID, CLIENT_SECRET, CREDENTIALS, FORM, tokenOf, tokenRequest } from '../helpers/auth.js';

// A run full of failed and successful authentications, logged at the most verbose level:
// no private key, HA1, digest response, token, client secret or Authorization header in it.

const URL1 = `${CLUSTER0}?itemsPerPage=2`;

t.test('no secret material reaches the log', async (t) => {
  const clock = new TestClock();
  // Strict Digest uri checking, so that a uri other than the request-target is a refusal too.
  const { app, raw, reasons } = buildLoggedApp(t, { logLevel: 'trace', tokenTtlSeconds: 1, strictDigestUri: true }, clock);
  load(app, CREDENTIALS);
  const secrets = new Set<string>([PRIVATE_KEY, CLIENT_SECRET]);
  for (const key of CREDENTIALS.apiKeys!) secrets.add(key.privateKey);
  for (const account of CREDENTIALS.serviceAccounts!) secrets.add(account.clientSecret);
  for (const [username, password] of [[PUBLIC_KEY, PRIVATE_KEY], ...CREDENTIALS.apiKeys!.map((k) => [k.publicKey, k.privateKey])] as [
    string,
    string,
  ][]) {
    for (const hash of ['md5', 'sha256']) secrets.add(createHash(hash).update(`${username}:MMS Public API:${password}`).digest('hex'));
  }
  const sent: string[] = [];
  const record = (authorization: string) => {
    sent.push(authorization);
    const response = /response="([^"]+)"/.exec(authorization)?.[1];
    if (response) secrets.add(response);
    return authorization;
  };
  const nonceOf = async () => parseChallenge(String((await send(app, { url: URL1 })).headers['www-authenticate'])).nonce!;

  // Digest: successes with each algorithm, then every kind of failure.
  for (const algorithm of ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'] as const) {
    const nonce = await nonceOf();
    t.equal(
      (await send(app, { url: URL1, headers: { authorization: record(digestHeader({ method: 'GET', uri: URL1, nonce, algorithm })) } }))
        .statusCode,
      200,
    );
  }
  const nonce = await nonceOf();
  const failures = [
    digestHeader({ method: 'GET', uri: URL1, nonce, password: 'wrong-private-key' }),
    digestHeader({ method: 'GET', uri: URL1, nonce, username: 'nobody' }),
    digestHeader({ method: 'GET', uri: `${URL1}&pageNum=2`, nonce }),
    digestHeader({ method: 'GET', uri: URL1, nonce, realm: 'Other' }),
    digestHeader({ method: 'GET', uri: URL1, nonce: 'A'.repeat(32) }),
    digestHeader({ method: 'GET', uri: URL1, nonce, username: 'elsewhere', password: 'elsewhere-private-key-3456' }),
    `Digest garbage ${PRIVATE_KEY}`,
  ];
  for (const authorization of failures)
    t.ok((await send(app, { url: URL1, headers: { authorization: record(authorization) } })).statusCode >= 400);
  const replayed = record(digestHeader({ method: 'GET', uri: URL1, nonce, nc: 7 }));
  t.equal((await send(app, { url: URL1, headers: { authorization: replayed } })).statusCode, 200);
  t.equal((await send(app, { url: URL1, headers: { authorization: replayed } })).statusCode, 401);
  const groupOne = await authed(
    app,
    { url: `/api/atlas/v1.0/groups/${GROUP2}/clusters/Cluster0/backupCheckpoints` },
    { username: 'groupone', password: 'group-one-private-key-1234' },
  );
  t.equal(groupOne.statusCode, 401);

  // Service accounts: tokens minted, used, revoked, expired; wrong secrets at the token endpoint.
  const token = await tokenOf(app);
  const expiring = await tokenOf(app, 'mdb_sa_id_groupone', 'mdb_sa_sk_groupone-secret');
  secrets.add(token).add(expiring);
  t.equal((await send(app, { url: URL1, headers: { authorization: record(`Bearer ${token}`) } })).statusCode, 200);
  const revoke = await app.inject({
    method: 'POST',
    url: '/api/oauth/revoke',
    headers: { authorization: record(basic(CLIENT_ID, CLIENT_SECRET)), 'content-type': FORM },
    payload: `token=${token}`,
  });
  t.equal(revoke.statusCode, 200);
  t.equal((await send(app, { url: URL1, headers: { authorization: record(`Bearer ${token}`) } })).statusCode, 401);
  clock.advance(1000);
  t.equal((await send(app, { url: URL1, headers: { authorization: record(`Bearer ${expiring}`) } })).statusCode, 401);
  t.equal((await send(app, { url: URL1, headers: { authorization: record(`Bearer ${token}x`) } })).statusCode, 401);
  t.equal((await tokenRequest(app, undefined, record(basic(CLIENT_ID, 'wrong-client-secret')))).statusCode, 401);
  t.equal((await tokenRequest(app, undefined, record(basic('mdb_sa_id_groupone', CLIENT_SECRET)))).statusCode, 401);
  secrets.add('wrong-private-key').add('wrong-client-secret');

  t.same(reasons(), [
    'bad_response',
    'unknown_key',
    'uri_mismatch',
    'realm_mismatch',
    'forged_nonce',
    'ip_not_allowed',
    'malformed_header',
    'nc_replay',
    'no_project_access',
    'token_revoked',
    'token_expired',
    'unknown_token',
    'bad_client_secret',
    'bad_client_secret',
  ]);
  const log = raw.join('');
  t.ok(raw.length >= 14, `${raw.length} log lines to search`);
  for (const secret of [...secrets, ...sent]) {
    t.notOk(log.includes(secret), `not in the log: ${secret.slice(0, 6)}...`);
    // Basic credentials travel base64-encoded; so would a careless log of the header.
    t.notOk(log.includes(Buffer.from(secret).toString('base64')), `nor its base64: ${secret.slice(0, 6)}...`);
  }
});
