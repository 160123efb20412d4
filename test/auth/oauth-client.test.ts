import * as client from 'openid-client';
import t from 'tap';
import { UnauthorizedError } from '../../src/model/errors.js';
import { CLUSTER0 } from '../helpers/test-app.js';
import { buildLoggedApp, CLIENT_ID, CLIENT_SECRET, listen } from '../helpers/auth.js';

// The service-account flow driven by a standard OAuth 2.0 client library (openid-client, on
// oauth4webapi), as a user's Node code would: client credentials with HTTP Basic, a protected
// read with the token, revocation (RFC 7009), and the refusal that follows.

t.test('openid-client: client credentials grant, checkpoints read, revoke, refused', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const base = await listen(app);
  const config = new client.Configuration(
    { issuer: base, token_endpoint: `${base}/api/oauth/token`, revocation_endpoint: `${base}/api/oauth/revoke` },
    CLIENT_ID,
    undefined,
    client.ClientSecretBasic(CLIENT_SECRET),
  );
  // The emulator is plain HTTP on loopback.
  client.allowInsecureRequests(config);

  const tokens = await client.clientCredentialsGrant(config);
  t.equal(tokens.token_type, 'bearer', 'oauth4webapi normalizes the type it received');
  t.equal(tokens.expires_in, 3600);
  t.match(tokens.access_token, /^[A-Za-z0-9_-]{43}$/);

  const url = new URL(`${base}${CLUSTER0}?itemsPerPage=5`);
  const page = await client.fetchProtectedResource(config, tokens.access_token, url, 'GET');
  t.equal(page.status, 200);
  const body = (await page.json()) as { totalCount: number; results: unknown[] };
  t.equal(body.totalCount, 61);
  t.equal(body.results.length, 5);

  await client.tokenRevocation(config, tokens.access_token);

  // oauth4webapi turns a 401 with a WWW-Authenticate challenge into an error carrying the response.
  const refused = await challengeOf(client.fetchProtectedResource(config, tokens.access_token, url, 'GET'));
  t.match(refused, { status: 401, cause: [{ scheme: 'bearer', parameters: { realm: 'MMS Public API', error: 'invalid_token' } }] });
  t.equal(await refused.response.text(), UnauthorizedError.BODY);
  t.same(reasons(), ['token_revoked']);

  // A wrong secret is refused at the token endpoint with RFC 6749's invalid_client and a Basic challenge.
  const wrong = new client.Configuration(config.serverMetadata(), CLIENT_ID, undefined, client.ClientSecretBasic('wrong'));
  client.allowInsecureRequests(wrong);
  const invalid = await challengeOf(client.clientCredentialsGrant(wrong));
  t.match(invalid, { status: 401, cause: [{ scheme: 'basic', parameters: { realm: 'MMS Public API' } }] });
  t.same(await invalid.response.json(), { error: 'invalid_client', error_description: 'Client authentication failed.' });
});

interface ChallengeError {
  status: number;
  cause: { scheme: string; parameters: Record<string, string> }[];
  response: Response;
}

async function challengeOf(call: Promise<unknown>): Promise<ChallengeError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof client.WWWAuthenticateChallengeError) return err as unknown as ChallengeError;
    throw err;
  }
  throw new Error('expected a WWW-Authenticate challenge');
}
