import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import { authed, buildTestApp, send, TestClock, V2_ACCEPT, type Call } from './test-app.js';

// What the operation tests expect of Atlas's answers: its error bodies, the Digest challenge,
// a request in either API version, and the error tables every resource's tests run.

export type Version = 'v1.0' | 'v2';

/** Both versions, for the tests that run every operation in each. */
export const VERSIONS: Version[] = ['v1.0', 'v2'];

/** The origin links point at under app.inject(), and each version's link relation prefix. */
export const HOST = 'http://localhost:80';
export const REL: Record<Version, string> = { 'v1.0': 'http://mms.mongodb.com/', v2: 'https://cloud.mongodb.com/' };

/** The Content-Type of a successful answer in each version. */
export const CONTENT_TYPE: Record<Version, string> = { 'v1.0': 'application/json', v2: `${V2_ACCEPT};charset=utf-8` };

/** A request as a client of `version` sends it: v2 with its versioned media type, for the body too. */
export function call(version: Version, url: string, method: Call['method'] = 'GET', payload?: object): Call {
  if (version === 'v1.0') return { url, method, payload };
  const headers: Record<string, string> = { accept: V2_ACCEPT };
  if (payload === undefined) return { url, method, headers };
  return { url, method, headers: { ...headers, 'content-type': V2_ACCEPT }, payload: JSON.stringify(payload) };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Atlas's compact error body, keys in its alphabetical order. */
export function atlasError(
  status: number,
  errorCode: string,
  detail: string,
  parameters: string[] = [],
  fields?: { field: string; description: string }[],
): string {
  return JSON.stringify({
    ...(fields ? { badRequestDetail: { fields } } : {}),
    detail,
    error: status,
    errorCode,
    parameters,
    reason: REASONS[status],
  });
}

export const invalidAttribute = (field: string, description: string) =>
  atlasError(400, 'INVALID_ATTRIBUTE', `Invalid attribute ${field} specified.`, [field], [{ field, description }]);

/** The Digest challenge's body (Atlas's pretty-printed one) and header. */
export const UNAUTHORIZED_BODY =
  '{\n  "error" : 401,\n  "reason" : "Unauthorized",\n  "detail" : "You are not authorized for this resource.",\n  "errorCode" : "UNEXPECTED_ERROR"\n}';
export const CHALLENGE = /^Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale=false$/;

type Answer = { statusCode: number; headers: Record<string, unknown>; body: string };

export function assertError(t: Test, res: Answer, status: number, errorCode: string, body: string): void {
  t.equal(res.statusCode, status);
  t.equal(res.headers['content-type'], 'application/json');
  t.equal(res.headers['x-error-code'], errorCode);
  t.equal(res.body, body);
}

/** Every object's keys in alphabetical order, as Atlas writes its entities. */
export function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
  );
}

/** An API key whose access list leaves out the loopback address every test request comes from. */
export const FARAWAY = { publicKey: 'faraway', privateKey: 'faraway-private-key-0001' };

/** What every operation answers first: the bare Digest challenge, and 403 to a key used from outside its access list. */
export async function assertChallengeAndForbidden(t: Test, app: FastifyInstance, request: Call): Promise<void> {
  const challenge = await send(app, request);
  t.equal(challenge.statusCode, 401, '401 without credentials');
  t.equal(challenge.body, UNAUTHORIZED_BODY);
  t.equal(challenge.headers['content-type'], 'application/json');
  t.match(challenge.headers['www-authenticate'], CHALLENGE);
  t.equal(challenge.headers['x-error-code'], undefined);

  const forbidden = await authed(app, request, { username: FARAWAY.publicKey, password: FARAWAY.privateKey });
  assertError(
    t,
    forbidden,
    403,
    'IP_ADDRESS_NOT_ON_ACCESS_LIST',
    atlasError(403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST', 'IP address 127.0.0.1 is not allowed to access this resource.', ['127.0.0.1']),
  );
}

/** The 429 of a project limited to one request a minute, after its one request. */
export function assertRateLimited(t: Test, res: Answer, version: Version, group: string): void {
  const resource = `/api/atlas/${version}/groups/${group}`;
  assertError(
    t,
    res,
    429,
    'RATE_LIMITED',
    atlasError(429, 'RATE_LIMITED', `Resource ${resource} is limited to 1 requests every 1 minutes.`, [resource, '1', '1']),
  );
  t.equal(res.headers['retry-after'], '60');
}

/** One row of an error table: a signed request and Atlas's exact answer to it. */
export interface ErrorRow {
  name: string;
  url: string;
  method?: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  status: number;
  reason: string;
  errorCode: string;
  detail: string;
  parameters: string[];
  extraHeaders?: Record<string, string>;
}

/** One test per row, each on its own app with the default dataset: exact status, body and headers. */
export function testErrorRows(tap: Test, rows: ErrorRow[]): void {
  for (const row of rows) {
    tap.test(`${row.status} ${row.errorCode}: ${row.name}`, async (t) => {
      const app = buildTestApp(t);
      const res = await authed(app, { url: row.url, method: row.method ?? 'GET', headers: row.headers });
      t.equal(res.statusCode, row.status);
      const { detail, status: error, errorCode, parameters, reason } = row;
      t.equal(res.body, JSON.stringify({ detail, error, errorCode, parameters, reason }));
      t.equal(res.headers['content-type'], 'application/json');
      t.equal(res.headers['x-error-code'], row.errorCode);
      for (const [name, value] of Object.entries(row.extraHeaders ?? {})) t.equal(res.headers[name], value, name);
    });
  }
}

/**
 * The apps an operation's declared errors are provoked on: `app` (400, 401, 403, 404),
 * `limited` to one request a minute on the same clock (429), and `broken`, whose database is
 * closed (500).
 */
export interface ErrorApps {
  clock: TestClock;
  app: FastifyInstance;
  limited: FastifyInstance;
  broken: FastifyInstance;
}

export function errorApps(build: (clock: TestClock, rateLimit?: string) => FastifyInstance): ErrorApps {
  const clock = new TestClock();
  const apps = { clock, app: build(clock), limited: build(clock, '1/1m'), broken: build(new TestClock()) };
  apps.broken.emulator.store.db.close();
  return apps;
}

/** What provokes each error an operation declares, on one API version. */
export interface DeclaredErrors {
  /** The operation, well-formed. */
  request: Call;
  /** Its project, named in the 429. */
  group: string;
  /** A real bad input and its answer, where the operation declares 400. */
  bad?: { request: Call; errorCode: string; body: string };
  /** The 404s: the request sent to another URL, and Atlas's errorCode, detail and parameters. */
  missing: [url: string, errorCode: string, detail: string, parameters: string[]][];
  /** The one request a minute that the limited app lets through, and its status. */
  allowed: { request: Call; status: number };
}

/** One subtest per operation and version: 400 (where declared), 401, 403, 404, 429 and 500, exact. */
export async function testDeclaredErrors(
  t: Test,
  apps: ErrorApps,
  operations: { name: string; errors: (version: Version) => DeclaredErrors }[],
): Promise<void> {
  for (const version of ['v1.0', 'v2'] as const) {
    for (const op of operations) {
      const errors = op.errors(version);
      await t.test(`${op.name} ${version}`, async (t) => {
        if (errors.bad) assertError(t, await authed(apps.app, errors.bad.request), 400, errors.bad.errorCode, errors.bad.body);

        await assertChallengeAndForbidden(t, apps.app, errors.request);

        for (const [url, code, detail, parameters] of errors.missing) {
          assertError(t, await authed(apps.app, { ...errors.request, url }), 404, code, atlasError(404, code, detail, parameters));
        }

        apps.clock.advance(60_000); // a full bucket again
        t.equal((await authed(apps.limited, errors.allowed.request)).statusCode, errors.allowed.status, 'the one request a minute');
        assertRateLimited(t, await authed(apps.limited, errors.request), version, errors.group);

        assertError(
          t,
          await authed(apps.broken, errors.request),
          500,
          'UNEXPECTED_ERROR',
          atlasError(500, 'UNEXPECTED_ERROR', 'Unexpected error.'),
        );
      });
    }
  }
}
