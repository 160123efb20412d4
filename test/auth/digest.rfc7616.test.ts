import t, { type Test } from 'tap';
import { UnauthorizedError } from '../../src/model/errors.js';
import {
  authed,
  CLUSTER0,
  digestHeader,
  GROUP2,
  load,
  parseChallenge,
  send,
  TestClock,
  type DigestAlgorithmName,
} from '../helpers/test-app.js';
import { buildLoggedApp, CREDENTIALS } from '../helpers/auth.js';

// Every Digest row of docs/authentication.md: each answer's exact status, challenge and body, and the
// machine-readable reason the log gives for it.

const CHALLENGE = /^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale=(true|false)$/;
const URL1 = `${CLUSTER0}?itemsPerPage=1`;
const CLUSTER0_OF_GROUP2 = `/api/atlas/v1.0/groups/${GROUP2}/clusters/Cluster0/backupCheckpoints`;

/** Asserts Atlas's Digest challenge 401 exactly; returns its nonce. */
function assertChallenge(t: Test, res: { statusCode: number; headers: Record<string, unknown>; body: string }, stale: boolean): string {
  t.equal(res.statusCode, 401);
  const header = String(res.headers['www-authenticate']);
  t.match(header, CHALLENGE);
  t.equal(CHALLENGE.exec(header)?.[1], String(stale), `stale=${stale}`);
  t.equal(res.headers['content-type'], 'application/json');
  t.equal(res.headers['x-error-code'], undefined);
  t.equal(res.body, UnauthorizedError.BODY);
  return parseChallenge(header).nonce!;
}

async function nonceOf(app: Parameters<typeof send>[0], url = URL1): Promise<string> {
  return parseChallenge(String((await send(app, { url })).headers['www-authenticate'])).nonce!;
}

t.test('a bare request gets the challenge, and the bare challenge is not logged as a failure', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  assertChallenge(t, await send(app, { url: URL1 }), false);
  t.same(reasons(), []);
});

for (const algorithm of ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess'] as DigestAlgorithmName[]) {
  t.test(`a client answering with ${algorithm} is accepted`, async (t) => {
    const { app, reasons } = buildLoggedApp(t);
    const res = await authed(app, { url: URL1 }, { algorithm });
    t.equal(res.statusCode, 200);
    t.equal(JSON.parse(res.body).totalCount, 61);
    t.same(reasons(), []);
  });
}

t.test('an expired genuine nonce gets stale=true, and the fresh nonce it carries works', async (t) => {
  const clock = new TestClock();
  const { app, reasons } = buildLoggedApp(t, { nonceTtlSeconds: 2 }, clock);
  const nonce = await nonceOf(app);
  t.equal((await send(app, { url: URL1, headers: { authorization: digestHeader({ method: 'GET', uri: URL1, nonce }) } })).statusCode, 200);
  clock.advance(2000);
  t.equal(
    (await send(app, { url: URL1, headers: { authorization: digestHeader({ method: 'GET', uri: URL1, nonce, nc: 2 }) } })).statusCode,
    200,
    'fresh to the last millisecond',
  );
  clock.advance(1);
  const stale = await send(app, { url: URL1, headers: { authorization: digestHeader({ method: 'GET', uri: URL1, nonce, nc: 3 }) } });
  const fresh = assertChallenge(t, stale, true);
  t.not(fresh, nonce);
  const retried = await send(app, { url: URL1, headers: { authorization: digestHeader({ method: 'GET', uri: URL1, nonce: fresh }) } });
  t.equal(retried.statusCode, 200);
  t.same(reasons(), ['stale_nonce']);
});

t.test('an expired nonce with a wrong password is not told it is stale', async (t) => {
  const clock = new TestClock();
  const { app, reasons } = buildLoggedApp(t, { nonceTtlSeconds: 1 }, clock);
  const nonce = await nonceOf(app);
  clock.advance(1001);
  const res = await send(app, {
    url: URL1,
    headers: { authorization: digestHeader({ method: 'GET', uri: URL1, nonce, password: 'wrong' }) },
  });
  assertChallenge(t, res, false);
  t.same(reasons(), ['bad_response']);
});

t.test('a forged or garbled nonce gets a fresh challenge with stale=false', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const nonce = await nonceOf(app);
  // Same issue time, another signature: only the secret could have made a valid one.
  const forged = nonce.slice(0, 12) + (nonce[12] === 'A' ? 'B' : 'A') + nonce.slice(13);
  for (const bad of [forged, 'garbage', '']) {
    const res = await send(app, { url: URL1, headers: { authorization: digestHeader({ method: 'GET', uri: URL1, nonce: bad }) } });
    assertChallenge(t, res, false);
  }
  t.same(reasons(), ['forged_nonce', 'forged_nonce', 'forged_nonce']);
});

t.test('a replayed (nonce, nc) is refused, even with another cnonce; a higher or out-of-order nc passes', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const nonce = await nonceOf(app);
  const header = (nc: number, cnonce = `cnonce${nc}`) => ({ authorization: digestHeader({ method: 'GET', uri: URL1, nonce, nc, cnonce }) });
  t.equal((await send(app, { url: URL1, headers: header(1) })).statusCode, 200);
  assertChallenge(t, await send(app, { url: URL1, headers: header(1) }), false);
  assertChallenge(t, await send(app, { url: URL1, headers: header(1, 'another') }), false);
  t.equal((await send(app, { url: URL1, headers: header(3) })).statusCode, 200, 'nonce reuse with a higher nc');
  t.equal((await send(app, { url: URL1, headers: header(2) })).statusCode, 200, 'a late nc inside the window');
  assertChallenge(t, await send(app, { url: URL1, headers: header(2) }), false);
  t.same(reasons(), ['nc_replay', 'nc_replay', 'nc_replay']);
});

t.test('with strictDigestUri, a uri that is not the request-target (query changed) is refused', async (t) => {
  // By default it is accepted, as Atlas accepts it (digest-uri.test.ts).
  const { app, reasons } = buildLoggedApp(t, { strictDigestUri: true });
  const nonce = await nonceOf(app);
  const signed = digestHeader({ method: 'GET', uri: `${CLUSTER0}?itemsPerPage=1`, nonce });
  assertChallenge(t, await send(app, { url: `${CLUSTER0}?itemsPerPage=2`, headers: { authorization: signed } }), false);
  t.same(reasons(), ['uri_mismatch']);
});

t.test('another realm is refused', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const nonce = await nonceOf(app);
  const res = await send(app, {
    url: URL1,
    headers: { authorization: digestHeader({ method: 'GET', uri: URL1, nonce, realm: 'Other Realm' }) },
  });
  assertChallenge(t, res, false);
  t.same(reasons(), ['realm_mismatch']);
});

t.test('an unknown key and a wrong private key both get the challenge again', async (t) => {
  const { app, reasons, raw } = buildLoggedApp(t);
  assertChallenge(t, await authed(app, { url: URL1 }, { username: 'nobody' }), false);
  assertChallenge(t, await authed(app, { url: URL1 }, { password: 'not-the-private-key' }), false);
  t.same(reasons(), ['unknown_key', 'bad_response']);
  t.match(raw.join(''), /"publicKey":"nobody"/, 'the log names the public key');
});

t.test('a method other than the signed one is refused (HA2 covers the method)', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const nonce = await nonceOf(app);
  const res = await send(app, { url: URL1, method: 'HEAD', headers: { authorization: digestHeader({ method: 'GET', uri: URL1, nonce }) } });
  t.equal(res.statusCode, 401);
  t.same(reasons(), ['bad_response']);
});

t.test('a key reading a project it was not given gets 401 USER_CANNOT_ACCESS_GROUP', async (t) => {
  const { app, reasons, raw } = buildLoggedApp(t);
  load(app, CREDENTIALS);
  const key = { username: 'groupone', password: 'group-one-private-key-1234' };
  t.equal((await authed(app, { url: URL1 }, key)).statusCode, 200, 'its own project');
  const res = await authed(app, { url: CLUSTER0_OF_GROUP2 }, key);
  t.equal(res.statusCode, 401);
  t.equal(res.headers['x-error-code'], 'USER_CANNOT_ACCESS_GROUP');
  t.equal(res.headers['www-authenticate'], undefined, 'valid credentials are not challenged again');
  t.equal(
    res.body,
    '{"detail":"User cannot access this group.","error":401,"errorCode":"USER_CANNOT_ACCESS_GROUP","parameters":[],"reason":"Unauthorized"}',
  );
  t.same(reasons(), ['no_project_access']);
  t.match(raw.join(''), new RegExp(`"apiKey":"groupone","groupId":"${GROUP2}"`));
  // A cached page of that project does not leak to it either.
  t.equal((await authed(app, { url: CLUSTER0_OF_GROUP2 })).statusCode, 200, 'the default key caches the page');
  t.equal((await authed(app, { url: CLUSTER0_OF_GROUP2 }, key)).statusCode, 401);
});

t.test('malformed, oversized and non-Digest Authorization headers get the challenge', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const nonce = await nonceOf(app);
  const valid = digestHeader({ method: 'GET', uri: URL1, nonce });
  const headers = [
    'Digest',
    'Digest username=',
    'Digest username="emulator", username="emulator"',
    valid.replace('qop=auth', 'qop=auth-int'),
    valid.replace(/, nc=\w+/, ''),
    valid.replace('algorithm=MD5', 'algorithm=SHA-512'),
    `${valid}, padding="${'x'.repeat(5000)}"`,
    'Basic ZW11bGF0b3I6c2VjcmV0',
    'Negotiate abc',
  ];
  for (const authorization of headers) assertChallenge(t, await send(app, { url: URL1, headers: { authorization } }), false);
  t.same(reasons(), [
    'malformed_header',
    'malformed_header',
    'malformed_header',
    'bad_qop',
    'bad_qop',
    'malformed_header',
    'malformed_header',
    'malformed_header',
    'malformed_header',
  ]);
});
