import { createHash, randomBytes } from 'node:crypto';
import t from 'tap';
import { CLUSTER0, digestHeader, parseChallenge, type DigestAlgorithmName } from '../helpers/test-app.js';
import { spawnEmulator } from '../helpers/spawn-emulator.js';
import { exchange } from '../helpers/http-wire.js';

// Everything a real process writes (stdout and stderr, at the most verbose log level) during
// failed and successful authentications, by Digest and by bearer token, and what its request
// journal shows, holds no secret: no private key, client secret, HA1, digest response, token
// or Authorization header value.

const PUBLIC_KEY = 'leak-check';
const PRIVATE_KEY = randomBytes(18).toString('hex');
const CLIENT_ID = `mdb_sa_id_${randomBytes(12).toString('hex')}`;
const CLIENT_SECRET = `mdb_sa_sk_${randomBytes(24).toString('hex')}`;
const REALM = 'MMS Public API';

t.test('no secret reaches stdout or stderr', async (t) => {
  const server = spawnEmulator({
    env: {
      ATLAS_EMU_LOG_LEVEL: 'trace',
      ATLAS_EMU_PUBLIC_KEY: PUBLIC_KEY,
      ATLAS_EMU_PRIVATE_KEY: PRIVATE_KEY,
      ATLAS_EMU_CLIENT_ID: CLIENT_ID,
      ATLAS_EMU_CLIENT_SECRET: CLIENT_SECRET,
    },
  });
  t.teardown(() => server.child.kill('SIGKILL'));
  const base = await server.ready;
  const port = Number(new URL(base).port);
  const secrets = new Set<string>([PRIVATE_KEY, CLIENT_SECRET]);
  for (const hash of ['md5', 'sha256']) secrets.add(createHash(hash).update(`${PUBLIC_KEY}:${REALM}:${PRIVATE_KEY}`).digest('hex'));

  /** Sends one request and records its Authorization value (and Digest response) as secrets. */
  const call = async (path: string, authorization?: string, init: RequestInit = {}): Promise<Response> => {
    if (authorization) {
      secrets.add(authorization);
      const response = /response="([^"]+)"/.exec(authorization)?.[1];
      if (response) secrets.add(response);
    }
    return fetch(base + path, { ...init, headers: { ...(authorization ? { authorization } : {}), ...(init.headers as object) } });
  };
  const nonceFor = async (path: string) => parseChallenge((await call(path)).headers.get('www-authenticate')!).nonce!;

  let nc = 1;
  const digest = async (password: string, algorithm: DigestAlgorithmName, username = PUBLIC_KEY) => {
    const nonce = await nonceFor(CLUSTER0);
    return call(CLUSTER0, digestHeader({ method: 'GET', uri: CLUSTER0, nonce, nc: nc++, username, password, algorithm }));
  };

  t.equal((await digest(PRIVATE_KEY, 'MD5')).status, 200, 'Digest MD5 succeeds');
  t.equal((await digest(PRIVATE_KEY, 'SHA-256-sess')).status, 200, 'Digest SHA-256-sess succeeds');
  t.equal((await digest(`${PRIVATE_KEY}x`, 'MD5')).status, 401, 'a wrong private key fails');
  t.equal((await digest(PRIVATE_KEY, 'SHA-256', 'someone-else')).status, 401, 'an unknown public key fails');
  t.equal((await call(CLUSTER0, `Digest username="${PUBLIC_KEY}", response="${PRIVATE_KEY}"`)).status, 401, 'a malformed header fails');
  t.equal((await call(CLUSTER0, `Basic ${Buffer.from(`${PUBLIC_KEY}:${PRIVATE_KEY}`).toString('base64')}`)).status, 401, 'Basic fails');

  const tokenRequest = (id: string, secret: string) =>
    call('/api/oauth/token', `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
  t.equal((await tokenRequest(CLIENT_ID, `${CLIENT_SECRET}x`)).status, 401, 'a wrong client secret fails');
  const minted = await tokenRequest(CLIENT_ID, CLIENT_SECRET);
  t.equal(minted.status, 200, 'a token is minted');
  const { access_token: token } = (await minted.json()) as { access_token: string };
  secrets.add(token);
  t.equal((await call(CLUSTER0, `Bearer ${token}`)).status, 200, 'the token is accepted');
  t.equal((await call(CLUSTER0, `Bearer ${token}x`)).status, 401, 'a forged token fails');

  // Errors before any route: malformed HTTP carrying credentials, and a malformed URL.
  const nonce = await nonceFor(CLUSTER0);
  const signed = digestHeader({ method: 'GET', uri: CLUSTER0, nonce, nc: 1 });
  secrets.add(signed);
  secrets.add(/response="([^"]+)"/.exec(signed)![1]!);
  const [malformed] = await exchange(port, `GET ${CLUSTER0} HTTP/1.1\r\nHost: x\r\nAuthorization: ${signed}\r\nBroken header line\r\n\r\n`);
  t.equal(malformed?.status, 400, 'malformed HTTP is refused');
  t.equal((await call('/api/atlas/v1.0/groups/%zz', `Bearer ${token}`)).status, 400, 'a malformed URL is refused');

  // What the control plane shows about those requests holds no secret either.
  const journal = await (await fetch(`${base}/_emulator/requests`)).text();
  const info = await (await fetch(`${base}/_emulator/info`)).text();
  t.match(journal, /"reason":"bad_response"/, 'the journal recorded the failures');
  for (const secret of secrets)
    t.notOk(journal.includes(secret) || info.includes(secret), `the control plane does not show ${secret.slice(0, 12)}…`);

  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0);
  const output = server.output();
  t.match(output, /"authFailure":"bad_response"/, 'the failures were logged, by reason');
  for (const secret of secrets) t.notOk(output.includes(secret), `output does not contain ${secret.slice(0, 12)}…`);
});
