import t from 'tap';
import { DEFAULT_PRIVATE_KEY, startEmulator } from '../../src/index.js';
import { CLUSTER0, GROUP } from '../helpers/test-app.js';
import { signedFetch } from '../helpers/control-client.js';

t.test('startEmulator listens on 127.0.0.1 with the default key, from options only (not the environment)', async (t) => {
  process.env.ATLAS_EMU_SEED = '9';
  t.teardown(() => delete process.env.ATLAS_EMU_SEED);
  const emulator = await startEmulator();
  t.teardown(() => emulator.close());
  t.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal(emulator.publicKey, 'emulator');
  t.equal(emulator.privateKey, DEFAULT_PRIVATE_KEY);
  const ready = await (await fetch(`${emulator.url}/_emulator/ready`)).json();
  t.equal(ready.seed, 1);
  const page = await signedFetch(emulator.url, CLUSTER0);
  t.equal(page.status, 200);
  t.equal((await page.json()).totalCount, 61);
});

t.test('load, export, requests, faults and reset in-process', async (t) => {
  const emulator = await startEmulator({ seed: 3, journalMax: 50 });
  t.teardown(() => emulator.close());

  t.throws(() => emulator.load({ projects: [{ id: 'nope', name: 'x', clusters: [] }] }), {
    message: 'Invalid $.projects[0].id: must be a 24-hexadecimal-digit id, got "nope".',
  });
  t.same(emulator.load({ projects: [{ id: 'abababababababababababab', name: 'X', clusters: [] }] }), {
    projects: 3,
    clusters: 4,
    checkpoints: 73,
  });
  t.same(
    emulator.export().projects!.map((p) => p.id),
    ['5e2211c17a3e5a48f5497de3', GROUP, 'abababababababababababab'].sort(),
  );

  const before = new Date();
  const rule = emulator.faults.add({ match: { pageNum: 1 }, effect: { type: 'error', status: 500 }, times: 1 });
  t.equal((await signedFetch(emulator.url, CLUSTER0)).status, 500);
  t.same(
    emulator.faults.list().map((f) => [f.id, f.applied]),
    [[rule.id, 1]],
  );
  t.throws(() => emulator.faults.add({ effect: { type: 'delay', ms: -1 } }), {
    message: 'Invalid effect.ms: must be an integer from 0 to 600000.',
  });

  t.same(
    emulator.requests({ since: before, faulted: true }).map((e) => [e.status, e.fault?.id]),
    [[500, rule.id]],
  );
  t.equal(emulator.requests({ since: before.toISOString(), challenge: true }).length, 1);
  t.equal(emulator.requests({ limit: 1 }).length, 1);
  t.throws(() => emulator.requests({ status: 99 }), { message: 'Invalid status: must be an integer from 100 to 599.' });

  t.ok(emulator.faults.remove(rule.id));
  t.notOk(emulator.faults.remove(rule.id));
  emulator.faults.add({ effect: { type: 'drop' } });
  emulator.faults.clear();
  t.same(emulator.faults.list(), []);

  emulator.reset('journal');
  t.same(emulator.requests(), []);
  t.equal(emulator.export().projects!.length, 3, 'a journal reset keeps the data');
  emulator.reset();
  t.equal(emulator.export().projects!.length, 2);
});

t.test('a port in use is reported and nothing is left open', async (t) => {
  const first = await startEmulator();
  t.teardown(() => first.close());
  await t.rejects(startEmulator({ port: Number(new URL(first.url).port) }), { code: 'EADDRINUSE' });
});
