import t from 'tap';
import { ConfigError, EMULATOR_OPTIONS, parseRateLimit, resolveConfig } from '../../src/model/options.js';
import { authed, CLUSTER0, GROUP, GROUP2, send, TestClock } from '../helpers/test-app.js';
import { buildLoggedApp } from '../helpers/auth.js';

// Per-project token buckets (ATLAS_EMU_RATE_LIMIT): Atlas's RateLimit headers on every
// limited response, 429 RATE_LIMITED with Retry-After when the bucket is empty, and refill.

const URL1 = `${CLUSTER0}?itemsPerPage=1`;
const OTHER = `/api/atlas/v2/groups/${GROUP2}/clusters/Cluster0/backupCheckpoints`;
const V2 = { accept: 'application/vnd.atlas.2023-01-01+json' };

t.test('ATLAS_EMU_RATE_LIMIT syntax: <requests>/<period>s|m, or off', async (t) => {
  const fromEnv = (value?: string) =>
    resolveConfig(EMULATOR_OPTIONS.fromEnvironment(value === undefined ? {} : { ATLAS_EMU_RATE_LIMIT: value }));
  t.same(parseRateLimit(fromEnv('100/60s').rateLimit!), { capacity: 100, periodMs: 60_000 });
  t.same(parseRateLimit(fromEnv('5/2m').rateLimit!), { capacity: 5, periodMs: 120_000 });
  t.equal(fromEnv('off').rateLimit, undefined);
  t.equal(fromEnv().rateLimit, undefined, 'off by default');
  for (const bad of ['100', '0/60s', '100/0s', '100/60', '100/60h', '-1/60s', 'ten/60s']) {
    t.throws(
      () => fromEnv(bad),
      new ConfigError(
        `ATLAS_EMU_RATE_LIMIT must be off or <requests>/<period> like 100/60s or 100/1m (requests and period at least 1), got ${JSON.stringify(bad)}`,
      ),
    );
  }
});

t.test('off by default: no RateLimit headers', async (t) => {
  const { app } = buildLoggedApp(t);
  const res = await authed(app, { url: URL1 });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['ratelimit-limit'], undefined);
  t.equal(res.headers['ratelimit-remaining'], undefined);
});

t.test('a project bucket runs out: 429 RATE_LIMITED with Retry-After; other projects are untouched', async (t) => {
  const { app } = buildLoggedApp(t, { rateLimit: '3/1m' });
  for (const remaining of ['2', '1', '0']) {
    const res = await authed(app, { url: URL1 });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['ratelimit-limit'], '3');
    t.equal(res.headers['ratelimit-remaining'], remaining);
  }
  const limited = await authed(app, { url: URL1 });
  t.equal(limited.statusCode, 429);
  t.equal(limited.headers['x-error-code'], 'RATE_LIMITED');
  t.equal(limited.headers['retry-after'], '20');
  t.equal(limited.headers['ratelimit-limit'], '3');
  t.equal(limited.headers['ratelimit-remaining'], '0');
  t.equal(
    limited.body,
    `{"detail":"Resource /api/atlas/v1.0/groups/${GROUP} is limited to 3 requests every 1 minutes.","error":429,"errorCode":"RATE_LIMITED","parameters":["/api/atlas/v1.0/groups/${GROUP}","3","1"],"reason":"Too Many Requests"}`,
  );
  // The bucket is the project's, across API versions; another project has its own.
  t.equal((await authed(app, { url: `/api/atlas/v2/groups/${GROUP}/clusters/Cluster0/backupCheckpoints`, headers: V2 })).statusCode, 429);
  const other = await authed(app, { url: OTHER, headers: V2 });
  t.equal(other.statusCode, 200);
  t.equal(other.headers['ratelimit-remaining'], '2');
  // Challenges (no credentials yet) do not spend tokens: the handshake above took 2 calls each.
  const challenge = await send(app, { url: OTHER, headers: V2 });
  t.equal(challenge.statusCode, 401);
  t.equal(challenge.headers['ratelimit-limit'], undefined);
});

t.test('an empty bucket refills with time', async (t) => {
  // 2 requests per 4 s: one token every 2 seconds.
  const clock = new TestClock();
  const { app } = buildLoggedApp(t, { rateLimit: '2/4s' }, clock);
  t.equal((await authed(app, { url: URL1 })).statusCode, 200);
  t.equal((await authed(app, { url: URL1 })).statusCode, 200);
  const limited = await authed(app, { url: URL1 });
  t.equal(limited.statusCode, 429);
  t.equal(limited.headers['retry-after'], '2');
  clock.advance(1999);
  t.equal((await authed(app, { url: URL1 })).statusCode, 429, 'not yet a whole token');
  clock.advance(1);
  const refilled = await authed(app, { url: URL1 });
  t.equal(refilled.statusCode, 200);
  t.equal(refilled.headers['ratelimit-remaining'], '0');
  t.equal((await authed(app, { url: URL1 })).statusCode, 429, 'one token came back, not the whole bucket');
});
