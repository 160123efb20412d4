import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_PRIVATE_KEY, startEmulator, type EmulatorOptions, type FixtureDocument } from '../../src/index.js';
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

/** The message startEmulator() is refused with (the whole of it: t.rejects would match a part). */
async function refusal(options: EmulatorOptions): Promise<string> {
  return startEmulator(options).then(
    async (emulator) => {
      await emulator.close();
      return 'started';
    },
    (err: Error) => err.message,
  );
}

t.test('startEmulator refuses a fixture file naming each mistake, those no schema can see too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-emu-in-process-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const [A, B, C1, C2, C3, K1, K2] = ['a', 'b', 'c', 'd', 'e', 'f', '0'].map((digit) => digit.repeat(24));
  const checkpoint = (id: string, day: number, more = {}) => ({ id, timestamp: `2020-01-0${day}T00:00:00Z`, ...more });
  const file = join(dir, 'mistakes.json');
  writeFileSync(
    file,
    JSON.stringify({
      projects: [
        {
          id: A,
          clusters: [
            {
              name: 'c1',
              clusterId: C1,
              checkpoints: [checkpoint(K1, 1), checkpoint(K1, 2), checkpoint(K2, 3, { clusterId: C2, groupId: B })],
            },
            { name: 'c1', clusterId: C2 },
            { name: 'cloud', clusterId: C3, backup: 'CLOUD', generate: { count: 3 } },
          ],
        },
        { id: A },
        { id: B, name: 7 },
      ],
      serviceAccounts: [
        { clientId: 'ci', clientSecret: 'first-secret', projects: '*' },
        { clientId: 'ci', clientSecret: 'second-secret', projects: '*' },
      ],
    }),
  );
  t.equal(
    await refusal({ fixtures: file }),
    [
      `fixture ${file}: 8 mistakes:`,
      `$.projects[0].clusters[0].checkpoints[1].id: duplicates checkpoint ${K1}`,
      `$.projects[0].clusters[0].checkpoints[2].clusterId: must be the cluster's clusterId ${C1} when given, got "${C2}"`,
      `$.projects[0].clusters[0].checkpoints[2].groupId: must be the project's id ${A} when given, got "${B}"`,
      '$.projects[0].clusters[1].name: duplicates cluster c1',
      '$.projects[0].clusters[2]: a cluster on Cloud Backup (backup: CLOUD) has no checkpoints',
      `$.projects[1].id: duplicates project ${A}`,
      '$.projects[2].name: must be a string, got 7',
      '$.serviceAccounts[1].clientId: duplicates ci',
    ].join('\n  '),
  );
});

t.test('startEmulator refuses a fixture file that is not there in words, with what a relative path is resolved against', async (t) => {
  t.equal(
    await refusal({ fixtures: 'no-such-folder/fixture.json' }),
    `fixture no-such-folder/fixture.json: no such file or folder (a relative path is resolved against the working directory, ${process.cwd()})`,
  );
  t.equal(await refusal({ fixtures: '/no-such-folder/fixture.json' }), 'fixture /no-such-folder/fixture.json: no such file or folder');
});

t.test('load() throws naming each mistake of the document', async (t) => {
  const emulator = await startEmulator();
  t.teardown(() => emulator.close());
  /** The whole message load() throws (t.throws would match a part of it). */
  const refusal = (document: FixtureDocument) => {
    try {
      emulator.load(document);
      return 'loaded';
    } catch (err) {
      return (err as Error).message;
    }
  };
  t.equal(
    refusal({ projects: [{ id: 'nope', name: 'x', clusters: [{ name: 'a b', clusterId: 'c'.repeat(24) }] }] }),
    'Invalid $.projects[0].id: must be a 24-hexadecimal-digit id, got "nope"; ' +
      '$.projects[0].clusters[0].name: must be a cluster name matching ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most 64 characters), got "a b".',
  );
  // A value JSON cannot write is named by its type (only an in-process caller can give one).
  t.equal(
    refusal({ projects: [{ id: 5n as unknown as string }] }),
    'Invalid $.projects[0].id: must be a 24-hexadecimal-digit id, got a bigint JSON cannot write.',
  );
  t.equal(emulator.export().projects!.length, 2, 'nothing loaded');
});
