import t, { type Test } from 'tap';
import { UnauthorizedError } from '../../src/model/errors.js';
import { CLUSTER0, GROUP2, json, load, reloadStartup, send, TestClock } from '../helpers/test-app.js';
import { basic, buildLoggedApp, CLIENT_ID, CLIENT_SECRET, CREDENTIALS, FORM, tokenOf, tokenRequest } from '../helpers/auth.js';

// Service accounts: the token endpoint (RFC 6749 section 4.4 and its errors, section 5.2), the
// revocation endpoint (RFC 7009), and bearer tokens on the API (RFC 6750), row by row.

const URL1 = `${CLUSTER0}?itemsPerPage=1`;
const BEARER_CHALLENGE = 'Bearer realm="MMS Public API", error="invalid_token"';

function assertBearerRefused(t: Test, res: { statusCode: number; headers: Record<string, unknown>; body: string }): void {
  t.equal(res.statusCode, 401);
  t.equal(res.headers['www-authenticate'], BEARER_CHALLENGE);
  t.equal(res.headers['content-type'], 'application/json');
  t.equal(res.body, UnauthorizedError.BODY);
}

function assertOAuthError(
  t: Test,
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  error: string,
  description: string,
): void {
  t.equal(res.statusCode, status);
  t.match(res.headers['content-type'], /^application\/json/);
  t.equal(res.headers['cache-control'], 'no-store');
  t.equal(res.headers.pragma, 'no-cache');
  t.same(json(res), { error, error_description: description });
  t.equal(res.headers['www-authenticate'], error === 'invalid_client' ? 'Basic realm="MMS Public API", charset="UTF-8"' : undefined);
}

t.test('client credentials: a token, then checkpoints read with it', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const res = await tokenRequest(app);
  t.equal(res.statusCode, 200);
  t.equal(res.headers['cache-control'], 'no-store');
  t.equal(res.headers.pragma, 'no-cache');
  t.match(res.headers['content-type'], /^application\/json/);
  const body = json(res);
  t.same(Object.keys(body), ['access_token', 'token_type', 'expires_in']);
  t.match(body, { access_token: /^[A-Za-z0-9_-]{43}$/, token_type: 'Bearer', expires_in: 3600 });
  const page = await send(app, { url: URL1, headers: { authorization: `Bearer ${body.access_token}` } });
  t.equal(page.statusCode, 200);
  t.equal(json(page).totalCount, 61);
  t.same(reasons(), []);
});

t.test('ATLAS_EMU_TOKEN_TTL_SECONDS sets expires_in, and an expired token is refused', async (t) => {
  const clock = new TestClock();
  const { app, reasons } = buildLoggedApp(t, { tokenTtlSeconds: 2 }, clock);
  const res = await tokenRequest(app);
  t.equal(json(res).expires_in, 2);
  const token = json(res).access_token as string;
  clock.advance(1999);
  t.equal((await send(app, { url: URL1, headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
  clock.advance(1);
  assertBearerRefused(t, await send(app, { url: URL1, headers: { authorization: `Bearer ${token}` } }));
  t.same(reasons(), ['token_expired']);
});

t.test('a revoked token is refused; revoking an unknown token is no error', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const token = await tokenOf(app);
  const revoke = (body: string, authorization = basic(CLIENT_ID, CLIENT_SECRET)) =>
    app.inject({ method: 'POST', url: '/api/oauth/revoke', headers: { authorization, 'content-type': FORM }, payload: body });
  const res = await revoke(`token=${token}&token_type_hint=access_token`);
  t.equal(res.statusCode, 200);
  t.equal(res.body, '');
  assertBearerRefused(t, await send(app, { url: URL1, headers: { authorization: `Bearer ${token}` } }));
  t.equal((await revoke('token=never-issued')).statusCode, 200);
  t.equal((await revoke(`token=${token}`)).statusCode, 200, 'twice');
  assertOAuthError(t, await revoke('token_type_hint=access_token'), 400, 'invalid_request', 'The parameter token is required.');
  assertOAuthError(t, await revoke(`token=${token}`, basic(CLIENT_ID, 'wrong')), 401, 'invalid_client', 'Client authentication failed.');
  t.same(reasons(), ['token_revoked', 'bad_client_secret']);
});

t.test("a client cannot revoke another client's token", async (t) => {
  const { app } = buildLoggedApp(t);
  load(app, CREDENTIALS);
  const token = await tokenOf(app);
  const res = await app.inject({
    method: 'POST',
    url: '/api/oauth/revoke',
    headers: { authorization: basic('mdb_sa_id_groupone', 'mdb_sa_sk_groupone-secret'), 'content-type': FORM },
    payload: `token=${token}`,
  });
  assertOAuthError(t, res, 400, 'invalid_request', 'The token was not issued to this client.');
  t.equal((await send(app, { url: URL1, headers: { authorization: `Bearer ${token}` } })).statusCode, 200, 'still valid');
});

t.test('unknown and malformed bearer tokens are refused in Atlas shape', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  for (const authorization of ['Bearer never-issued-token', 'Bearer', 'Bearer a b', 'bearer ä', `Bearer ${'a'.repeat(2000)}`]) {
    assertBearerRefused(t, await send(app, { url: URL1, headers: { authorization } }));
  }
  t.same(reasons(), ['unknown_token', 'malformed_header', 'malformed_header', 'malformed_header', 'malformed_header']);
});

t.test('an account reading a project it was not given gets 401 USER_CANNOT_ACCESS_GROUP', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  load(app, CREDENTIALS);
  const token = await tokenOf(app, 'mdb_sa_id_groupone', 'mdb_sa_sk_groupone-secret');
  const own = await send(app, {
    url: `/api/atlas/v1.0/groups/${GROUP2}/clusters/Cluster0/backupCheckpoints`,
    headers: { authorization: `Bearer ${token}` },
  });
  t.equal(own.statusCode, 200);
  const other = await send(app, { url: URL1, headers: { authorization: `Bearer ${token}` } });
  t.equal(other.statusCode, 401);
  t.equal(other.headers['x-error-code'], 'USER_CANNOT_ACCESS_GROUP');
  t.same(reasons(), ['no_project_access']);
});

t.test('tokens end when a fixture load removes their account', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  load(app, CREDENTIALS);
  const token = await tokenOf(app, 'mdb_sa_id_groupone', 'mdb_sa_sk_groupone-secret');
  reloadStartup(app);
  assertBearerRefused(t, await send(app, { url: URL1, headers: { authorization: `Bearer ${token}` } }));
  t.equal((await tokenRequest(app, undefined, basic('mdb_sa_id_groupone', 'mdb_sa_sk_groupone-secret'))).statusCode, 401);
  t.same(reasons(), ['unknown_token', 'unknown_client']);
});

t.test('malformed token requests get the RFC 6749 section 5.2 errors', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const post = (headers: Record<string, string>, payload?: string) =>
    app.inject({ method: 'POST', url: '/api/oauth/token', headers, payload });
  const good = basic(CLIENT_ID, CLIENT_SECRET);
  assertOAuthError(
    t,
    await post({ 'content-type': FORM }, 'grant_type=client_credentials'),
    401,
    'invalid_client',
    'Client authentication with HTTP Basic is required.',
  );
  assertOAuthError(
    t,
    await tokenRequest(app, undefined, basic(CLIENT_ID, 'wrong')),
    401,
    'invalid_client',
    'Client authentication failed.',
  );
  assertOAuthError(
    t,
    await tokenRequest(app, undefined, basic('nobody', CLIENT_SECRET)),
    401,
    'invalid_client',
    'Client authentication failed.',
  );
  assertOAuthError(
    t,
    await tokenRequest(app, undefined, 'Basic !!!'),
    401,
    'invalid_client',
    'Client authentication with HTTP Basic is required.',
  );
  assertOAuthError(
    t,
    await tokenRequest(app, undefined, `Basic ${Buffer.from('no-colon').toString('base64')}`),
    401,
    'invalid_client',
    'Client authentication with HTTP Basic is required.',
  );
  assertOAuthError(t, await tokenRequest(app, ''), 400, 'invalid_request', 'The parameter grant_type is required.');
  assertOAuthError(
    t,
    await tokenRequest(app, 'grant_type=password&username=a&password=b'),
    400,
    'unsupported_grant_type',
    'Only grant_type=client_credentials is supported.',
  );
  assertOAuthError(
    t,
    await tokenRequest(app, 'grant_type=client_credentials&grant_type=client_credentials'),
    400,
    'invalid_request',
    'The parameter grant_type is repeated.',
  );
  assertOAuthError(
    t,
    await post({ authorization: good, 'content-type': 'application/json' }, '{"grant_type":"client_credentials"}'),
    400,
    'invalid_request',
    'The request body must be application/x-www-form-urlencoded.',
  );
  assertOAuthError(
    t,
    await post({ authorization: good }),
    400,
    'invalid_request',
    'The request body must be application/x-www-form-urlencoded.',
  );
  assertOAuthError(
    t,
    await tokenRequest(app, `grant_type=client_credentials&pad=${'x'.repeat(5000)}`),
    400,
    'invalid_request',
    'The request is not valid.',
  );
  t.same(reasons(), ['bad_client_secret', 'unknown_client', 'malformed_header', 'malformed_header']);
});

t.test('form-urlencoded client credentials in the Basic header are decoded (RFC 6749 section 2.3.1)', async (t) => {
  const { app } = buildLoggedApp(t);
  load(app, { projects: [], serviceAccounts: [{ clientId: 'sa+one', clientSecret: 'se:cr%et&', projects: '*' }] });
  const encoded = `Basic ${Buffer.from(`${encodeURIComponent('sa+one')}:${encodeURIComponent('se:cr%et&')}`).toString('base64')}`;
  t.equal((await tokenRequest(app, undefined, encoded)).statusCode, 200);
});

t.test('the token endpoints answer POST only, in Atlas shape otherwise', async (t) => {
  const { app } = buildLoggedApp(t);
  const res = await app.inject({ method: 'GET', url: '/api/oauth/token' });
  t.equal(res.statusCode, 404);
  t.equal(res.headers['x-error-code'], 'RESOURCE_NOT_FOUND');
});
