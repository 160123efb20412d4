import t from 'tap';
import { startEmulator } from '../../src/index.js';
import { ConfigError, EMULATOR_OPTIONS, resolveConfig } from '../../src/model/options.js';
import { authed, buildTestApp, CLUSTER0, json, parseChallenge, send, digestHeader } from '../helpers/test-app.js';
import { control, invalidControlRequest } from '../helpers/control-client.js';

// The emulator clock: ATLAS_EMU_CLOCK / --clock, GET and POST /_emulator/clock, a reset taking
// it back, and what reads it (nonce lifetimes, rate-limit buckets).

const START = '2026-05-01T12:00:00Z';

t.test('ATLAS_EMU_CLOCK and --clock: system (default) or a date-time; anything else refused in one line', async (t) => {
  t.equal(resolveConfig().clock, 'system');
  t.equal(resolveConfig(EMULATOR_OPTIONS.fromEnvironment({ ATLAS_EMU_CLOCK: START })).clock, START);
  t.equal(resolveConfig(EMULATOR_OPTIONS.fromFlags({ clock: START })).clock, START);
  for (const bad of ['yesterday', '2026-02-30T00:00:00Z', '2026-05-01']) {
    t.throws(
      () => resolveConfig(EMULATOR_OPTIONS.fromEnvironment({ ATLAS_EMU_CLOCK: bad })),
      new ConfigError(`ATLAS_EMU_CLOCK must be system, or a real UTC date-time like 2026-01-01T00:00:00Z, got ${JSON.stringify(bad)}`),
    );
  }
});

t.test('GET /_emulator/clock: a frozen clock stands still; the system clock runs', async (t) => {
  const frozen = buildTestApp(t, { clock: START });
  const first = await control(frozen, 'GET', '/clock');
  t.equal(first.statusCode, 200);
  t.equal(first.headers['content-type'], 'application/json; charset=utf-8');
  t.same(json(first), { now: '2026-05-01T12:00:00.000Z', frozen: true });
  const system = json(await control(buildTestApp(t), 'GET', '/clock'));
  t.equal(system.frozen, false);
  t.ok(Math.abs(Date.parse(system.now) - Date.now()) < 60_000, 'the system clock reads the time of day');
});

t.test('POST /_emulator/clock: set, advance, freeze and run, answered like the GET', async (t) => {
  const app = buildTestApp(t, { clock: START });
  const move = async (body: unknown) => {
    const res = await control(app, 'POST', '/clock', body);
    t.equal(res.statusCode, 200, JSON.stringify(body));
    return json(res);
  };
  t.same(await move({ advance: 'PT6H' }), { now: '2026-05-01T18:00:00.000Z', frozen: true });
  t.same(await move({ advance: 'P2D' }), { now: '2026-05-03T18:00:00.000Z', frozen: true });
  t.same(await move({ advance: 'P1W' }), { now: '2026-05-10T18:00:00.000Z', frozen: true });
  t.same(await move({ advance: 'P1DT1H30M0.5S' }), { now: '2026-05-11T19:30:00.500Z', frozen: true });
  t.same(await move({ set: '2027-01-01T00:00:00Z' }), { now: '2027-01-01T00:00:00.000Z', frozen: true });
  t.same(await move({ frozen: true }), { now: '2027-01-01T00:00:00.000Z', frozen: true }, 'freezing a frozen clock changes nothing');
  const running = await move({ frozen: false });
  t.equal(running.frozen, false);
  t.ok(Date.parse(running.now) >= Date.parse('2027-01-01T00:00:00Z'), 'it runs on from where it stood');
  const refrozen = await move({ frozen: true });
  t.equal(refrozen.frozen, true);
  t.same(json(await control(app, 'GET', '/clock')), refrozen);
});

t.test('bad moves: 400 INVALID_CONTROL_REQUEST naming what is wrong; the clock unmoved', async (t) => {
  const app = buildTestApp(t, { clock: START });
  const rows: [unknown, string, string][] = [
    [{}, 'body', 'give exactly one of set, advance, frozen'],
    [{ advance: 'PT1H', frozen: true }, 'body', 'give exactly one of set, advance, frozen'],
    [
      { set: '2026-05-01T11:59:59Z' },
      'set',
      'the emulator clock only moves forward: 2026-05-01T11:59:59.000Z is before its time, 2026-05-01T12:00:00.000Z',
    ],
    [{ set: 'tomorrow' }, 'set', "must be a real UTC date-time to jump to (not before the clock's time)"],
    [{ advance: 'P1M' }, 'advance', 'must be an ISO 8601 duration of weeks, days, hours, minutes or seconds, like PT6H or P2D'],
    [{ advance: '6 hours' }, 'advance', 'must be an ISO 8601 duration like PT6H or P2D'],
    [{ frozen: 'yes' }, 'frozen', 'must be true or false'],
    [{ rewind: 'PT1H' }, 'body.rewind', 'unknown field (allowed: set, advance, frozen)'],
  ];
  for (const [body, field, problem] of rows) {
    const res = await control(app, 'POST', '/clock', body);
    t.equal(res.statusCode, 400, JSON.stringify(body));
    t.same(json(res), invalidControlRequest(field, problem), JSON.stringify(body));
  }
  t.same(json(await control(app, 'GET', '/clock')), { now: '2026-05-01T12:00:00.000Z', frozen: true });
});

t.test('reset takes the clock back to its start setting (scope all and clock, not data)', async (t) => {
  const app = buildTestApp(t, { clock: START });
  for (const [scope, back] of [
    ['data', false],
    ['journal', false],
    ['clock', true],
    ['all', true],
  ] as const) {
    await control(app, 'POST', '/clock', { advance: 'P3D' });
    await control(app, 'POST', '/reset', { scope });
    const now = json(await control(app, 'GET', '/clock')).now;
    t.equal(now === '2026-05-01T12:00:00.000Z', back, `scope ${scope}: ${now}`);
    await control(app, 'POST', '/reset', { scope: 'clock' });
  }
});

t.test('nonces expire on the emulator clock: moved past their lifetime they are stale', async (t) => {
  const app = buildTestApp(t, { clock: START, nonceTtlSeconds: 300 });
  const challenge = await send(app, { url: CLUSTER0 });
  const { nonce } = parseChallenge(String(challenge.headers['www-authenticate']));
  const signed = (nc: number) =>
    send(app, { url: CLUSTER0, headers: { authorization: digestHeader({ method: 'GET', uri: CLUSTER0, nonce: nonce!, nc }) } });
  t.equal((await signed(1)).statusCode, 200);
  await control(app, 'POST', '/clock', { advance: 'PT299S' });
  t.equal((await signed(2)).statusCode, 200, 'still fresh a second before its end');
  await control(app, 'POST', '/clock', { advance: 'PT2S' });
  const stale = await signed(3);
  t.equal(stale.statusCode, 401);
  t.match(stale.headers['www-authenticate'], /stale=true$/);
});

t.test('rate-limit buckets refill on the emulator clock', async (t) => {
  const app = buildTestApp(t, { clock: START, rateLimit: '2/1m' });
  t.same([(await authed(app, { url: CLUSTER0 })).statusCode, (await authed(app, { url: CLUSTER0 })).statusCode], [200, 200]);
  t.equal((await authed(app, { url: CLUSTER0 })).statusCode, 429);
  await control(app, 'POST', '/clock', { advance: 'PT30S' });
  t.equal((await authed(app, { url: CLUSTER0 })).statusCode, 200, 'half a period later: one token back');
  t.equal((await authed(app, { url: CLUSTER0 })).statusCode, 429);
});

t.test('startEmulator exposes the clock: state, set, advance, freeze, and the same refusals', async (t) => {
  const emulator = await startEmulator({ clock: START });
  t.teardown(() => emulator.close());
  t.same(emulator.clock.state(), { now: '2026-05-01T12:00:00.000Z', frozen: true });
  t.same(emulator.clock.advance('PT1H'), { now: '2026-05-01T13:00:00.000Z', frozen: true });
  t.same(emulator.clock.set('2026-06-01T00:00:00Z'), { now: '2026-06-01T00:00:00.000Z', frozen: true });
  t.same(emulator.clock.now(), new Date('2026-06-01T00:00:00Z'));
  t.same(emulator.clock.advance(90_000), { now: '2026-06-01T00:01:30.000Z', frozen: true }, 'milliseconds too');
  t.throws(() => emulator.clock.advance(-1), { message: /^Invalid set: the emulator clock only moves forward/ }, 'never back');
  t.equal(emulator.clock.freeze(false).frozen, false);
  t.throws(() => emulator.clock.set('2026-01-01T00:00:00Z'), { message: /^Invalid set: the emulator clock only moves forward/ });
  t.throws(() => emulator.clock.advance('soon'), { message: 'Invalid advance: must be an ISO 8601 duration like PT6H or P2D.' });
  const res = await fetch(`${emulator.url}/_emulator/clock`);
  t.equal((await res.json()).frozen, false, 'the HTTP view is the same clock');
});
