import t, { type Test } from 'tap';
import { CLUSTER0, digestHeader, load, parseChallenge } from '../helpers/test-app.js';
import { buildLoggedApp, CREDENTIALS, listen, tokenOf } from '../helpers/auth.js';

// API access lists (IPv4 and IPv6), checked against the real peer address of a listening
// server on 127.0.0.1 and on ::1: a credential used from elsewhere gets 403 naming the address.

const PATH = `${CLUSTER0}?itemsPerPage=1`;
const KEYS: Record<string, string> = Object.fromEntries(CREDENTIALS.apiKeys!.map((k) => [k.publicKey, k.privateKey]));

async function digestGet(t: Test, base: string, publicKey: string): Promise<{ status: number; body: string; errorCode: string | null }> {
  const challenge = await fetch(base + PATH);
  t.equal(challenge.status, 401, 'the challenge comes first, access list or not');
  const { nonce } = parseChallenge(challenge.headers.get('www-authenticate')!);
  const authorization = digestHeader({ method: 'GET', uri: PATH, nonce: nonce!, username: publicKey, password: KEYS[publicKey]! });
  const res = await fetch(base + PATH, { headers: { authorization } });
  return { status: res.status, body: await res.text(), errorCode: res.headers.get('x-error-code') };
}

function refusedBody(ip: string): string {
  return `{"detail":"IP address ${ip} is not allowed to access this resource.","error":403,"errorCode":"IP_ADDRESS_NOT_ON_ACCESS_LIST","parameters":["${ip}"],"reason":"Forbidden"}`;
}

async function serve(t: Test, host: string) {
  const logged = buildLoggedApp(t);
  load(logged.app, CREDENTIALS);
  return { ...logged, base: await listen(logged.app, host) };
}

t.test('IPv4: a key listed for 127.0.0.0/8 reads; keys listed elsewhere get 403 naming 127.0.0.1', async (t) => {
  const { base, reasons, raw } = await serve(t, '127.0.0.1');
  t.equal((await digestGet(t, base, 'loopback4')).status, 200);
  for (const key of ['elsewhere', 'loopback6']) {
    const res = await digestGet(t, base, key);
    t.equal(res.status, 403);
    t.equal(res.errorCode, 'IP_ADDRESS_NOT_ON_ACCESS_LIST');
    t.equal(res.body, refusedBody('127.0.0.1'));
  }
  t.equal((await digestGet(t, base, 'groupone')).status, 200, 'no access list: any address');
  t.same(reasons(), ['ip_not_allowed', 'ip_not_allowed']);
  t.match(raw.join(''), /"apiKey":"elsewhere","ip":"127\.0\.0\.1"/);
});

t.test('IPv6: a key listed for ::1/128 reads; keys listed elsewhere get 403 naming ::1', async (t) => {
  const { base, reasons } = await serve(t, '::1');
  t.equal((await digestGet(t, base, 'loopback6')).status, 200);
  for (const key of ['elsewhere', 'loopback4']) {
    const res = await digestGet(t, base, key);
    t.equal(res.status, 403);
    t.equal(res.body, refusedBody('::1'));
  }
  t.same(reasons(), ['ip_not_allowed', 'ip_not_allowed']);
});

t.test("a service account's list applies when its token is used, not when it is minted", async (t) => {
  const { app, base, reasons } = await serve(t, '127.0.0.1');
  const token = await tokenOf(app, 'mdb_sa_id_elsewhere', 'mdb_sa_sk_elsewhere-secret');
  const res = await fetch(base + PATH, { headers: { authorization: `Bearer ${token}` } });
  t.equal(res.status, 403);
  t.equal(await res.text(), refusedBody('127.0.0.1'));
  t.same(reasons(), ['ip_not_allowed']);
});

t.test('a dual-stack peer seen as ::ffff:a.b.c.d matches IPv4 entries', async (t) => {
  const { app } = buildLoggedApp(t);
  load(app, { projects: [], serviceAccounts: [{ clientId: 'sa4', clientSecret: 'secret4', projects: '*', accessList: ['10.1.0.0/16'] }] });
  const token = await tokenOf(app, 'sa4', 'secret4');
  const get = (remoteAddress: string) => app.inject({ url: PATH, remoteAddress, headers: { authorization: `Bearer ${token}` } });
  t.equal((await get('::ffff:10.1.2.3')).statusCode, 200);
  t.equal((await get('10.1.255.255')).statusCode, 200);
  const outside = await get('::ffff:10.2.0.1');
  t.equal(outside.statusCode, 403);
  t.equal(outside.body, refusedBody('::ffff:10.2.0.1'));
});
