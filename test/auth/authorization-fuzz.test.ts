import fc from 'fast-check';
import { propertyParameters } from '../helpers/property.js';
import t from 'tap';
import { UnauthorizedError } from '../../src/model/errors.js';
import { CLUSTER0, digestHeader, parseChallenge, send } from '../helpers/test-app.js';
import { buildLoggedApp, tokenOf } from '../helpers/auth.js';

// Property: whatever Authorization header arrives, the answer is Atlas's (a 401 challenge or
// an Atlas error body, or a page when the credentials happen to be right), never a 5xx.
// 10,000 generated headers: raw strings of every byte HTTP allows, and near-valid Digest,
// Bearer and Basic credentials with one part garbled.

const RUNS = 10_000;
const PATHS = [`${CLUSTER0}?itemsPerPage=1`, CLUSTER0, `/api/atlas/v2/groups/zz/clusters/x/backupCheckpoints/1`, '/api/atlas/v1.0/nothing'];
// Header values may hold tab, visible ASCII, space and obs-text (RFC 9110 section 5.5).
const FIELD_CHAR = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(0x09), fc.integer({ min: 0x80, max: 0xff }))
  .map((c) => String.fromCharCode(c));
const FIELD = fc.array(FIELD_CHAR, { maxLength: 300 }).map((chars) => chars.join('').trim());
const TOKENISH = fc.oneof(
  FIELD,
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.constant(''),
);

function isAtlasBody(body: string): boolean {
  if (body === UnauthorizedError.BODY) return true;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return (
      (typeof parsed.error === 'number' &&
        typeof parsed.errorCode === 'string' &&
        typeof parsed.detail === 'string' &&
        Array.isArray(parsed.parameters)) ||
      Array.isArray(parsed.results) ||
      typeof parsed.id === 'string'
    );
  } catch {
    return false;
  }
}

t.test(`${RUNS} generated Authorization headers: no 5xx, always an Atlas body`, async (t) => {
  const { app } = buildLoggedApp(t, { logLevel: 'silent' });
  const nonce = parseChallenge(String((await send(app, { url: CLUSTER0 })).headers['www-authenticate'])).nonce!;
  const token = await tokenOf(app);
  const valid = digestHeader({ method: 'GET', uri: PATHS[0]!, nonce });
  const params = [...valid.matchAll(/(\w+)=("[^"]*"|[^,\s]*)/g)].map((m) => m[1]!);

  const digestVariants = fc
    .record({ param: fc.constantFrom(...params), value: TOKENISH, quoted: fc.boolean(), nc: fc.integer({ min: 1, max: 2 ** 32 - 1 }) })
    .map(({ param, value, quoted, nc }) => {
      const base = digestHeader({ method: 'GET', uri: PATHS[0]!, nonce, nc });
      return base.replace(new RegExp(`${param}=("[^"]*"|[^,\\s]*)`), `${param}=${quoted ? `"${value.replace(/["\\]/g, '')}"` : value}`);
    });
  const header = fc.oneof(
    FIELD,
    digestVariants,
    fc
      .tuple(fc.constantFrom('Digest ', 'digest ', 'Bearer ', 'bearer ', 'Basic ', 'Negotiate ', ''), FIELD)
      .map(([scheme, rest]) => scheme + rest),
    fc.tuple(fc.nat({ max: 42 }), FIELD_CHAR).map(([at, c]) => `Bearer ${token.slice(0, at)}${c}${token.slice(at + 1)}`.trimEnd()),
    fc.constantFrom(valid, `Bearer ${token}`),
  );

  let runs = 0;
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(
      header,
      fc.constantFrom(...PATHS),
      fc.constantFrom('GET', 'HEAD', 'POST', 'DELETE'),
      async (authorization, url, method) => {
        runs++;
        const res = await app.inject({ method: method as 'GET', url, headers: { authorization } });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500) throw new Error(`${res.statusCode} for ${JSON.stringify(authorization)}`);
        if (method !== 'HEAD' && !isAtlasBody(res.body))
          throw new Error(`not an Atlas body for ${JSON.stringify(authorization)}: ${res.body}`);
      },
    ),
    propertyParameters(RUNS),
  );
  t.equal(runs, RUNS);
  t.ok((statuses.get(401) ?? 0) > RUNS / 2, 'most are refused');
  t.ok((statuses.get(200) ?? 0) > 0, 'the valid ones among them pass');
  t.same(
    [...statuses.keys()].filter((s) => ![200, 401, 404, 405, 406].includes(s)),
    [],
    'only the statuses expected',
  );
});
