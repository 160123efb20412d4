import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, record, startEmulator } from '../../src/index.js';
import { answers, CLUSTERS, fakeTime, GROUP, Reader, recordOptions, scratch, startSource } from './atlas-source.js';

// The proof of a recording: an emulator started from it answers every list, page by page,
// and every item exactly as the emulator it was recorded from did (same Host header, so the
// links and download URLs are alike too), and the same source recorded again gives the same
// bytes, whatever the credentials and whatever faults the source throws in.

const { source, reader } = await startSource();
t.teardown(() => source.close());
const { dir, files } = scratch(t);
const out = join(dir, 'recorded.json');
const host = new URL(source.url).host;

t.test('a second emulator started from the recording answers as the first, byte for byte', async (t) => {
  const summary = await record(recordOptions(source, out), fakeTime());
  t.same(summary.clusters, [
    { name: 'Sharded0', checkpoints: 620, snapshots: 509, restoreJobs: 509 },
    { name: 'Replica0', checkpoints: 0, snapshots: 10, restoreJobs: 0 },
    { name: 'LiveSharded', checkpoints: 96, snapshots: 11, restoreJobs: 0 },
  ]);
  const document = JSON.parse(readFileSync(out, 'utf8'));
  t.equal(document.$schema, './node_modules/atlas-backup-emulator/fixtures/fixture.schema.json');
  t.same(
    document.projects[0].clusters.map((c: Record<string, unknown>) => [c.name, c.type, c.shards, c.live]),
    [
      ['Sharded0', 'SHARDED', 3, false],
      ['Replica0', 'REPLICASET', 1, false],
      ['LiveSharded', 'SHARDED', 2, false],
    ],
    'types and shard counts read off the parts; live clusters recorded as static',
  );
  t.same(files(), ['recorded.json'], 'no temporary file left');

  const replay = await startEmulator({ fixtures: out, logLevel: 'silent' });
  t.teardown(() => replay.close());
  const expected = await answers(reader, GROUP, CLUSTERS);
  const actual = await answers(new Reader(replay.app, host), GROUP, CLUSTERS);
  t.equal(actual.length, expected.length);
  t.equal(
    actual.find((answer, i) => answer !== expected[i]),
    undefined,
    'every answer alike',
  );
});

t.test('the same source recorded again, with an API key and faults on the way, gives the same bytes', async (t) => {
  source.faults.add({ match: { pageNum: 2 }, effect: { type: 'error', status: 503 }, times: 1 });
  source.faults.add({
    match: { path: '/api/atlas/v2/groups/*/clusters/Replica0/snapshots' },
    effect: { type: 'error', status: 429, retryAfterSeconds: 7 },
    times: 3,
  });
  t.teardown(() => source.faults.clear());
  const again = join(dir, 'again.json');
  const time = fakeTime();
  await record(
    recordOptions(source, again, {
      sourceClientId: undefined,
      sourceClientSecret: undefined,
      sourcePublicKey: DEFAULT_PUBLIC_KEY,
      sourcePrivateKey: DEFAULT_PRIVATE_KEY,
    }),
    time,
  );
  t.equal(
    readFileSync(again, 'utf8'),
    readFileSync(out, 'utf8'),
    'Digest instead of a service account, a 503 on page 2 and a burst of 429s: the same bytes',
  );
  t.same(
    source.faults.list().map((rule) => rule.applied),
    [1, 3],
    'both faults were met',
  );
  t.same(
    time.sleeps.filter((ms) => ms >= 1000),
    [1000, 7000, 7000, 7000],
    'the 503 retried after a second, each 429 after its Retry-After',
  );
});

t.test('through the v1.0 API the recording is the same but for its description', async (t) => {
  const v1 = join(dir, 'v1.json');
  await record(recordOptions(source, v1, { api: 'v1.0' }), fakeTime());
  const withoutDescription = (file: string) => readFileSync(file, 'utf8').replace(/"description":"[^"]*"/, '');
  t.equal(withoutDescription(v1), withoutDescription(out));
});

t.test('an existing file is replaced whole', async (t) => {
  const target = join(dir, 'replaced.json');
  writeFileSync(target, 'the previous recording');
  await record(recordOptions(source, target, { clusters: ['Replica0'] }), fakeTime());
  t.equal(JSON.parse(readFileSync(target, 'utf8')).projects[0].clusters[0].name, 'Replica0');
});
