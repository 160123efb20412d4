import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { UnauthorizedError } from '../../src/model/errors.js';
import { buildLoggedApp } from '../helpers/auth.js';
import { control } from '../helpers/control-client.js';
import {
  authed,
  type Call,
  CLUSTER0,
  digestHeader,
  GROUP,
  json,
  parseChallenge,
  PRIVATE_KEY,
  PUBLIC_KEY,
  send,
} from '../helpers/test-app.js';

// The Digest uri (docs/fidelity.md, "Digest uri"): Atlas checks the answer against the uri the
// client signed, whatever the request line says, and clients used against Atlas in production
// depend on it. By default the emulator does the same and the journal entry names the uri
// signed; strictDigestUri refuses such an answer, as RFC 7616 says a server should.

const REALM = 'MMS Public API';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** A client library as it answers a challenge: the request it sends, the uri it signs, how it joins the parameters. */
interface Client {
  name: string;
  request: Call;
  signs: string;
  separator: string;
}

const CLIENTS: Client[] = [
  {
    // @mhoc/axios-digest-auth signs the URL's pathname: the path without its query string.
    name: '@mhoc/axios-digest-auth',
    request: { url: `${CLUSTER0}?itemsPerPage=2` },
    signs: CLUSTER0,
    separator: ', ',
  },
  {
    // Infisical's Atlas integration signs axios's url relative to its base URL (…/api/atlas),
    // without the query axios sends from its params.
    name: "Infisical's Atlas integration",
    request: {
      url: `/api/atlas/v2/groups/${GROUP}/clusters/Cluster0/backupCheckpoints?itemsPerPage=1`,
      headers: { accept: 'application/vnd.atlas.2023-02-01+json' },
    },
    signs: `v2/groups/${GROUP}/clusters/Cluster0/backupCheckpoints`,
    separator: ',',
  },
];

/** The Authorization header the client writes: MD5, every value quoted, in its order. */
function clientHeader(client: Client, nonce: string): string {
  const nc = '00000001';
  const cnonce = randomBytes(24).toString('hex');
  const ha1 = md5(`${PUBLIC_KEY}:${REALM}:${PRIVATE_KEY}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${md5(`GET:${client.signs}`)}`);
  const params = { username: PUBLIC_KEY, realm: REALM, nonce, uri: client.signs, qop: 'auth', algorithm: 'MD5', response, nc, cnonce };
  return `Digest ${Object.entries(params)
    .map(([name, value]) => `${name}="${value}"`)
    .join(client.separator)}`;
}

/** The client's call: the bare request, Atlas's challenge, then the request signed its way. */
async function clientCall(t: Test, app: FastifyInstance, client: Client) {
  const challenge = await send(app, client.request);
  t.equal(challenge.statusCode, 401, `${client.name}: the challenge`);
  const { nonce } = parseChallenge(String(challenge.headers['www-authenticate']));
  return send(app, { ...client.request, headers: { ...client.request.headers, authorization: clientHeader(client, nonce!) } });
}

/** Atlas's 401 with a fresh Digest challenge (stale=false), exactly. */
function assertChallenge(t: Test, res: Awaited<ReturnType<typeof send>>, what: string): void {
  t.equal(res.statusCode, 401, what);
  t.match(
    String(res.headers['www-authenticate']),
    /^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale=false$/,
  );
  t.equal(res.headers['content-type'], 'application/json');
  t.equal(res.body, UnauthorizedError.BODY);
}

const journal = async (app: FastifyInstance) => json(await control(app, 'GET', '/requests')).requests;

t.test(
  'by default, answers signed over the path without its query or over a relative URL are accepted; the journal names the uri',
  async (t) => {
    const { app, reasons } = buildLoggedApp(t);
    for (const client of CLIENTS) {
      const res = await clientCall(t, app, client);
      const rfc = await authed(app, client.request);
      t.equal(res.statusCode, 200, `${client.name}: 200`);
      t.equal(res.headers['content-type'], rfc.headers['content-type']);
      t.equal(res.body, rfc.body, `${client.name}: the page a request signed over its request-target gets`);
    }
    const entries = await journal(app);
    t.same(
      entries.map((e: { url: string; status: number; auth: object }) => [e.url, e.status, e.auth]),
      CLIENTS.flatMap((client) => [
        [client.request.url, 401, { outcome: 'challenge', reason: 'missing_credentials' }],
        [client.request.url, 200, { outcome: 'authenticated', principal: PUBLIC_KEY, signedUri: client.signs }],
        [client.request.url, 401, { outcome: 'challenge', reason: 'missing_credentials' }],
        [client.request.url, 200, { outcome: 'authenticated', principal: PUBLIC_KEY }],
      ]),
      'each accepted answer notes the uri signed; one signed over the request-target notes nothing',
    );
    t.same(reasons(), [], 'nothing refused');
  },
);

t.test('strictDigestUri: the same answers get the challenge again, journaled as uri_mismatch with the uri signed', async (t) => {
  const { app, reasons } = buildLoggedApp(t, { strictDigestUri: true });
  for (const client of CLIENTS) assertChallenge(t, await clientCall(t, app, client), `${client.name}: refused`);
  t.equal((await authed(app, CLIENTS[0]!.request)).statusCode, 200, 'an answer signed over the request-target passes');
  const entries = await journal(app);
  t.same(
    entries.filter((e: { challenge: boolean }) => !e.challenge).map((e: { auth: object }) => e.auth),
    [
      ...CLIENTS.map((client) => ({ outcome: 'rejected', reason: 'uri_mismatch', signedUri: client.signs })),
      { outcome: 'authenticated', principal: PUBLIC_KEY },
    ],
  );
  t.same(reasons(), ['uri_mismatch', 'uri_mismatch']);
});

t.test('by default the answer is still checked against the uri signed, and a (nonce, nc) is still used once', async (t) => {
  const { app, reasons } = buildLoggedApp(t);
  const [client] = CLIENTS;
  const { url } = client!.request;
  const nonceOf = async () => parseChallenge(String((await send(app, { url })).headers['www-authenticate'])).nonce!;

  // Computed over the request-target, naming the path as uri: wrong for the uri named.
  const renamed = digestHeader({ method: 'GET', uri: url, nonce: await nonceOf() }).replace(`uri="${url}"`, `uri="${CLUSTER0}"`);
  assertChallenge(t, await send(app, { url, headers: { authorization: renamed } }), 'an answer for another uri than the one named');
  const wrongKey = digestHeader({ method: 'GET', uri: CLUSTER0, nonce: await nonceOf(), password: 'not-the-private-key' });
  assertChallenge(t, await send(app, { url, headers: { authorization: wrongKey } }), 'a wrong private key, whatever the uri');

  const signed = clientHeader(client!, await nonceOf());
  t.equal((await send(app, { url, headers: { authorization: signed } })).statusCode, 200);
  assertChallenge(
    t,
    await send(app, { url: `${CLUSTER0}?itemsPerPage=3`, headers: { authorization: signed } }),
    'replayed on another query',
  );
  t.same(reasons(), ['bad_response', 'bad_response', 'nc_replay']);
  const refused = (await journal(app)).filter((e: { auth: { outcome: string } }) => e.auth.outcome === 'rejected');
  t.same(
    refused.map((e: { auth: object }) => e.auth),
    [
      { outcome: 'rejected', reason: 'bad_response', signedUri: CLUSTER0 },
      { outcome: 'rejected', reason: 'bad_response', signedUri: CLUSTER0 },
      { outcome: 'rejected', reason: 'nc_replay', signedUri: CLUSTER0 },
    ],
    'a refusal names the uri signed too',
  );
});
