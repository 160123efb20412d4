import t from 'tap';
import { NonceService, NonceUsage } from '../../src/auth/nonce.js';
import { RateLimiter } from '../../src/auth/rate-limit.js';
import { BearerTokens } from '../../src/auth/bearer-tokens.js';

// The state auth keeps per nonce, token and project is bounded, and forgetting never lets a
// request through that remembering would refuse (replays stay refused; tokens end).

t.test('NonceUsage: bounded; a forgotten nonce answers stale, never accepts a replay', async (t) => {
  const usage = new NonceUsage(2);
  t.equal(usage.use('n1', 1, 1), 'ok');
  t.equal(usage.use('n2', 2, 1), 'ok');
  t.equal(usage.use('n3', 3, 1), 'ok');
  t.equal(usage.size, 2);
  t.equal(usage.use('n1', 1, 1), 'stale', 'n1 was forgotten: its replay gets a fresh nonce, not a pass');
  t.equal(usage.use('n1', 1, 2), 'stale', 'even with a new nc');
  t.equal(usage.use('n3', 3, 1), 'replay', 'a remembered nonce still refuses its replay');
  t.equal(usage.use('n3', 3, 40), 'ok');
  t.equal(usage.use('n3', 3, 8), 'replay', 'more than 32 behind the highest nc');
});

t.test('BearerTokens: bounded; the oldest forgotten token is unknown, expiry by the clock', async (t) => {
  let now = 0;
  const tokens = new BearerTokens(10_000, () => now, 2);
  const a = tokens.mint('c').token;
  const b = tokens.mint('c').token;
  const c = tokens.mint('c').token;
  t.equal(tokens.size, 2);
  t.same(tokens.check(a), { status: 'unknown' });
  t.same(tokens.check(b), { status: 'valid', clientId: 'c' });
  now = 10_000;
  t.same(tokens.check(c), { status: 'expired' });
  t.equal(tokens.revoke(c, 'other'), 'foreign');
  t.equal(tokens.revoke(c, 'c'), 'revoked');
  t.same(tokens.check(c), { status: 'revoked' });
});

t.test('RateLimiter: bounded; refills continuously up to capacity', async (t) => {
  let now = 0;
  const limiter = new RateLimiter({ capacity: 2, periodMs: 1000 }, () => now, 2);
  t.same(limiter.take('p1'), { allowed: true, remaining: 1 });
  t.same(limiter.take('p1'), { allowed: true, remaining: 0 });
  t.same(limiter.take('p1'), { allowed: false, retryAfterSeconds: 1 });
  now = 250;
  t.same(limiter.take('p1'), { allowed: false, retryAfterSeconds: 1 }, 'half a token');
  now = 500;
  t.same(limiter.take('p1'), { allowed: true, remaining: 0 });
  now = 100_000;
  t.same(limiter.take('p1'), { allowed: true, remaining: 1 }, 'never above capacity');
  limiter.take('p2');
  limiter.take('p3');
  t.equal(limiter.size, 2);
});

t.test('NonceService: stateless; a forged nonce is refused, an old one is stale, another secret knows none', async (t) => {
  let now = 1_000;
  const nonces = new NonceService('secret', 5_000, () => now);
  const issued = [nonces.issue(), nonces.issue(), nonces.issue()];
  t.equal(new Set(issued).size, 3, 'unique within a millisecond');
  for (const nonce of issued) t.same(nonces.check(nonce), { status: 'valid', issuedAt: 1_000 });
  t.same(
    new NonceService('secret', 5_000, () => now).check(issued[0]!),
    { status: 'valid', issuedAt: 1_000 },
    'any process with the secret verifies it',
  );
  const forged = issued[0]!.slice(0, 12) + (issued[0]![12] === 'A' ? 'B' : 'A') + issued[0]!.slice(13);
  t.same(nonces.check(forged), { status: 'forged' });
  t.same(nonces.check('x'.repeat(31)), { status: 'forged' });
  now = 6_001;
  t.same(nonces.check(issued[2]!), { status: 'stale', issuedAt: 1_000 });
  t.same(new NonceService('other secret', 5_000, () => now).check(issued[2]!), { status: 'forged' }, 'another secret does not know it');
});
