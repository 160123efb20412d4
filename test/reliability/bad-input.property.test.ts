import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { buildTestApp, CLUSTER0, digestHeader, GROUP, parseChallenge, send, V2_ACCEPT, type Call } from '../helpers/test-app.js';
import { MAX_AUTHORIZATION_LENGTH } from '../../src/auth/digest.js';
import { propertyParameters } from '../helpers/property.js';
import { assertAtlasAnswer } from '../helpers/answer-invariants.js';

// Property-based bad input: generated paths, path parameters, query strings, Accept headers,
// Authorization headers and request bodies, 10,300 requests a run (a fixed seed, FC_SEED to
// vary it; a failure prints the seed and the shrunk request). Every answer is a contract-
// conforming success or a well-formed Atlas error; a correctly signed request is never
// refused by authentication, so the generated input really reaches routing, validation and
// the store.

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

// Characters a request-target may carry literally (RFC 3986 pchar, plus the query's / and ?).
const PCHARS = [..."abcXYZ019-._~!$&'()*+,;=:@"];
const QCHARS = [...PCHARS, '/', '?'];
const BROKEN_ESCAPES = [
  '%',
  '%z',
  '%zz',
  '%4',
  '%G1',
  '%E0%A4%A',
  '%C3%28',
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '%00',
  '%u00e9',
  '%%',
  '%2',
  '%2F',
  '%25',
  '%5C',
  '%0A',
];

const literal = (chars: string[], maxLength: number) => fc.string({ unit: fc.constantFrom(...chars), maxLength });
/** Non-ASCII (and any other) text, percent-encoded as UTF-8, as a client library would send it. */
const encodedText = fc.string({ unit: 'grapheme', maxLength: 12 }).map(encodeURIComponent);
const brokenEscape = fc.tuple(literal(PCHARS, 4), fc.constantFrom(...BROKEN_ESCAPES), literal(PCHARS, 4)).map((parts) => parts.join(''));
const huge = fc.integer({ min: 900, max: 6000 }).map((n) => 'a'.repeat(n));

const fuzzSegment = fc.oneof(literal(PCHARS, 30), encodedText, brokenEscape, huge, fc.constantFrom('', '.', '..', '%2e%2e'));
const hex24 = fc.stringMatching(/^[0-9a-f]{24}$/);

interface Client {
  app: FastifyInstance;
  /** A checkpoint that exists. */
  checkpoint: string;
  nonce: string;
  nc: number;
}

/**
 * The request-target inject() delivers: it parses the URL as WHATWG does (dot segments
 * removed, a few characters escaped), so that is what gets signed. Raw targets go over a
 * socket in limits.test.ts.
 */
function delivered(url: string): string {
  const parsed = new URL(`http://localhost${url}`);
  return parsed.pathname + parsed.search;
}

/** Sends the call, signed with the next nonce-count when `signed`, and checks the answer. */
async function request(client: Client, call: Call, signed = true): Promise<number> {
  const method = call.method ?? 'GET';
  const url = delivered(call.url);
  const headers = { ...call.headers };
  if (signed) headers.authorization = digestHeader({ method, uri: url, nonce: client.nonce, nc: client.nc++ });
  const res = await send(client.app, { ...call, url, headers });
  assertAtlasAnswer(method, url, res);
  // A signature longer than the Authorization limit is refused, as it should be.
  const signable = (headers.authorization?.length ?? 0) <= MAX_AUTHORIZATION_LENGTH;
  if (signed && signable && res.statusCode === 401)
    throw new Error(`${method} ${url.slice(0, 200)}: a signed request was refused: ${res.body}`);
  return res.statusCode;
}

// Small pages keep the cost per case low: a legacy cluster of 5 checkpoints, a Cloud one.
const FIXTURE = join(mkdtempSync(join(tmpdir(), 'atlas-emu-fuzz-')), 'fuzz.json');
writeFileSync(
  FIXTURE,
  JSON.stringify({
    projects: [
      {
        id: GROUP,
        name: 'Fuzz',
        clusters: [
          {
            name: 'Cluster0',
            clusterId: 'cccccccccccccccccccccccc',
            type: 'SHARDED',
            shards: 2,
            backup: 'LEGACY',
            checkpoints: [],
            generate: { count: 5 },
          },
          { name: 'Cloud0', clusterId: 'dddddddddddddddddddddddd', type: 'REPLICASET', shards: 1, backup: 'CLOUD', checkpoints: [] },
        ],
      },
    ],
  }),
);
t.teardown(() => rmSync(dirname(FIXTURE), { recursive: true, force: true }));

async function client(t: Test): Promise<Client> {
  const app = buildTestApp(t, { fixtures: FIXTURE });
  const { store } = app.emulator;
  const checkpoint = (JSON.parse(store.page(store.cluster(GROUP, 'Cluster0')!, 0, 1)[0]!) as { id: string }).id;
  const challenge = await send(app, { url: CLUSTER0 });
  return { app, checkpoint, nonce: parseChallenge(String(challenge.headers['www-authenticate'])).nonce!, nc: 1 };
}

/** Requests actually sent (counted as they run, not as planned). */
let cases = 0;
const run = async <T>(runs: number, arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>) => {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      cases++;
      await check(value);
    }),
    propertyParameters(runs),
  );
};

t.test('request paths', async (t) => {
  const c = await client(t);
  const known = fc.constantFrom(
    'api',
    'atlas',
    'v1.0',
    'v2',
    'v1',
    'groups',
    GROUP,
    'clusters',
    'Cluster0',
    'Cloud0',
    'backupCheckpoints',
    c.checkpoint,
  );
  const path = fc
    .tuple(
      fc.boolean(),
      fc.array(fc.oneof({ weight: 3, arbitrary: known }, { weight: 1, arbitrary: fuzzSegment }), { maxLength: 9 }),
      fc.constantFrom('', '/', '//'),
    )
    .map(([underApi, segments, tail]) => `${underApi ? '/api/atlas/' : '/'}${segments.join('/')}${tail}`);
  const statuses = new Set<number>();
  await run(2800, fc.tuple(path, fc.constantFrom(...METHODS), fc.boolean()), async ([url, method, signed]) => {
    statuses.add(await request(c, { url, method, headers: { accept: V2_ACCEPT } }, signed));
  });
  t.ok(statuses.has(404) && statuses.has(401), `answers seen: ${[...statuses].sort().join(', ')}`);
});

t.test('path parameters', async (t) => {
  const c = await client(t);
  const groupId = fc.oneof(fc.constant(GROUP), hex24, fuzzSegment);
  const clusterName = fc.oneof(
    fc.constantFrom('Cluster0', 'Cloud0', 'Cluster1', 'cluster0'),
    fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,70}$/),
    fuzzSegment,
  );
  const checkpointId = fc.option(fc.oneof(fc.constant(c.checkpoint), hex24, fuzzSegment), { nil: undefined });
  const statuses = new Set<number>();
  await run(
    2400,
    fc.tuple(fc.constantFrom('v1.0', 'v2'), groupId, clusterName, checkpointId),
    async ([version, group, cluster, checkpoint]) => {
      const url = `/api/atlas/${version}/groups/${group}/clusters/${cluster}/backupCheckpoints${checkpoint === undefined ? '' : `/${checkpoint}`}`;
      statuses.add(await request(c, { url, headers: { accept: version === 'v2' ? V2_ACCEPT : 'application/json' } }));
    },
  );
  t.ok(statuses.has(200) && statuses.has(404), `answers seen: ${[...statuses].sort().join(', ')}`);
});

t.test('query strings', async (t) => {
  const c = await client(t);
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('pageNum', 'itemsPerPage', 'includeCount', 'envelope', 'pretty') },
    {
      weight: 1,
      arbitrary: fc.oneof(literal(QCHARS, 12), encodedText, brokenEscape, fc.constantFrom('PAGENUM', 'pageNum[]', 'page%4Eum')),
    },
  );
  const value = fc.oneof(
    fc.integer({ min: -5, max: 600 }).map(String),
    fc.constantFrom('', '0', '1', '500', '501', '2147483647', '2147483648', '99999999999999999999', '1e3', '0x10', ' 1', '1.0', '+1', '01'),
    fc.constantFrom('true', 'false', 'TRUE', 'False', 'yes', '1', 't'),
    literal(QCHARS, 20),
    encodedText,
    brokenEscape,
    huge,
  );
  const pair = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(name, value).map(([n, v]) => `${n}=${v}`) },
    { weight: 1, arbitrary: fc.oneof(name, fc.constantFrom('', '=', '==', '&')) },
  );
  const query = fc.array(pair, { maxLength: 8 }).map((pairs) => pairs.join('&'));
  const statuses = new Set<number>();
  await run(2800, fc.tuple(fc.constantFrom('v1.0', 'v2'), fc.boolean(), query), async ([version, item, q]) => {
    const base = `/api/atlas/${version}/groups/${GROUP}/clusters/Cluster0/backupCheckpoints${item ? `/${c.checkpoint}` : ''}`;
    const status = await request(c, { url: `${base}?${q}`, headers: { accept: version === 'v2' ? V2_ACCEPT : 'application/json' } });
    statuses.add(status);
  });
  t.ok(statuses.has(200) && statuses.has(400), `answers seen: ${[...statuses].sort().join(', ')}`);
});

t.test('Accept headers on v2', async (t) => {
  const c = await client(t);
  const date = fc.oneof(
    fc.constantFrom('2023-01-01', '2025-03-12', '2022-12-31', '2023-02-30', '2023-1-1', '9999-12-31', '0000-00-00', '2023-01-01x'),
    fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  );
  const range = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.constantFrom('application/vnd.atlas.', 'APPLICATION/VND.ATLAS.', 'application/vnd.atlas+', 'text/vnd.atlas.'),
          date,
          fc.constantFrom('+json', '+JSON', '+xml', '', '+json;q=0.5', '+json; charset=utf-8'),
        )
        .map((p) => p.join('')),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('*/*', 'application/json', 'application/*', '', ';', ',', 'q=1', 'application/vnd.atlas.+json'),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 4000 }).map((n) => `application/vnd.atlas.2023-01-01+json;${'x'.repeat(n)}`) },
  );
  const accept = fc.array(range, { minLength: 1, maxLength: 4 }).map((ranges) => ranges.join(', '));
  const statuses = new Set<number>();
  await run(1500, fc.tuple(accept, fc.boolean()), async ([value, item]) => {
    const url = `/api/atlas/v2/groups/${GROUP}/clusters/Cluster0/backupCheckpoints${item ? `/${c.checkpoint}` : ''}`;
    const res = await send(c.app, {
      url,
      headers: { accept: value, authorization: digestHeader({ method: 'GET', uri: url, nonce: c.nonce, nc: c.nc++ }) },
    });
    assertAtlasAnswer('GET', url, res);
    const expected = res.statusCode === 200 ? 'application/vnd.atlas.2023-01-01+json;charset=utf-8' : 'application/json';
    if ((res.statusCode !== 200 && res.statusCode !== 406) || res.headers['content-type'] !== expected) {
      throw new Error(`Accept ${JSON.stringify(value)}: ${res.statusCode} ${String(res.headers['content-type'])}`);
    }
    statuses.add(res.statusCode);
  });
  t.same([...statuses].sort(), [200, 406], 'both a negotiated success and 406 were seen');
});

t.test('raw Authorization headers', async (t) => {
  const c = await client(t);
  const param = fc
    .tuple(
      fc.constantFrom('username', 'realm', 'nonce', 'uri', 'response', 'qop', 'nc', 'cnonce', 'algorithm', 'opaque', 'userhash', 'x'),
      fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), fc.constant(c.nonce), fc.constant(CLUSTER0)),
      fc.boolean(),
    )
    .map(([k, v, quoted]) => (quoted ? `${k}="${v}"` : `${k}=${v}`));
  const header = fc.oneof(
    fc
      .tuple(fc.constantFrom('Digest ', 'digest ', 'Digest', 'Basic ', 'Bearer ', ''), fc.array(param, { maxLength: 10 }))
      .map(([scheme, ps]) => scheme + ps.join(', ')),
    fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
  );
  await run(500, header, async (authorization) => {
    const res = await send(c.app, { url: CLUSTER0, headers: { authorization } });
    assertAtlasAnswer('GET', CLUSTER0, res);
    if (res.statusCode !== 401) throw new Error(`Authorization ${JSON.stringify(authorization)}: status ${res.statusCode}`);
  });
  t.pass('every forged Authorization header got the 401');
});

t.test('request bodies on the API (which takes none)', async (t) => {
  const c = await client(t);
  const contentType = fc.option(
    fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-16',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'x/y',
        ';',
        '',
      ),
      fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
    ),
    { nil: undefined },
  );
  const body = fc.oneof(
    fc.json(),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.constantFrom('{', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', 'null'),
  );
  const statuses = new Set<number>();
  await run(
    300,
    fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), fc.boolean(), contentType, body),
    async ([method, item, type, payload]) => {
      const url = `${CLUSTER0}${item ? `/${c.checkpoint}` : ''}`;
      const headers: Record<string, string> = { authorization: digestHeader({ method, uri: url, nonce: c.nonce, nc: c.nc++ }) };
      if (type !== undefined) headers['content-type'] = type;
      const res = await c.app.inject({ method, url, headers, payload });
      assertAtlasAnswer(method, url, res);
      if (res.statusCode === 401) throw new Error(`${method} ${url} with ${String(type)}: a signed request was refused`);
      if (method === 'GET' && res.statusCode !== 200) throw new Error(`GET with a ${String(type)} body: ${res.statusCode} ${res.body}`);
      statuses.add(res.statusCode);
    },
  );
  t.ok(statuses.has(200) && statuses.has(405), `answers seen: ${[...statuses].sort().join(', ')}`);
});

t.test('cases fuzzed', async (t) => {
  t.comment(`${cases} generated requests`);
  t.ok(cases >= 10_000, `${cases} cases`);
});
